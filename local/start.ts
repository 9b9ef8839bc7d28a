/**
 * `npm start`: Shepherd on one machine, on loopback, with a seeded demo. No AWS account needed.
 * Env: SHEPHERD_API_PORT (default 8080), SHEPHERD_SIM_PORT (4566), SHEPHERD_DASHBOARD_PORT (8081),
 * SHEPHERD_KEEP_DATA=1 keeps DynamoDB data in .local-data/ across runs, SHEPHERD_API_AUTH=sigv4
 * makes the HTTP API verify SigV4 with your AWS credentials (./apiAuth).
 */
import { mkdirSync } from 'node:fs';
import { DEMO_CLUSTER, seedDemo } from './demo';
import { startSandbox, type SandboxOptions } from './sandbox';
import { regionFromChain } from '../cli/region';

const started = Date.now();
const keep = process.env.SHEPHERD_KEEP_DATA === '1';
if (keep) mkdirSync('.local-data', { recursive: true });

/**
 * With SHEPHERD_API_AUTH=sigv4, the API accepts what your AWS credentials sign (the standard
 * chain, resolved now: the sandbox then points the in-process SDK at its own dummy credentials)
 * for the region of your configuration (us-east-1 if none): what the CLI signs with in this shell.
 */
async function apiAuth(): Promise<SandboxOptions['apiAuth']> {
  const mode = process.env.SHEPHERD_API_AUTH ?? 'none';
  if (mode === 'none') return undefined;
  if (mode !== 'sigv4') throw new Error(`SHEPHERD_API_AUTH must be sigv4 or none, not ${JSON.stringify(mode)}`);
  const { fromNodeProviderChain } = await import('@aws-sdk/credential-providers');
  let c;
  try {
    c = await fromNodeProviderChain()();
  } catch (err) {
    throw new Error(`SHEPHERD_API_AUTH=sigv4 needs AWS credentials (environment, profile, SSO, …) to verify signatures with: ${(err as Error).message}`, { cause: err });
  }
  const credentials = { accessKeyId: c.accessKeyId, secretAccessKey: c.secretAccessKey, ...(c.sessionToken ? { sessionToken: c.sessionToken } : {}) };
  return { region: (await regionFromChain()) ?? 'us-east-1', credentials };
}

let auth: SandboxOptions['apiAuth'];
try {
  auth = await apiAuth();
} catch (err) {
  console.error(`error: ${(err as Error).message}`);
  process.exit(2);
}
const sb = await startSandbox({
  clock: 'real',
  apiPort: Number(process.env.SHEPHERD_API_PORT ?? 8080),
  simPort: Number(process.env.SHEPHERD_SIM_PORT ?? 4566),
  dashboardPort: Number(process.env.SHEPHERD_DASHBOARD_PORT ?? 8081),
  ...(keep ? { dataDir: '.local-data' } : {}),
  ...(auth ? { apiAuth: auth } : {}),
});
await seedDemo(sb);
// A first reconcile pass now rather than in a minute: the demo's services start at once.
await sb.invoke('reconcile', { source: 'npm start' });

console.log(`Shepherd sandbox up in ${((Date.now() - started) / 1000).toFixed(1)} s (stage "${sb.stage}")`);
console.log(`  Dashboard       ${sb.dashboardUrl ?? '-'}`);
console.log(
  `  HTTP API        ${sb.apiUrl}   ` +
    (auth
      ? `(SigV4: execute-api, ${auth.region}, access key ${auth.credentials.accessKeyId}; the CLI signs with SHEPHERD_API_AUTH=sigv4)`
      : '(open on loopback; SHEPHERD_API_AUTH=sigv4 verifies SigV4)'),
);
console.log(`  AWS simulator   ${sb.sim.endpoint}   (ECS, EventBridge, Auto Scaling; e.g. AWS_ENDPOINT_URL=${sb.sim.endpoint} aws ecs list-container-instances --cluster ${DEMO_CLUSTER})`);
console.log(`  DynamoDB Local  ${sb.dynamo.endpoint}   (table ${sb.tableName})`);
console.log('  Ctrl-C stops everything.\n');

async function summary(): Promise<string> {
  const instances = (await sb.store.instances.listByCluster(DEMO_CLUSTER, { limit: 100 })).items;
  const active = instances.filter((i) => i.status === 'ACTIVE' && i.agentConnected).length;
  const services = (await sb.store.services.list({ cluster: DEMO_CLUSTER })).items;
  const tasks = (await sb.store.tasks.listByCluster(DEMO_CLUSTER, { limit: 100 })).items;
  const running = tasks.filter((t) => t.lastStatus === 'RUNNING').length;
  const inv = [...sb.invocations].map(([k, v]) => `${k}=${v}`).join(' ');
  const published = sb.sim.events.history(sb.busName).length;
  const time = new Date().toISOString().slice(11, 19);
  return `[${time}] instances ${active}/${instances.length} active | services ${services.length} (desired ${services.reduce((n, s) => n + s.desiredCount, 0)}) | tasks running ${running} | invocations ${inv || '-'} | bus events ${published}${sb.errors.length ? ` | errors ${sb.errors.length}` : ''}`;
}

const interactive = process.stdout.isTTY;
const timer = setInterval(() => {
  void summary().then((line) => {
    if (interactive) process.stdout.write(`\r${line.padEnd(process.stdout.columns ? process.stdout.columns - 1 : 160)}`);
    else console.log(line);
  });
}, interactive ? 1000 : 5000);

let stopping = false;
async function stop(): Promise<void> {
  if (stopping) return;
  stopping = true;
  clearInterval(timer);
  process.stdout.write('\nstopping…\n');
  await sb.stop();
  process.exit(0);
}
process.on('SIGINT', () => void stop());
process.on('SIGTERM', () => void stop());
