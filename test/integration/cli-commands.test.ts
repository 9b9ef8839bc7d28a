/**
 * The `shepherd` CLI as a user runs it: `node cli/shepherd.mjs …` as a child process against the
 * real API handler (DynamoDB Local + the simulator) served on a loopback port. Watches are driven
 * by writing what the reconciler would (tasks observed, the deployment's rollout state) to the store.
 */
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { SignatureV4 } from '@smithy/signature-v4';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveHttpApi } from '../../local/http';
import { usage } from '../../cli/run';
import { Sha256 } from '../../cli/sigv4';
import type { Service } from '../../cli/types';
import { observedInstance } from '../helpers/specs';
import { lambdaContext, STAGE, startApi, type ApiHarness } from './api-harness';

const CLI = join(import.meta.dirname, '../../cli/shepherd.mjs');
let h: ApiHarness;
let api: Awaited<ReturnType<typeof serveHttpApi>>;
const tds: string[] = [];
const dir = mkdtempSync(join(tmpdir(), 'shepherd-cli-'));

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME, NO_COLOR: '1', SHEPHERD_ENDPOINT: api.url, ...extra };
  return env;
}

/** Runs the CLI to completion (plain node, no TTY). */
function cli(args: string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, ...args], { env: cleanEnv(env), timeout: 20_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? ((err as { code?: number }).code ?? null) : 0, stdout, stderr });
    });
  });
}

/**
 * Starts the CLI and returns its completion, so the test can act while it watches; `seen` is what
 * it has printed so far (stdout and stderr), for waiting on what the watcher has observed.
 */
function cliBackground(args: string[]): Promise<Run> & { seen: () => string } {
  let stdout = '';
  let stderr = '';
  const done = new Promise<Run>((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], { env: cleanEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
  return Object.assign(done, { seen: () => stdout + stderr });
}

/** Waits until the watching CLI has printed something matching `pattern`. */
const printed = (run: { seen: () => string }, pattern: RegExp) => until(`output ${pattern}`, async () => (pattern.test(run.seen()) ? true : undefined));

async function until<T>(what: string, probe: () => Promise<T | undefined>, ms = 10_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** What the reconciler does when a rollout settles: the PRIMARY deployment gets this state. */
async function settle(name: string, rolloutState: 'COMPLETED' | 'FAILED', extra: Service['deployments'] = []) {
  const s = await h.t.store.services.get(name);
  if (!s) throw new Error(`no service ${name}`);
  const now = new Date().toISOString();
  const deployments = s.deployments.map((d) => (d.status === 'PRIMARY' ? { ...d, rolloutState, failedTasks: rolloutState === 'FAILED' ? 3 : d.failedTasks, updatedAt: now } : d));
  await h.t.store.services.setRuntime(name, { deployments: [...extra, ...(extra.length ? deployments.map((d) => (d.status === 'PRIMARY' ? { ...d, status: 'ACTIVE' as const } : d)) : deployments)] });
}

beforeAll(async () => {
  h = await startApi();
  tds.push(await h.registerTaskDefinition());
  await h.registerInstance('prod', 'i-a', 'us-east-1a');
  await h.registerInstance('prod', 'i-b', 'us-east-1b');
  // What the instance event handler records (GET /clusters/{name} reads the store).
  await h.t.store.instances.recordObserved(observedInstance({ containerInstanceArn: 'arn:aws:ecs:us-east-1:123456789012:container-instance/prod/a', ec2InstanceId: 'i-a', remaining: { cpu: 1024, memory: 4096, ports: [] }, runningTasksCount: 2 }));
  h.sim.autoscaling.createGroup({ name: 'fresh-asg', cluster: 'fresh', instanceType: 'm5.large', availabilityZones: ['us-east-1a'], min: 0, max: 2, desired: 0, tags: { 'shepherd:stage': STAGE } });
  h.sim.autoscaling.createGroup({ name: 'prod-asg', cluster: 'prod', instanceType: 'm5.large', availabilityZones: ['us-east-1a'], min: 0, max: 6, desired: 0, tags: { 'shepherd:stage': STAGE } });
  api = await serveHttpApi({ invoke: (e) => h.handler(e, lambdaContext()) });
});
afterAll(async () => {
  await api?.close();
  await h?.close();
});

describe('shepherd services', () => {
  it('creates a service from flags and from a file, lists and gets it as a table and as JSON', async () => {
    const made = await cli(['services', 'create', 'web', '--cluster', 'prod', '--task-definition', 'web:1', '--desired-count', '2']);
    expect(made.stderr).toBe('');
    expect(made.code).toBe(0);
    expect(made.stdout).toMatch(/^created service web/);
    expect(made.stdout).toMatch(/task definition\s+web:1/);
    expect(made.stdout).toMatch(/d1\s+PRIMARY\s+IN_PROGRESS\s+web:1/);

    const file = join(dir, 'api.json');
    writeFileSync(file, JSON.stringify({ name: 'api', cluster: 'prod', taskDefinition: 'web:1', desiredCount: 1, tags: { team: 'payments' } }));
    const [fromFile, again] = await Promise.all([cli(['services', 'create', '--file', file, '-o', 'json']), cli(['services', 'create', 'web', '--cluster', 'prod', '--task-definition', 'web:1', '--desired-count', '2'])]);
    expect(fromFile.code).toBe(0);
    expect(JSON.parse(fromFile.stdout)).toMatchObject({ name: 'api', desiredCount: 1, tags: { team: 'payments' }, revision: 1 });
    expect(again.stdout).toMatch(/^service web already exists with these settings/);

    const [table, json, get, getJson] = await Promise.all([
      cli(['services', 'ls']),
      cli(['services', 'ls', '--output', 'json', '--cluster', 'prod']),
      cli(['services', 'get', 'web']),
      cli(['--output=json', 'services', 'get', 'web']),
    ]);
    const lines = table.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^NAME\s+CLUSTER\s+TASK DEFINITION\s+DESIRED\s+STATE\s+DEPLOYMENT\s+REV\s+UPDATED$/);
    expect(lines.slice(1).map((l) => l.split(/\s+/).slice(0, 5))).toEqual([
      ['api', 'prod', 'web:1', '1', 'ACTIVE'],
      ['web', 'prod', 'web:1', '2', 'ACTIVE'],
    ]);
    // --output json is the API's own answer, byte for byte.
    const direct = await h.call({ method: 'GET', path: '/services', query: { cluster: 'prod' } });
    expect(json.stdout).toBe(`${direct.raw}\n`);
    expect(get.stdout).toMatch(/deployments\s+min 100%, max 200%, circuit breaker on with rollback/);
    expect(JSON.parse(getJson.stdout)).toMatchObject({ name: 'web', cluster: 'prod', desiredCount: 2, status: 'ACTIVE' });
  });

  it('scales, pauses and resumes; shows status, events and the plan', async () => {
    const scaled = await cli(['services', 'scale', 'web', '3']);
    expect(scaled.code).toBe(0);
    expect(scaled.stdout).toBe('web: desired count 3 (revision 2)\n');
    const paused = await cli(['services', 'pause', 'web', '-o', 'json']);
    expect(JSON.parse(paused.stdout)).toMatchObject({ paused: true });
    // A paused service makes no progress: a watch says so at once.
    const stuck = await cli(['services', 'scale', 'web', '--desired-count', '2', '--watch', '--interval', '100ms']);
    expect(stuck.code).toBe(3);
    expect(stuck.stdout).toMatch(/service web is paused/);
    const resumed = await cli(['services', 'resume', 'web']);
    expect(resumed.stdout).toMatch(/^web: resumed \(revision \d+\)/);
    expect((await h.t.store.services.get('web'))?.paused).toBe(false);

    const [status, events, plan, planJson] = await Promise.all([
      cli(['services', 'status', 'web']),
      cli(['services', 'events', 'web', '--limit', '5']),
      cli(['services', 'plan', 'web']),
      cli(['services', 'plan', 'web', '-o', 'json']),
    ]);
    expect(status.stdout).toMatch(/tasks\s+0\/2 running/);
    expect(events.code).toBe(0);
    expect(events.stdout).toBe('No events.\n');
    expect(plan.stdout).toMatch(/^ACTION\s+WHAT/m);
    expect(plan.stdout).toMatch(/start\s+2 task\(s\)\s+web:1/);
    expect(JSON.parse(planJson.stdout)).toMatchObject({ name: 'web', actions: [{ kind: 'start', count: 2 }] });
  });

  it('deploy --watch shows progress and exits 0 when the deployment completes', async () => {
    tds.push(await h.registerTaskDefinition());
    const watching = cliBackground(['services', 'deploy', 'web', 'web:2', '--watch', '--interval', '100ms', '--timeout', '15s']);
    await until('the deployment', async () => ((await h.t.store.services.get('web'))?.deployments[0]?.taskDefinition === tds[1] ? true : undefined));
    await printed(watching, /deployment d\d+ of web:2 started/);
    await h.runManagedTask('web', 'prod', tds[1] as string);
    await printed(watching, /1\/2 running/);
    await h.runManagedTask('web', 'prod', tds[1] as string);
    await printed(watching, /2\/2 running/);
    await settle('web', 'COMPLETED');
    const run = await watching;
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const lines = run.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^web: deployment d\d+ of web:2 started$/);
    // Not a TTY: one plain line per change, the bar filling up.
    expect(lines.some((l) => /web d\d+ → web:2 [█░]{20} 1\/2 running/.test(l))).toBe(true);
    expect(lines.some((l) => /2\/2 running/.test(l))).toBe(true);
    expect(lines.at(-1)).toMatch(/^✓ deployment d\d+ completed: 2 task\(s\) of web:2 running/);
  });

  it('deploy --watch exits non-zero with the reason when the circuit breaker fails and rolls back', async () => {
    tds.push(await h.registerTaskDefinition());
    const watching = cliBackground(['services', 'deploy', 'web', 'web:3', '--watch', '--interval', '100ms', '--timeout', '15s', '-o', 'json']);
    await until('the deployment', async () => ((await h.t.store.services.get('web'))?.deployments[0]?.taskDefinition === tds[2] ? true : undefined));
    await printed(watching, /→ web:3/);
    const now = new Date().toISOString();
    await settle('web', 'FAILED', [{ id: 'd99', taskDefinition: tds[1] as string, status: 'PRIMARY', rolloutState: 'IN_PROGRESS', createdAt: now, updatedAt: now, failedTasks: 0 }]);
    const run = await watching;
    expect(run.code).toBe(3);
    // JSON on stdout (the deploy's answer), progress and the verdict on stderr.
    const answer = JSON.parse(run.stdout) as Service;
    expect(answer.deployments[0]).toMatchObject({ status: 'PRIMARY', rolloutState: 'IN_PROGRESS', taskDefinition: tds[2] });
    expect(run.stderr).toMatch(/✗ deployment d\d+ of web:3 failed: 3 task\(s\) failed; rolled back to web:2 \(deployment d99, IN_PROGRESS\)/);
  });

  it('scale --watch exits 0 once the desired count runs, 4 on timeout', async () => {
    const watching = cliBackground(['services', 'scale', 'web', '3', '--watch', '--interval', '100ms']);
    await until('the scale', async () => ((await h.t.store.services.get('web'))?.desiredCount === 3 ? true : undefined));
    await printed(watching, /2\/3 running/);
    await h.runManagedTask('web', 'prod', tds[1] as string);
    const run = await watching;
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/web [█░]{20} 2\/3 running/);
    expect(run.stdout.trim().split('\n').at(-1)).toMatch(/^✓ web: 3 of 3 task\(s\) running/);

    const slow = await cli(['services', 'scale', 'web', '5', '--watch', '--interval', '200ms', '--timeout', '1s']);
    expect(slow.code).toBe(4);
    expect(slow.stdout).toMatch(/✗ timed out after 1s: web [█░]{20} 3\/5 running/);
  });

  it('delete: draining without --force, removed with it', async () => {
    const drain = await cli(['services', 'delete', 'api']);
    expect(drain.code).toBe(0);
    expect(drain.stdout).toMatch(/^api: DRAINING, desired count 0/);
    const force = await cli(['services', 'delete', 'api', '--force', '-o', 'json']);
    expect(JSON.parse(force.stdout)).toEqual({ name: 'api', deleted: true, stoppedTasks: [] });
    expect((await cli(['services', 'get', 'api'])).code).toBe(1);
  });
});

describe('shepherd clusters and task-definitions', () => {
  it('lists and shows clusters; capacity shows, sets and changes the settings, and refuses an unknown group', async () => {
    const [ls, get, cap] = await Promise.all([cli(['clusters', 'ls']), cli(['clusters', 'get', 'prod']), cli(['clusters', 'capacity', 'prod'])]);
    expect(ls.stdout).toMatch(/^NAME\s+CAPACITY\s+REV\s+UPDATED\nprod\s+-/);
    expect(get.stdout).toMatch(/schedulable\s+1 instance\(s\); cpu 1024\/2048 \(50%\), memory 3584\/7680 \(47%\) in use/);
    expect(get.stdout).toMatch(/^INSTANCE\s+STATUS\s+AGENT\s+ZONE\s+TYPE\s+CPU USED\s+MEMORY USED\s+TASKS\ni-a\s+ACTIVE\s+connected\s+us-east-1a\s+m5\.large\s+1024\/2048 \(50%\)\s+3584\/7680 \(47%\)\s+2$/m);
    expect(get.stdout).toMatch(/^web\s+ACTIVE\s+5\s+web:3/m);
    expect(cap.stdout).toBe('prod: no capacity settings (set them with --asg --min --max --target)\n');
    const partial = await cli(['clusters', 'capacity', 'prod', '--max', '4']);
    expect(partial.code).toBe(2);
    expect(partial.stderr).toMatch(/give --asg, --min, --target as well/);
    const noGroup = await cli(['clusters', 'capacity', 'prod', '--asg', 'nope', '--min', '1', '--max', '3', '--target', '70']);
    expect(noGroup.code).toBe(1);
    expect(noGroup.stderr).toMatch(/^error: Invalid request: /);
    const set = await cli(['clusters', 'capacity', 'prod', '--asg', 'prod-asg', '--min', '1', '--max', '4', '--target', '70']);
    expect(set.stderr).toBe('');
    expect(set.stdout).toBe('prod: prod-asg: 1–4 instances, target 70% (revision 2)\n');
    const changed = await cli(['clusters', 'capacity', 'prod', '--max', '5', '-o', 'json']);
    expect(JSON.parse(changed.stdout).capacity).toEqual({ autoScalingGroupName: 'prod-asg', minSize: 1, maxSize: 5, targetUtilizationPercent: 70 });
    const tuned = await cli(['clusters', 'capacity', 'prod', '--step', '3', '--scale-in-after', '120']);
    expect(tuned.stdout).toBe('prod: prod-asg: 1–5 instances, target 70%, step 3, scale-in after 120s (revision 4)\n');
    const events = await cli(['clusters', 'events', 'prod']);
    expect(events.code).toBe(0);
    // A cluster Shepherd has not seen yet is registered by setting its capacity.
    const fresh = await cli(['clusters', 'capacity', 'fresh', '--asg', 'fresh-asg', '--min', '0', '--max', '2', '--target', '50']);
    expect(fresh.stderr).toBe('');
    expect(fresh.stdout).toBe('fresh: fresh-asg: 0–2 instances, target 50% (revision 2)\n');
  });

  it('registers a task definition from a file and lists its revisions', async () => {
    const file = join(dir, 'td.json');
    writeFileSync(file, JSON.stringify({ family: 'web', containerDefinitions: [{ name: 'app', image: 'nginx:stable', memory: 256 }] }));
    const reg = await cli(['task-definitions', 'register', '--file', file]);
    expect(reg.code).toBe(0);
    expect(reg.stdout).toMatch(/^registered web:4 /);
    const ls = await cli(['task-definitions', 'ls', 'web', '--limit', '2']);
    expect(ls.stdout).toMatch(/^TASK DEFINITION\s+ARN\nweb:4\s+arn:aws:ecs:[^\n]+\nweb:3\s+arn:[^\n]+\nmore: --next-token \S+/);
    const all = await cli(['task-definitions', 'ls', 'web', '--all', '--sort', 'asc', '-o', 'json']);
    expect(JSON.parse(all.stdout).items.map((t: { revision: number }) => t.revision)).toEqual([1, 2, 3, 4]);
  });
});

describe('errors', () => {
  it("the API's problems: `error: <title>: <detail>`, the fields, exit 1; with -o json the problem on stdout", async () => {
    const [missing, missingJson, invalid, single] = await Promise.all([
      cli(['services', 'get', 'ghost']),
      cli(['services', 'scale', 'ghost', '2', '-o', 'json']),
      cli(['services', 'create', 'bad', '--task-definition', 'web:1', '--desired-count', '20000', '--scheduling-strategy', 'weird']),
      cli(['services', 'scale', 'web', '20000']),
    ]);
    expect(missing.code).toBe(1);
    expect(missing.stdout).toBe('');
    expect(missing.stderr).toMatch(/^error: Not found: .*ghost/);
    expect(missingJson.code).toBe(1);
    expect(JSON.parse(missingJson.stdout)).toMatchObject({ type: 'urn:shepherd:problem:not-found', status: 404 });
    expect(invalid.code).toBe(1);
    expect(invalid.stderr).toMatch(/^error: Invalid request: 2 problems in body\.desiredCount, body\.schedulingStrategy\n {2}body\.desiredCount: desiredCount: an integer from 0 to 10000\n {2}body\.schedulingStrategy: .+\n$/);
    expect(single.code).toBe(1);
    expect(single.stderr).toBe('error: Invalid request: body.desiredCount: desiredCount: an integer from 0 to 10000\n');
  });

  it('bad usage: the message and the usage, exit 2', async () => {
    const runs = await Promise.all([
      cli([]),
      cli(['services', 'ls', '--bogus']),
      cli(['services', 'scale', 'web', 'lots']),
      cli(['services', 'frobnicate']),
      cli(['services', 'get']),
      cli(['services', 'ls', '-o', 'yaml']),
      cli(['services', 'deploy', 'web', 'web:2', '--timeout', '5m']),
    ]);
    for (const r of runs) {
      expect(r.code, r.stderr).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(/^error: .+\n\nusage: shepherd /);
    }
    expect(runs[0]?.stderr).toBe(`error: a command is needed\n\n${usage()}\n`);
    expect(runs[1]?.stderr).toMatch(/^error: Unknown option '--bogus'\n\nusage: shepherd services ls \[options\]/);
    expect(runs[2]?.stderr).toMatch(/--desired-count must be a whole number, not "lots"/);
    expect(runs[3]?.stderr).toMatch(/unknown command "services frobnicate"[\s\S]*commands:\n {2}ls/);
    expect(runs[4]?.stderr).toMatch(/^error: missing NAME/);
    const help = await cli(['services', 'deploy', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^usage: shepherd services deploy NAME \[TASK_DEFINITION\] \[options\][\s\S]*--watch/);
  });

  it('an unreachable API: exit 2 with where it looked', async () => {
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((r) => closed.close(r));
    const run = await cli(['services', 'ls'], { SHEPHERD_ENDPOINT: `http://127.0.0.1:${port}` });
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(`error: cannot reach http://127.0.0.1:${port}: connection refused (is \`npm start\` running?)\n`);
  });
});

describe('SigV4', () => {
  const creds = { AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE', AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' };

  async function capture(host: string): Promise<{ url: string; seen: Array<{ method: string; path: string; headers: IncomingHttpHeaders; body: string }>; close(): Promise<void> }> {
    const seen: Array<{ method: string; path: string; headers: IncomingHttpHeaders; body: string }> = [];
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (d: Buffer) => (body += d.toString()));
      req.on('end', () => {
        seen.push({ method: req.method ?? '', path: req.url ?? '', headers: req.headers, body });
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{"name":"web","desiredCount":4,"revision":9,"deployments":[]}');
      });
    });
    await new Promise<void>((r) => server.listen(0, host, r));
    const { port } = server.address() as AddressInfo;
    return { url: `http://${host}:${port}`, seen, close: () => new Promise((r) => server.close(() => r())) };
  }

  const external = Object.values(networkInterfaces())
    .flat()
    .find((i) => i && i.family === 'IPv4' && !i.internal)?.address;

  it.skipIf(!external)('signs requests to a non-loopback endpoint (execute-api, the region given) with the credential chain', async () => {
    const srv = await capture(external as string);
    try {
      const run = await cli(['services', 'scale', 'web', '4', '--endpoint', srv.url, '--region', 'eu-west-1'], creds);
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      const req = srv.seen[0];
      expect(req?.headers.authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/eu-west-1\/execute-api\/aws4_request, SignedHeaders=[^,]*host[^,]*, Signature=[0-9a-f]{64}$/);
      // The signature verifies: recomputed from what arrived, with the same secret and date.
      const amzDate = String(req?.headers['x-amz-date']);
      const signingDate = new Date(`${amzDate.slice(0, 4)}-${amzDate.slice(4, 6)}-${amzDate.slice(6, 8)}T${amzDate.slice(9, 11)}:${amzDate.slice(11, 13)}:${amzDate.slice(13, 15)}Z`);
      const signer = new SignatureV4({ service: 'execute-api', region: 'eu-west-1', credentials: { accessKeyId: creds.AWS_ACCESS_KEY_ID, secretAccessKey: creds.AWS_SECRET_ACCESS_KEY }, sha256: Sha256 });
      const signedNames = /SignedHeaders=([^,]+)/.exec(String(req?.headers.authorization))?.[1]?.split(';') ?? [];
      const headers = Object.fromEntries(signedNames.map((n) => [n, String(req?.headers[n])]));
      const url = new URL(srv.url);
      const again = await signer.sign(
        { method: 'POST', protocol: 'http:', hostname: url.hostname, port: Number(url.port), path: '/services/web/scale', query: {}, headers, body: req?.body },
        { signingDate },
      );
      expect(again.headers.authorization).toBe(req?.headers.authorization);
      expect(JSON.parse(req?.body ?? '')).toEqual({ desiredCount: 4 });
    } finally {
      await srv.close();
    }
  });

  it('never signs on loopback, even with credentials configured', async () => {
    const srv = await capture('127.0.0.1');
    try {
      const run = await cli(['services', 'get', 'web', '--endpoint', srv.url.replace('127.0.0.1', 'localhost'), '-o', 'json'], { ...creds, AWS_REGION: 'eu-west-1' });
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      expect(srv.seen[0]?.headers.authorization).toBeUndefined();
      expect(srv.seen[0]?.headers['x-amz-date']).toBeUndefined();
    } finally {
      await srv.close();
    }
  });
});
