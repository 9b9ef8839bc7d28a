/** The `shepherd` command: runs one command line and exits with its code (see ./run). */
import { run } from './run';

// The AWS SDK (loaded to sign requests or find the deployed stack) warns on every run under Node
// 20 about its releases of 2027; a command line should print only its own output.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

process.exitCode = await run(process.argv.slice(2));
