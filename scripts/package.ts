/**
 * `npm run package`: packages the stack offline (no AWS account): dummy credentials, osls +
 * serverless-esbuild, output in .serverless/ (or --package DIR). Other args pass through
 * (e.g. --stage prod --param="clusters=prod").
 */
import { spawnSync } from 'node:child_process';

const passed = process.argv.slice(2);
const has = (flag: string) => passed.some((a) => a === flag || a.startsWith(`${flag}=`));
const args = ['serverless', 'package', ...(has('--stage') ? [] : ['--stage', 'dev']), ...(has('--region') ? [] : ['--region', 'us-east-1']), ...passed];
const env = {
  ...process.env,
  AWS_ACCESS_KEY_ID: process.env.AWS_ACCESS_KEY_ID ?? 'AKIAOFFLINEPACKAGING',
  AWS_SECRET_ACCESS_KEY: process.env.AWS_SECRET_ACCESS_KEY ?? 'offline-packaging-needs-no-account',
  SLS_TELEMETRY_DISABLED: '1',
  SLS_NOTIFICATIONS_MODE: 'off',
};
const r = spawnSync('npx', ['--no-install', ...args], { stdio: 'inherit', env });
process.exit(r.status ?? 1);
