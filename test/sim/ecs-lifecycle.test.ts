/** Failure models, health checks, host loss and agent disconnects, on the virtual clock. */
import {
  CreateClusterCommand,
  DescribeContainerInstancesCommand,
  DescribeTasksCommand,
  RunTaskCommand,
  StopTaskCommand,
  type Task,
} from '@aws-sdk/client-ecs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { integerResource, registerInstance, registerTaskDefinition, startEcs, type EcsHarness } from './ecs-harness';

let h: EcsHarness;
let ci: string;

beforeAll(async () => {
  h = await startEcs();
  await h.ecs.send(new CreateClusterCommand({ clusterName: 'life' }));
  ci = await registerInstance(h.ecs, { cluster: 'life', instanceId: 'i-0000000000000f001', cpu: 8192, memory: 16384 });
});
afterAll(() => h.close());

async function runTask(family: string, cluster = 'life'): Promise<string> {
  const out = await h.ecs.send(new RunTaskCommand({ cluster, taskDefinition: family }));
  return out.tasks?.[0]?.taskArn as string;
}
const describeTask = async (arn: string, cluster = 'life'): Promise<Task | undefined> =>
  (await h.ecs.send(new DescribeTasksCommand({ cluster, tasks: [arn] }))).tasks?.[0];
const taskEvents = (arn: string) => h.events('ECS Task State Change').filter((e) => e.resources[0] === arn).map((e) => e.detail);

describe('ECS simulator: failure models', () => {
  it('exit: the essential container exits with its code after the given time', async () => {
    await registerTaskDefinition(h.ecs, 'exits');
    h.sim.ecs.setFailureModel('exits', { kind: 'exit', exitCode: 3, afterMs: 60_000 });
    const t0 = h.clock.now();
    const arn = await runTask('exits');
    await h.advance(5000 + 59_999);
    expect((await describeTask(arn))?.lastStatus).toBe('RUNNING');
    await h.advance(1);
    const stopping = await describeTask(arn);
    expect(stopping).toMatchObject({
      lastStatus: 'STOPPING',
      desiredStatus: 'STOPPED',
      stopCode: 'EssentialContainerExited',
      stoppedReason: 'Essential container in task exited',
    });
    expect(stopping?.containers?.[0]).toMatchObject({ lastStatus: 'STOPPED', exitCode: 3 });
    await h.advance(2000);
    const stopped = await describeTask(arn);
    expect(stopped?.lastStatus).toBe('STOPPED');
    expect(stopped?.stoppedAt?.getTime()).toBe(t0 + 67_000);
    expect(stopped?.executionStoppedAt?.getTime()).toBe(t0 + 67_000);
  });

  it('failToStart: PENDING → STOPPED with TaskFailedToStart, never RUNNING', async () => {
    await registerTaskDefinition(h.ecs, 'broken-image');
    h.sim.ecs.setFailureModel('broken-image', { kind: 'failToStart' });
    const arn = await runTask('broken-image');
    await h.advance(60_000);
    const task = await describeTask(arn);
    expect(task).toMatchObject({ lastStatus: 'STOPPED', desiredStatus: 'STOPPED', stopCode: 'TaskFailedToStart', version: 3 });
    expect(task?.stoppedReason).toMatch(/^CannotPullContainerError/);
    expect(task?.startedAt).toBeUndefined();
    expect(task?.containers?.[0]?.reason).toMatch(/^CannotPullContainerError/);
    expect(task?.containers?.[0]?.exitCode).toBeUndefined();
    expect(taskEvents(arn).map((d) => d.lastStatus)).toEqual(['PROVISIONING', 'PENDING', 'STOPPED']);
  });

  it('oom: exit code 137 with the OutOfMemoryError reason', async () => {
    await registerTaskDefinition(h.ecs, 'leaky');
    h.sim.ecs.setFailureModel('leaky', { kind: 'oom', afterMs: 1000 });
    const arn = await runTask('leaky');
    await h.advance(10_000);
    const task = await describeTask(arn);
    expect(task?.stopCode).toBe('EssentialContainerExited');
    expect(task?.containers?.[0]).toMatchObject({ exitCode: 137, reason: 'OutOfMemoryError: Container killed due to memory usage' });
  });

  it('a failure model set for one revision (by ARN) wins over the family’s', async () => {
    const r1 = await registerTaskDefinition(h.ecs, 'partly');
    h.sim.ecs.setFailureModel('partly', { kind: 'failToStart' });
    h.sim.ecs.setFailureModel(r1, { kind: 'healthy' });
    const healthy = await runTask(r1);
    await registerTaskDefinition(h.ecs, 'partly');
    const failing = await runTask('partly');
    await h.advance(30_000);
    expect((await describeTask(healthy))?.lastStatus).toBe('RUNNING');
    expect((await describeTask(failing))?.stopCode).toBe('TaskFailedToStart');
  });

  it('crash: probability 1 crashes inside the window, probability 0 never', async () => {
    await registerTaskDefinition(h.ecs, 'flaky');
    await registerTaskDefinition(h.ecs, 'solid');
    h.sim.ecs.setFailureModel('flaky', { kind: 'crash', probability: 1, minMs: 10_000, maxMs: 20_000, exitCode: 1 });
    h.sim.ecs.setFailureModel('solid', { kind: 'crash', probability: 0 });
    const flaky = await runTask('flaky');
    const solid = await runTask('solid');
    await h.advance(5000 + 9_999);
    expect((await describeTask(flaky))?.lastStatus).toBe('RUNNING');
    await h.advance(10_001);
    expect((await describeTask(flaky))?.desiredStatus).toBe('STOPPED');
    expect((await describeTask(flaky))?.containers?.[0]?.exitCode).toBe(1);
    await h.advance(24 * 60 * 60_000);
    expect((await describeTask(solid))?.lastStatus).toBe('RUNNING');
  });

  it('crashes repeat exactly with the same seed', async () => {
    const stopTimes = async () => {
      const other = await startEcs({ seed: 7 });
      try {
        await other.ecs.send(new CreateClusterCommand({ clusterName: 'c' }));
        await registerInstance(other.ecs, { cluster: 'c', instanceId: 'i-0000000000000f101', cpu: 8192, memory: 16384 });
        await registerTaskDefinition(other.ecs, 'demo', { cpu: 64, memory: 64 });
        other.sim.ecs.setDefaultFailureModel({ kind: 'crash', probability: 0.5, minMs: 1000, maxMs: 100_000 });
        const out = await other.ecs.send(new RunTaskCommand({ cluster: 'c', taskDefinition: 'demo', count: 10 }));
        await other.advance(200_000);
        const described = await other.ecs.send(new DescribeTasksCommand({ cluster: 'c', tasks: out.tasks?.map((t) => t.taskArn as string) }));
        return described.tasks?.map((t) => t.stoppedAt?.getTime() ?? null);
      } finally {
        await other.close();
      }
    };
    const first = await stopTimes();
    expect(first?.some((t) => t !== null)).toBe(true);
    expect(first?.some((t) => t === null)).toBe(true);
    expect(await stopTimes()).toEqual(first);
  });
});

describe('ECS simulator: health checks', () => {
  it('containers with a health check turn HEALTHY, and the task with them', async () => {
    await registerTaskDefinition(h.ecs, 'checked', { healthCheck: { command: ['CMD-SHELL', 'curl -f localhost'] } });
    const arn = await runTask('checked');
    await h.advance(5000);
    expect(await describeTask(arn)).toMatchObject({ lastStatus: 'RUNNING', healthStatus: 'UNKNOWN' });
    await h.advance(10_000);
    const task = await describeTask(arn);
    expect(task).toMatchObject({ healthStatus: 'HEALTHY', version: 4 });
    expect(task?.containers?.[0]?.healthStatus).toBe('HEALTHY');
  });

  it('unhealthy: the health check fails, the task is UNHEALTHY and keeps running', async () => {
    await registerTaskDefinition(h.ecs, 'sick', { healthCheck: { command: ['CMD-SHELL', 'exit 1'] } });
    h.sim.ecs.setFailureModel('sick', { kind: 'unhealthy', afterMs: 30_000 });
    const arn = await runTask('sick');
    await h.advance(5000 + 30_000);
    expect(await describeTask(arn)).toMatchObject({ lastStatus: 'RUNNING', desiredStatus: 'RUNNING', healthStatus: 'UNHEALTHY' });
  });
});

describe('ECS simulator: hosts and agents', () => {
  it('a host registered by Auto Scaling gets its instance type’s resources and the agent’s capabilities', async () => {
    const arn = h.sim.ecs.registerHost({ ec2InstanceId: 'i-0123456789abcdef0', instanceType: 'm5.xlarge', availabilityZone: 'us-east-1b', cluster: 'asg' });
    const out = await h.ecs.send(new DescribeContainerInstancesCommand({ cluster: 'asg', containerInstances: [arn] }));
    const instance = out.containerInstances?.[0];
    expect(integerResource(instance?.registeredResources, 'CPU')).toBe(4096);
    expect(integerResource(instance?.registeredResources, 'MEMORY')).toBe(15690);
    expect(instance?.attributes).toEqual(
      expect.arrayContaining([{ name: 'ecs.capability.task-eni' }, { name: 'ecs.availability-zone', value: 'us-east-1b' }]),
    );
  });

  it('terminateHost stops its tasks at once (TerminationNotice) and the instance goes INACTIVE', async () => {
    const arn = h.sim.ecs.registerHost({ ec2InstanceId: 'i-0aaaaaaaaaaaaaaa1', instanceType: 't3.large', availabilityZone: 'us-east-1a', cluster: 'doomed' });
    await registerTaskDefinition(h.ecs, 'victim', { cpu: 128, memory: 128 });
    const run = await h.ecs.send(new RunTaskCommand({ cluster: 'doomed', taskDefinition: 'victim', count: 3 }));
    await h.advance(10_000);
    const t0 = h.clock.now();
    h.sim.ecs.terminateHost('i-0aaaaaaaaaaaaaaa1');
    const tasks = await h.ecs.send(new DescribeTasksCommand({ cluster: 'doomed', tasks: run.tasks?.map((t) => t.taskArn as string) }));
    for (const task of tasks.tasks ?? []) {
      expect(task).toMatchObject({
        lastStatus: 'STOPPED',
        desiredStatus: 'STOPPED',
        stopCode: 'TerminationNotice',
        stoppedReason: 'Host EC2 (instance i-0aaaaaaaaaaaaaaa1) stopped/terminated.',
      });
      expect(task.stoppedAt?.getTime()).toBe(t0);
    }
    const instance = (await h.ecs.send(new DescribeContainerInstancesCommand({ cluster: 'doomed', containerInstances: [arn] })))
      .containerInstances?.[0];
    expect(instance).toMatchObject({ status: 'INACTIVE', agentConnected: false, runningTasksCount: 0 });
    expect(integerResource(instance?.remainingResources, 'CPU')).toBe(2048);
    const instanceEvents = h.events('ECS Container Instance State Change').filter((e) => e.resources[0] === arn).slice(-2);
    expect(instanceEvents.map((e) => [e.detail.status, e.detail.agentConnected])).toEqual([
      ['ACTIVE', false],
      ['INACTIVE', false],
    ]);
    // Terminating it again, or a host ECS never saw, is harmless.
    h.sim.ecs.terminateHost('i-0aaaaaaaaaaaaaaa1');
    h.sim.ecs.terminateHost('i-0ffffffffffffffff');
  });

  it('while the agent is disconnected, a stop waits: desired STOPPED now, STOPPING and STOPPED after it reconnects', async () => {
    await registerTaskDefinition(h.ecs, 'patient', { cpu: 128, memory: 128 });
    const arn = await runTask('patient');
    await h.advance(10_000);
    h.sim.ecs.disconnectAgent(ci);
    const out = await h.ecs.send(new StopTaskCommand({ cluster: 'life', task: arn }));
    expect(out.task).toMatchObject({ desiredStatus: 'STOPPED', lastStatus: 'RUNNING' });
    await h.advance(60_000);
    expect((await describeTask(arn))?.lastStatus).toBe('RUNNING');
    h.sim.ecs.reconnectAgent(ci);
    expect((await describeTask(arn))?.lastStatus).toBe('STOPPING');
    await h.advance(2000);
    expect((await describeTask(arn))?.lastStatus).toBe('STOPPED');
    const agentEvents = h.events('ECS Container Instance State Change').filter((e) => e.resources[0] === ci).map((e) => e.detail.agentConnected);
    expect(agentEvents.slice(-3)).toEqual([false, true, true]);
  });

  it('a task placed before a disconnect stays PROVISIONING until the agent is back', async () => {
    await registerTaskDefinition(h.ecs, 'late', { cpu: 128, memory: 128 });
    const arn = await runTask('late');
    h.sim.ecs.disconnectAgent(ci);
    await h.advance(30_000);
    expect((await describeTask(arn))?.lastStatus).toBe('PROVISIONING');
    h.sim.ecs.reconnectAgent(ci);
    expect((await describeTask(arn))?.lastStatus).toBe('PENDING');
    await h.advance(4000);
    expect((await describeTask(arn))?.lastStatus).toBe('RUNNING');
  });

  it('lifecycle delays are configurable', async () => {
    const quick = await startEcs({ ecs: { delays: { provisioningMs: 10, pullMs: 10, startMs: 10 } } });
    try {
      await quick.ecs.send(new CreateClusterCommand({ clusterName: 'q' }));
      await registerInstance(quick.ecs, { cluster: 'q', instanceId: 'i-0000000000000f201' });
      await registerTaskDefinition(quick.ecs, 'fast');
      const out = await quick.ecs.send(new RunTaskCommand({ cluster: 'q', taskDefinition: 'fast' }));
      await quick.advance(30);
      const task = (await quick.ecs.send(new DescribeTasksCommand({ cluster: 'q', tasks: [out.tasks?.[0]?.taskArn as string] }))).tasks?.[0];
      expect(task?.lastStatus).toBe('RUNNING');
    } finally {
      await quick.close();
    }
  });
});
