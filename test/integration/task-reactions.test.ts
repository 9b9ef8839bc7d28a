/**
 * Event reactions end to end: the simulator's ECS emits task events, EventBridge delivers them
 * with the rule from serverless.yml to Shepherd's handler, which replaces tasks through the real
 * SDK against the simulator and records everything in DynamoDB Local.
 */
import { StopTaskCommand } from '@aws-sdk/client-ecs';
import { afterEach, describe, expect, it } from 'vitest';
import { recordDeployment } from '../../shared/core/deployment';
import { replanService } from '../../shared/handlers/replan';
import { recordTaskEvent } from '../../shared/handlers/taskEvents';
import type { EventEnvelope } from '../../local/sim/types';
import { makeWorld, type World } from '../helpers/world';

let w: World | undefined;
afterEach(async () => {
  await w?.close();
  w = undefined;
});

const stoppedEvents = (world: World, service: string) =>
  world.sim.events.history('default').filter(
    (e) => e['detail-type'] === 'ECS Task State Change' && (e.detail as { lastStatus?: string; group?: string }).lastStatus === 'STOPPED' && (e.detail as { group?: string }).group === `shepherd:${service}`,
  ) as EventEnvelope<{ taskArn: string; version: number }>[];

describe('a stopped service task is replaced within one event hop', () => {
  it('replaces a task that crashes and records why, in history', async () => {
    w = await makeWorld();
    await w.launchService({ name: 'web', desiredCount: 3 });
    const [victim] = w.liveTasks('web');
    w.sim.ecs.setFailureModel('web', { kind: 'healthy' });
    await w.ecs.send(new StopTaskCommand({ cluster: 'prod', task: victim!.arn, reason: 'chaos' }));
    await w.settle(30_000);
    const live = w.liveTasks('web');
    expect(live).toHaveLength(3);
    expect(live.map((t) => t.arn)).not.toContain(victim!.arn);
    expect(live.every((t) => t.lastStatus === 'RUNNING')).toBe(true);
    const history = (await w.store.history.list('web')).items;
    expect(history.map((e) => e.type).sort()).toEqual(['Task Replaced', 'Task Stopped']);
    const stored = await w.store.tasks.get('web', victim!.arn);
    expect(stored).toMatchObject({ lastStatus: 'STOPPED', stopCode: 'UserInitiated' });
    const replaced = history.find((e) => e.type === 'Task Replaced')!;
    expect(replaced.detail.stoppedTaskArn).toBe(victim!.arn);
    expect(live.map((t) => t.arn)).toContain(replaced.detail.taskArn);
    expect((stored as unknown as { replacedBy: string }).replacedBy).toBe(replaced.detail.taskArn);
  });

  it('the same STOPPED event delivered twice at the same moment starts exactly one replacement', async () => {
    w = await makeWorld();
    await w.launchService({ name: 'web', desiredCount: 2 });
    const [victim] = w.liveTasks('web');
    // Deliver by hand, twice, concurrently, instead of through the bus.
    w.sim.events.setDeliveryFaults({ dropRate: 1 });
    await w.ecs.send(new StopTaskCommand({ cluster: 'prod', task: victim!.arn }));
    await w.settle(10_000);
    const stop = stoppedEvents(w, 'web').at(-1)!;
    const before = w.sim.calls.count('ecs', 'RunTask');
    const outcomes = await Promise.all([recordTaskEvent(stop, w.deps), recordTaskEvent(structuredClone(stop), w.deps)]);
    expect(outcomes.map((o) => o.outcome).sort()).toEqual(['handled', 'stale']);
    await w.settle(20_000);
    expect(w.liveTasks('web')).toHaveLength(2);
    // Both deliveries may call RunTask, but with the same token: ECS started one task.
    expect(w.sim.calls.count('ecs', 'RunTask') - before).toBeLessThanOrEqual(2);
    expect(w.sim.ecs.snapshot().tasks.filter((t) => t.group === 'shepherd:web')).toHaveLength(3);
  });

  it('duplicated and reordered deliveries never start extra tasks', async () => {
    w = await makeWorld({ seed: 5 });
    await w.launchService({ name: 'web', desiredCount: 4 });
    w.sim.events.setDeliveryFaults({ duplicateRate: 0.5, reorderRate: 0.5, maxDelayMs: 20_000 });
    for (const t of w.liveTasks('web').slice(0, 2)) await w.ecs.send(new StopTaskCommand({ cluster: 'prod', task: t.arn }));
    await w.settle(120_000);
    const all = w.sim.ecs.snapshot().tasks.filter((t) => t.group === 'shepherd:web');
    expect(w.liveTasks('web')).toHaveLength(4);
    expect(all).toHaveLength(6); // 4 launched + exactly 2 replacements
    expect(w.outcomes.some((o) => o.outcome === 'stale')).toBe(true);
  });

  it('a replayed older event after the stop changes nothing', async () => {
    w = await makeWorld();
    await w.launchService({ name: 'web', desiredCount: 1 });
    const [victim] = w.liveTasks('web');
    await w.ecs.send(new StopTaskCommand({ cluster: 'prod', task: victim!.arn }));
    await w.settle(20_000);
    const running = w.sim.events.history('default').find(
      (e) => (e.detail as { taskArn?: string; lastStatus?: string }).taskArn === victim!.arn && (e.detail as { lastStatus?: string }).lastStatus === 'RUNNING',
    )!;
    expect(await recordTaskEvent(running, w.deps)).toMatchObject({ outcome: 'stale' });
    expect((await w.store.tasks.get('web', victim!.arn))?.lastStatus).toBe('STOPPED');
  });
});

describe('when the service does not want it back', () => {
  it('a paused service is not replaced', async () => {
    w = await makeWorld();
    await w.launchService({ name: 'web', desiredCount: 2 });
    await w.store.services.update('web', 1, { paused: true });
    const [victim] = w.liveTasks('web');
    await w.ecs.send(new StopTaskCommand({ cluster: 'prod', task: victim!.arn }));
    await w.settle(30_000);
    expect(w.liveTasks('web')).toHaveLength(1);
    expect(w.outcomes).toContainEqual(expect.objectContaining({ outcome: 'handled', state: 'none', reason: 'the service is paused' }));
  });

  it('a task Shepherd stopped on purpose (a scale-in) is not replaced', async () => {
    w = await makeWorld();
    await w.launchService({ name: 'web', desiredCount: 2 });
    await w.store.services.update('web', 1, { desiredCount: 1 });
    const [victim] = w.liveTasks('web');
    const { UpdateItemCommand } = await import('@aws-sdk/client-dynamodb');
    await w.client.send(
      new UpdateItemCommand({
        TableName: w.tableName,
        Key: { pk: { S: 'SVC#web' }, sk: { S: `TASK#${victim!.arn}` } },
        UpdateExpression: 'SET stopIntent = :i',
        ExpressionAttributeValues: { ':i': { S: 'scale-in' } },
      }),
    );
    await w.ecs.send(new StopTaskCommand({ cluster: 'prod', task: victim!.arn }));
    await w.settle(30_000);
    expect(w.liveTasks('web')).toHaveLength(1);
    expect((await w.store.history.list('web')).items.map((e) => e.type)).not.toContain('Task Replaced');
  });

  it('a deleted service is not replaced, and other stacks\' tasks are never touched', async () => {
    w = await makeWorld();
    await w.launchService({ name: 'web', desiredCount: 1 });
    await w.store.services.delete('web');
    const [victim] = w.liveTasks('web');
    await w.ecs.send(new StopTaskCommand({ cluster: 'prod', task: victim!.arn }));
    await w.settle(30_000);
    expect(w.liveTasks('web')).toHaveLength(0);
  });
});

describe('crash loops back off, and the debt is recorded', () => {
  it('a task definition that fails to start is replaced once at once, then owed under a recorded backoff — no hot loop', async () => {
    w = await makeWorld();
    await w.launchService({ name: 'web', desiredCount: 1 });
    w.sim.ecs.setFailureModel('web', { kind: 'failToStart' });
    const [victim] = w.liveTasks('web');
    await w.ecs.send(new StopTaskCommand({ cluster: 'prod', task: victim!.arn }));
    await w.settle(10 * 60_000);
    const handled = w.outcomes.filter((o) => o.outcome === 'handled');
    // The user's stop and the first quick failure are replaced at once; the second failure is owed.
    expect(handled.map((o) => (o as { state: string }).state)).toEqual(['replaced', 'replaced', 'deferred']);
    const svc = await w.store.services.get('web');
    expect(svc?.backoff).toMatchObject({ consecutiveFailures: 2, taskDefinition: 'web:1' });
    expect(svc!.backoff!.delayMs).toBeGreaterThan(0);
    expect(Date.parse(svc!.backoff!.nextAttemptAt)).toBeGreaterThan(Date.parse(svc!.backoff!.lastFailureAt));
    // 10 minutes of a broken image cost three tasks, not a hot loop of attempts.
    expect(w.sim.ecs.snapshot().tasks.filter((t) => t.group === 'shepherd:web')).toHaveLength(3);
    const history = (await w.store.history.list('web', { limit: 100 })).items.map((e) => e.type);
    expect(history).toContain('Replacement Deferred');
    const stopped = (await w.store.tasks.listByService('web')).items.filter((t) => t.stopCode === 'TaskFailedToStart');
    expect(stopped.map((t) => (t as unknown as { replacement: string }).replacement).sort()).toEqual(['deferred', 'replaced']);

    // The fix: a new revision. Its tasks start at once (the old revision's backoff does not apply)
    // and the service is healthy again.
    const { RegisterTaskDefinitionCommand } = await import('@aws-sdk/client-ecs');
    const fixed = await w.ecs.send(new RegisterTaskDefinitionCommand({ family: 'web', containerDefinitions: [{ name: 'app', image: 'app:fixed', cpu: 256, memory: 512, essential: true }] }));
    const arn = fixed.taskDefinition!.taskDefinitionArn!;
    w.sim.ecs.setFailureModel(arn, { kind: 'healthy' });
    const s = (await w.store.services.get('web'))!;
    await w.store.services.update('web', s.revision, { taskDefinition: arn, deployments: recordDeployment(s.deployments, arn, s.revision + 1, new Date(w.clock.now()).toISOString()) });
    await replanService(w.deps, 'web', 'test pass');
    await w.settle(30_000);
    expect(w.liveTasks('web')).toEqual([expect.objectContaining({ taskDefinitionArn: arn, lastStatus: 'RUNNING' })]);
  });

  it('a crash of an older task definition does not grow the current one\'s backoff', async () => {
    w = await makeWorld();
    await w.launchService({ name: 'web', desiredCount: 1 });
    w.sim.ecs.setFailureModel('web', { kind: 'exit', exitCode: 1, afterMs: 5_000 });
    // A deployment to api:1 is recorded while web:1 tasks still run (the reconciler rolls them).
    await w.store.services.update('web', 1, { taskDefinition: 'api:1' });
    await w.settle(60_000);
    const svc = await w.store.services.get('web');
    expect(svc?.backoff).toBeUndefined();
  });
});

describe('no room and throttling', () => {
  it('records unplaced demand with ECS\'s reasons when nothing fits', async () => {
    w = await makeWorld({ instances: 1, instanceType: 't3.micro' }); // 943 MiB: room for one 512 MiB task
    await w.launchService({ name: 'web', desiredCount: 1 });
    const [victim] = w.liveTasks('web');
    w.sim.events.setDeliveryFaults({ dropRate: 1 });
    await w.ecs.send(new StopTaskCommand({ cluster: 'prod', task: victim!.arn }));
    await w.settle(10_000);
    // Before Shepherd hears of the stop, someone else takes the room.
    const { RunTaskCommand } = await import('@aws-sdk/client-ecs');
    const other = await w.ecs.send(new RunTaskCommand({ cluster: 'prod', taskDefinition: 'api', count: 1, startedBy: 'someone-else' }));
    expect(other.tasks).toHaveLength(1);
    const out = await recordTaskEvent(stoppedEvents(w, 'web').at(-1)!, w.deps);
    expect(out).toMatchObject({ outcome: 'handled', state: 'unplaced' });
    const svc = await w.store.services.get('web');
    expect(svc?.unplaced?.count).toBe(1);
    expect(svc?.unplaced?.reasons.join()).toMatch(/RESOURCE:MEMORY/);
    expect((await w.store.history.list('web')).items.map((e) => e.type)).toContain('Task Unplaced');
  });

  it('rides out ECS throttling with adaptive retry and still replaces exactly once', async () => {
    w = await makeWorld();
    await w.launchService({ name: 'web', desiredCount: 2 });
    w.sim.faults.set('ecs', { throttleRate: 0.6, actions: ['RunTask'] });
    const [victim] = w.liveTasks('web');
    await w.ecs.send(new StopTaskCommand({ cluster: 'prod', task: victim!.arn }));
    await w.settle(30_000);
    w.sim.faults.clear();
    await w.settle(10_000);
    expect(w.liveTasks('web')).toHaveLength(2);
    expect(w.sim.ecs.snapshot().tasks.filter((t) => t.group === 'shepherd:web')).toHaveLength(3);
  });
});
