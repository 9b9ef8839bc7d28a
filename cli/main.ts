/** The `shepherd` command: runs one command line and exits with its code (see ./run). */
import { run } from './run';

process.exitCode = await run(process.argv.slice(2));
