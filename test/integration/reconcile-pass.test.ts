/**
 * The scheduled reconciler's pass over one cluster, end to end on the simulator (virtual clock)
 * and DynamoDB Local: what it starts, stops, repairs and deletes, judged by what runs in the
 * simulated ECS.
 */
import { RunTaskCommand, StopTaskCommand } from '@aws-sdk/client-ecs';
import { afterEach, describe, expect, it } from 'vitest';
import { reconcileCluster } from '../../shared/reconcile/cluster';
import { makeWorld, STAGE, type World } from '../helpers/world';
import { observedTask, serviceSpec } from '../helpers/specs';
import { makeTestStore } from '../helpers/store';
import { acquireLease, releaseLease } from '../../shared/store/leases';

let w: World | undefined;
afterEach(async () => {
  await w?.close();
  w = undefined;
});

const cfg = (min: number, max: number) => ({ minimumHealthyPercent: min, maximumPercent: max, deploymentCircuitBreaker: { enable: false, rollback: false } });
const pass = (world: World) => reconcileCluster(world.deps, 'prod');
const running = (world: World, service: string) => world.liveTasks(service).filter((t) => t.lastStatus === 'RUNNING');

describe('a new service', () => {
  it('one pass starts its desired count; a second pass does nothing', async () => {
    w = await makeWorld({ instances: 3 });
    await w.store.clusters.ensure('prod');
    await w.store.services.create(serviceSpec({ name: 'web', desiredCount: 4 }));

    const first = await pass(w);
    expect(first).toMatchObject({ services: 1, acted: ['web'], started: 4, stopped: 0, errors: [] });
    await w.settle(30_000);
    expect(running(w, 'web')).toHaveLength(4);

    // The second pass records that the first deployment completed, and starts nothing.
    const runTasks = w.sim.calls.count('ecs', 'RunTask');
    const settle = await pass(w);
    expect(settle).toMatchObject({ started: 0, stopped: 0, errors: [] });
    expect((await w.store.services.get('web'))?.deployments[0]?.rolloutState).toBe('COMPLETED');
    const second = await pass(w);
    expect(second).toMatchObject({ services: 1, acted: [], started: 0, stopped: 0, errors: [] });
    expect(second.drift.described).toBe(0);
    expect(w.sim.calls.count('ecs', 'RunTask')).toBe(runTasks);
    // A converged cluster costs its reads only: ListTasks, the instance check, two store queries.
    expect(second.calls).toEqual({ ListTasks: 1, ListContainerInstances: 1, Query: 2 });
    expect(w.liveTasks('web')).toHaveLength(4);
  });
});

describe('drift repair', () => {
  it('a task that stopped while its event was lost is found and replaced', async () => {
    w = await makeWorld({ instances: 3 });
    await w.launchService({ name: 'web', desiredCount: 3 });
    const [victim] = w.liveTasks('web');
    w.sim.events.setDeliveryFaults({ dropRate: 1 });
    await w.ecs.send(new StopTaskCommand({ cluster: 'prod', task: victim!.arn, reason: 'by hand' }));
    await w.settle(10_000);
    expect(w.liveTasks('web')).toHaveLength(2);
    expect(await w.store.tasks.get('web', victim!.arn)).toMatchObject({ lastStatus: 'RUNNING' }); // the store never heard

    const s = await pass(w);
    expect(s.drift).toMatchObject({ stoppedFound: 1, described: 1 });
    expect(s.started).toBe(1);
    await w.settle(30_000);
    expect(running(w, 'web')).toHaveLength(3);
    expect(w.liveTasks('web').map((t) => t.arn)).not.toContain(victim!.arn);
    expect(await w.store.tasks.get('web', victim!.arn)).toMatchObject({ lastStatus: 'STOPPED', stopCode: 'UserInitiated' });
    const history = (await w.store.history.list('web', { limit: 100 })).items;
    expect(history.find((e) => e.type === 'Task Stopped' && e.detail.taskArn === victim!.arn)?.detail).toMatchObject({ foundBy: 'reconciler' });
  });

  it('a Shepherd-marked task the store never heard of is recorded (and an extra one scaled in)', async () => {
    w = await makeWorld({ instances: 3 });
    await w.launchService({ name: 'web', desiredCount: 2, deploymentConfiguration: cfg(50, 200) });
    w.sim.events.setDeliveryFaults({ dropRate: 1 });
    // As if a handler had started it and died before recording it.
    const out = await w.ecs.send(new RunTaskCommand({ cluster: 'prod', taskDefinition: 'web:1', startedBy: `shepherd/${STAGE}`, group: 'shepherd:web', count: 1 }));
    const stray = out.tasks![0]!.taskArn!;
    await w.settle(10_000);
    expect(await w.store.tasks.get('web', stray)).toBeUndefined();

    const s = await pass(w);
    expect(s.drift).toMatchObject({ unknownRecorded: 1, orphans: 0 });
    expect(await w.store.tasks.get('web', stray)).toMatchObject({ lastStatus: 'RUNNING', group: 'shepherd:web', startedBy: `shepherd/${STAGE}` });
    // Three run for a desired count of two: the planner stops one.
    expect(s.stopped).toBe(1);
    await w.settle(30_000);
    expect(w.liveTasks('web')).toHaveLength(2);
  });

  it('a task ECS no longer knows (MISSING) is recorded stopped, once its record is old enough', async () => {
    w = await makeWorld({ instances: 3 });
    await w.launchService({ name: 'web', desiredCount: 2 });
    const ghost = 'arn:aws:ecs:us-east-1:123456789012:task/prod/00000000000000000000000000000000';
    const at = new Date(w.clock.now()).toISOString();
    await w.store.tasks.recordObserved(observedTask({ taskArn: ghost, service: 'web', cluster: 'prod', version: 3, updatedAt: at, startedBy: `shepherd/${STAGE}`, group: 'shepherd:web' }));

    const early = await pass(w);
    expect(early.drift.missing).toBe(0); // ECS's reads may lag a fresh RunTask: not yet
    expect(await w.store.tasks.get('web', ghost)).toMatchObject({ lastStatus: 'RUNNING' });

    await w.settle(3 * 60_000);
    const later = await pass(w);
    expect(later.drift.missing).toBe(1);
    expect(await w.store.tasks.get('web', ghost)).toMatchObject({ lastStatus: 'STOPPED', version: 4 });
    await w.settle(30_000);
    expect(running(w, 'web')).toHaveLength(2);
  });
});

describe('overlapping passes', () => {
  it('two passes at once start each missing task once and never exceed maximumPercent', async () => {
    w = await makeWorld({ instances: 3 });
    await w.launchService({ name: 'web', desiredCount: 6, deploymentConfiguration: cfg(50, 100) });
    await w.store.services.create(serviceSpec({ name: 'api', taskDefinition: 'api:1', desiredCount: 5, deploymentConfiguration: cfg(50, 100) }));
    w.sim.events.setDeliveryFaults({ dropRate: 1 });
    for (const t of w.liveTasks('web').slice(0, 3)) await w.ecs.send(new StopTaskCommand({ cluster: 'prod', task: t.arn }));
    await w.settle(10_000);
    expect(w.liveTasks('web')).toHaveLength(3);
    let maxLive = { web: 0, api: 0 };
    w.onStep = () => (maxLive = { web: Math.max(maxLive.web, w!.liveTasks('web').length), api: Math.max(maxLive.api, w!.liveTasks('api').length) });
    const runTasks = w.sim.calls.count('ecs', 'RunTask');

    const [a, b] = await Promise.all([pass(w), pass(w)]);
    w.onStep();
    expect(a.started + b.started).toBe(3 + 5);
    await w.settle(30_000);
    expect(maxLive.web).toBeLessThanOrEqual(6); // maximumPercent 100
    expect(maxLive.api).toBeLessThanOrEqual(5);
    expect(running(w, 'web')).toHaveLength(6);
    expect(running(w, 'api')).toHaveLength(5);
    // Every task the simulator ever started for these services: the launch's 6, then 3 + 5 once.
    expect(w.sim.ecs.snapshot().tasks.filter((t) => t.group === 'shepherd:web')).toHaveLength(9);
    expect(w.sim.ecs.snapshot().tasks.filter((t) => t.group === 'shepherd:api')).toHaveLength(5);
    // A stop the reconciler finds is replaced as its event would have been: one RunTask per stopped
    // task, with that task's token — both passes ask for the same 3 tasks. Then one RunTask for api per pass at most.
    expect(w.sim.calls.count('ecs', 'RunTask') - runTasks).toBeLessThanOrEqual(3 * 2 + 2);

    // And the view they leave behind is settled: a third pass does nothing.
    const c = await pass(w);
    expect(c).toMatchObject({ started: 0, stopped: 0, acted: [] });
  });
});

describe('owed work', () => {
  it('crash-loop debt is paid after nextAttemptAt, not before', async () => {
    w = await makeWorld({ instances: 3 });
    await w.launchService({ name: 'web', desiredCount: 1 });
    w.sim.ecs.setFailureModel('web', { kind: 'failToStart' });
    const [victim] = w.liveTasks('web');
    await w.ecs.send(new StopTaskCommand({ cluster: 'prod', task: victim!.arn }));
    for (let i = 0; i < 120 && !w.outcomes.some((o) => o.outcome === 'handled' && o.state === 'deferred'); i++) await w.settle(1000);
    const svc = (await w.store.services.get('web'))!;
    const due = Date.parse(svc.backoff!.nextAttemptAt);
    expect(due).toBeGreaterThan(w.clock.now());
    expect(w.liveTasks('web')).toHaveLength(0);
    w.sim.ecs.setFailureModel('web', { kind: 'healthy' });

    const before = await pass(w);
    expect(before.started).toBe(0);
    await w.settle(due - w.clock.now() - 2000); // still before nextAttemptAt
    expect((await pass(w)).started).toBe(0);
    expect(w.liveTasks('web')).toHaveLength(0);

    await w.settle(3000); // now past it
    expect((await pass(w)).started).toBe(1);
    await w.settle(30_000);
    expect(running(w, 'web')).toHaveLength(1);
  });

  it('a DRAINING service is scaled to zero, then its item is removed once no task is left', async () => {
    w = await makeWorld({ instances: 3 });
    await w.launchService({ name: 'web', desiredCount: 3 });
    const s = (await w.store.services.get('web'))!;
    await w.store.services.update('web', s.revision, { status: 'DRAINING', desiredCount: 0 });

    const first = await pass(w);
    expect(first).toMatchObject({ stopped: 3, deleted: [] });
    await w.settle(30_000);
    expect(w.liveTasks('web')).toHaveLength(0);
    expect(await w.store.services.get('web')).toBeDefined();

    const second = await pass(w);
    expect(second.deleted).toEqual(['web']);
    expect(await w.store.services.get('web')).toBeUndefined();
    const history = (await w.store.history.list('web', { limit: 100 })).items.map((e) => e.type);
    expect(history).toContain('Service Deleted');
    expect((await pass(w)).services).toBe(0);
  });
});

describe('the service lease', () => {
  it('one holder at a time; it expires; only its holder releases it', async () => {
    const t = await makeTestStore();
    let now = Date.parse('2026-01-01T00:00:00Z');
    t.store.ctx.now = () => new Date(now);
    expect(await acquireLease(t.store.ctx, 'web', 'a', 60_000)).toBe(true);
    expect(await acquireLease(t.store.ctx, 'web', 'b', 60_000)).toBe(false);
    expect(await acquireLease(t.store.ctx, 'api', 'b', 60_000)).toBe(true); // per service
    expect(await acquireLease(t.store.ctx, 'web', 'a', 60_000)).toBe(true); // its holder may renew
    await releaseLease(t.store.ctx, 'web', 'b'); // not b's: no effect
    expect(await acquireLease(t.store.ctx, 'web', 'b', 60_000)).toBe(false);
    now += 61_000;
    expect(await acquireLease(t.store.ctx, 'web', 'b', 60_000)).toBe(true); // a's expired
    await releaseLease(t.store.ctx, 'web', 'b');
    expect(await acquireLease(t.store.ctx, 'web', 'a', 60_000)).toBe(true);
    t.client.destroy();
  });
});
