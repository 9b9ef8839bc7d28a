/**
 * `shepherd services tasks|stop-task` and `shepherd clusters drain|activate|terminate` as a user
 * runs them (child processes) against the API handler served on loopback, on the world of
 * test/helpers/world.ts (simulator, DynamoDB Local, Shepherd's event handlers).
 */
import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveHttpApi } from '../../local/http';
import { createApiHandler } from '../../shared/api/handler';
import { lambdaContext } from '../helpers/api';
import { makeWorld, STAGE, type World } from '../helpers/world';

const CLI = join(import.meta.dirname, '../../cli/shepherd.mjs');
const home = mkdtempSync(join(tmpdir(), 'shepherd-cli-home-'));
let w: World;
let autoScaling: AutoScalingClient;
let api: Awaited<ReturnType<typeof serveHttpApi>>;

function cli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const env = { PATH: process.env.PATH, HOME: home, NO_COLOR: '1', SHEPHERD_ENDPOINT: api.url };
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, ...args], { env, timeout: 20_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? ((err as { code?: number }).code ?? null) : 0, stdout, stderr });
    });
  });
}

const idOf = (arn: string) => arn.slice(arn.lastIndexOf('/') + 1);
const webOn = (instanceArn: string) => w.liveTasks('web').filter((t) => w.sim.ecs.snapshot().tasks.find((x) => x.arn === t.arn)?.containerInstanceArn === instanceArn);

beforeAll(async () => {
  w = await makeWorld({ instances: 3 });
  autoScaling = new AutoScalingClient({ endpoint: w.sim.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' }, maxAttempts: 1 });
  const handler = createApiHandler({ store: w.store, ecs: w.ecs, autoScaling, now: () => new Date(w.clock.now()), stage: STAGE });
  api = await serveHttpApi({ invoke: (e) => handler(e, lambdaContext()) });
  await w.launchService({ name: 'web', desiredCount: 3 });
  const c = await w.store.clusters.ensure('prod');
  await w.store.clusters.setCapacity('prod', c.revision, { autoScalingGroupName: 'prod-asg', minSize: 3, maxSize: 6, targetUtilizationPercent: 80 });
});
afterAll(async () => {
  await api?.close();
  autoScaling?.destroy();
  await w?.close();
});

describe('shepherd services tasks / stop-task', () => {
  it("lists the service's tasks by id, and stops one (exit 0) which the service replaces", async () => {
    const ls = await cli(['services', 'tasks', 'web']);
    expect(ls.code).toBe(0);
    const lines = ls.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^TASK\s+STATUS\s+INSTANCE\s+ZONE\s+TASK DEFINITION\s+STARTED\s+STOPPED$/);
    const ids = w.liveTasks('web').map((t) => idOf(t.arn));
    expect(lines.slice(1).map((l) => l.split(/\s+/)[0]).sort()).toEqual([...ids].sort());
    expect(lines.slice(1).every((l) => /\sRUNNING\s.*\sweb:1\s/.test(l))).toBe(true);

    const victim = ids[0]!;
    const stop = await cli(['services', 'stop-task', 'web', victim, '--reason', 'testing the CLI']);
    expect(stop.stderr).toBe('');
    expect(stop.stdout).toBe(`web: task ${victim} stopping (Stopped through Shepherd's API by an unauthenticated caller (127.0.0.1): testing the CLI); Shepherd replaces it once it has stopped\n`);
    await w.settle(60_000);
    expect(w.liveTasks('web').map((t) => idOf(t.arn))).not.toContain(victim);
    expect(w.liveTasks('web')).toHaveLength(3);

    const again = await cli(['services', 'tasks', 'web', '-o', 'json']);
    const stopped = JSON.parse(again.stdout).items.find((t: { taskId: string }) => t.taskId === victim);
    expect(stopped).toMatchObject({ lastStatus: 'STOPPED', stoppedReason: expect.stringMatching(/: testing the CLI$/) });
    const unknown = await cli(['services', 'stop-task', 'web', '0'.repeat(32)]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/^error: Not found: service web has no task 0{32}/);
  });
});

describe('shepherd clusters drain / activate / terminate', () => {
  it('drains and reactivates an instance, and terminates one which its group replaces', async () => {
    const host = w.sim.ecs.snapshot().instances.find((i) => i.status === 'ACTIVE' && webOn(i.arn).length > 0)!;
    const drain = await cli(['clusters', 'drain', 'prod', host.ec2InstanceId]);
    expect(drain.stderr).toBe('');
    expect(drain.stdout).toMatch(new RegExp(`^${host.ec2InstanceId}: DRAINING, \\d+ task\\(s\\) running; Shepherd moves its services' tasks elsewhere\\n$`));
    await w.settle(60_000);
    expect(webOn(host.arn)).toHaveLength(0);
    const activate = await cli(['clusters', 'activate', 'prod', idOf(host.arn)]);
    expect(activate.stdout).toMatch(new RegExp(`^${host.ec2InstanceId}: ACTIVE, `));

    const victim = w.sim.ecs.snapshot().instances.find((i) => i.status === 'ACTIVE' && webOn(i.arn).length > 0)!;
    const term = await cli(['clusters', 'terminate', 'prod', victim.ec2InstanceId]);
    expect(term.stderr).toBe('');
    expect(term.stdout).toBe(`${victim.ec2InstanceId}: terminating (Terminating EC2 instance: ${victim.ec2InstanceId}); prod-asg launches a replacement\n`);
    await w.settle(90_000);
    expect(w.sim.ecs.snapshot().instances.find((i) => i.arn === victim.arn)?.status).toBe('INACTIVE');
    expect(w.sim.autoscaling.instances('prod-asg').filter((i) => i.lifecycleState === 'InService')).toHaveLength(3);
    expect(w.liveTasks('web').filter((t) => t.lastStatus === 'RUNNING')).toHaveLength(3);

    const gone = await cli(['clusters', 'drain', 'prod', victim.ec2InstanceId]);
    expect(gone.code).toBe(1);
    expect(gone.stderr).toMatch(/^error: Conflict: container instance i-[0-9a-f]+ is INACTIVE/);
  });
});
