/**
 * An invocation that dies between RunTask and the write that records it: ECS runs the tasks, the
 * store does not know them. The start was announced first (shared/store/pendingStarts.ts), so no
 * other actor starts beyond the desired count or maximumPercent meanwhile, and the announcement
 * is resolved by the event's redelivery (same token, same task) or by a reconciler pass.
 */
import { ECSClient, StopTaskCommand } from '@aws-sdk/client-ecs';
import { afterEach, describe, expect, it } from 'vitest';
import { applyPlan, replanService } from '../../shared/handlers/replan';
import { recordTaskEvent } from '../../shared/handlers/taskEvents';
import { reconcileCluster } from '../../shared/reconcile/cluster';
import { acquireLease } from '../../shared/store/leases';
import { LeaseLostError, readServiceTasks } from '../../shared/store/pendingStarts';
import type { EventEnvelope } from '../../local/sim/types';
import { intercept } from '../helpers/chaos/middleware';
import { makeWorld, type World } from '../helpers/world';

let w: World | undefined;
afterEach(async () => {
  await w?.close();
  w = undefined;
});

class Crash extends Error {}

/** An ECS client for one doomed invocation: its first RunTask dies `after` ECS answered, or `before` it is sent. */
function dyingEcs(world: World, when: 'after' | 'before'): ECSClient {
  const ecs = new ECSClient({ endpoint: world.sim.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' }, maxAttempts: 1 });
  intercept(ecs, 'outermost', 'dies', async (call, send) => {
    if (call.command !== 'RunTask') return send();
    if (when === 'before') throw new Crash('died before RunTask was sent');
    await send();
    throw new Crash('died right after RunTask');
  });
  return ecs;
}

/** A service of 2 at maximumPercent 100 (no room for a third task) with one task stopped; its STOPPED event held back. */
async function oneTaskStopped(): Promise<{ world: World; stop: EventEnvelope }> {
  const world = await makeWorld();
  w = world;
  await world.launchService({ name: 'web', desiredCount: 2, deploymentConfiguration: { minimumHealthyPercent: 50, maximumPercent: 100, deploymentCircuitBreaker: { enable: false, rollback: false } } });
  world.sim.events.setDeliveryFaults({ dropRate: 1 });
  const [victim] = world.liveTasks('web');
  await world.ecs.send(new StopTaskCommand({ cluster: 'prod', task: victim!.arn, reason: 'test' }));
  await world.settle(10_000);
  const stop = world.sim.events
    .history('default')
    .filter((e) => e['detail-type'] === 'ECS Task State Change' && (e.detail as { lastStatus?: string; taskArn?: string }).lastStatus === 'STOPPED' && (e.detail as { taskArn?: string }).taskArn === victim!.arn)
    .at(-1)!;
  return { world, stop };
}

const storedLive = async (world: World) => (await readServiceTasks(world.store.ctx, 'web')).tasks.filter((t) => t.lastStatus !== 'STOPPED').map((t) => t.taskArn);
const pending = async (world: World) => (await readServiceTasks(world.store.ctx, 'web')).pending;
const runTasks = (world: World) => world.sim.calls.count('ecs', 'RunTask');

describe('a handler that dies right after RunTask', () => {
  /** web at 2 (maximumPercent 100) scaled to 4: RunTask starts 2 and the invocation dies before recording them. */
  async function deadScaleUp(opts: { eventsArrive: boolean }): Promise<World> {
    const world = await makeWorld();
    w = world;
    await world.launchService({ name: 'web', desiredCount: 2, deploymentConfiguration: { minimumHealthyPercent: 50, maximumPercent: 100, deploymentCircuitBreaker: { enable: false, rollback: false } } });
    if (!opts.eventsArrive) world.sim.events.setDeliveryFaults({ dropRate: 1 });
    const svc = (await world.store.services.get('web'))!;
    await world.store.services.update('web', svc.revision, { desiredCount: 4 });
    await expect(replanService({ ...world.deps, ecs: dyingEcs(world, 'after') }, 'web', 'scaled to 4')).rejects.toThrow(Crash);
    expect(world.liveTasks('web')).toHaveLength(4);
    expect(await storedLive(world)).toHaveLength(2);
    expect(await pending(world)).toEqual([expect.objectContaining({ count: 2 })]);
    // The dead invocation's lease lapses; someone scales to 5 (a new plan: new RunTask tokens).
    await world.settle(61_000);
    const now = (await world.store.services.get('web'))!;
    await world.store.services.update('web', now.revision, { desiredCount: 5 });
    return world;
  }

  it('the tasks a dead plan started count for the next actor while the store does not know them', async () => {
    const world = await deadScaleUp({ eventsArrive: false });
    const before = runTasks(world);
    const { plan } = await replanService(world.deps, 'web', 'scaled to 5');
    expect(plan?.summary.pendingStarts).toBe(2);
    expect(runTasks(world) - before).toBe(1);
    expect(world.liveTasks('web')).toHaveLength(5); // not 7: the two unrecorded tasks counted

    // The next pass after the dead actor's fence records the two tasks and drops the announcement.
    await world.settle(10_000);
    const s = await reconcileCluster(world.deps, 'prod');
    expect(s.errors).toEqual([]);
    expect(s.drift).toMatchObject({ pendingDropped: 1, unknownRecorded: 2 });
    expect(s.started).toBe(0);
    const live = world.liveTasks('web').map((t) => t.arn);
    expect(live).toHaveLength(5);
    expect((await storedLive(world)).sort()).toEqual([...live].sort());
    expect(await pending(world)).toEqual([]);
  });

  it('a task of the dead start that ECS is already stopping is recorded before its announcement is dropped', async () => {
    const world = await deadScaleUp({ eventsArrive: false });
    const stored = new Set(await storedLive(world));
    const orphans = world.liveTasks('web').filter((t) => !stored.has(t.arn));
    expect(orphans).toHaveLength(2);
    await world.ecs.send(new StopTaskCommand({ cluster: 'prod', task: orphans[0]!.arn, reason: 'test' }));
    await world.settle(10_000);
    const s = await reconcileCluster(world.deps, 'prod');
    expect(s.errors).toEqual([]);
    expect(s.drift.pendingDropped).toBe(1);
    // Not in ListTasks(desiredStatus RUNNING) any more, yet known: it held a place until STOPPED.
    expect(await world.store.tasks.get('web', orphans[0]!.arn)).toBeDefined();
    expect(await world.store.tasks.get('web', orphans[1]!.arn)).toBeDefined();
  });

  it('once their own events have recorded them they count as themselves, not twice: the service is not left short', async () => {
    const world = await deadScaleUp({ eventsArrive: true });
    expect(await storedLive(world)).toHaveLength(4); // learnt from the tasks' events
    expect(await pending(world)).toHaveLength(1); // still there until a pass
    const { plan } = await replanService(world.deps, 'web', 'scaled to 5');
    expect(plan?.summary.pendingStarts).toBe(0);
    await world.settle(10_000);
    expect(world.liveTasks('web')).toHaveLength(5);
  });

  it('a replacement that died unrecorded is recorded by the redelivered event: the same token answers with the same task', async () => {
    const { world, stop } = await oneTaskStopped();
    const known = new Set(world.liveTasks('web').map((t) => t.arn));
    await expect(recordTaskEvent(stop, { ...world.deps, ecs: dyingEcs(world, 'after') })).rejects.toThrow(Crash);
    const [orphan] = world.liveTasks('web').filter((t) => !known.has(t.arn));
    expect(orphan).toBeDefined();
    expect(await storedLive(world)).not.toContain(orphan!.arn);
    expect(await pending(world)).toEqual([expect.objectContaining({ count: 1 })]);

    await world.settle(61_000);
    const out = await recordTaskEvent(stop, world.deps);
    expect(out).toMatchObject({ outcome: 'handled', state: 'replaced', replacement: orphan!.arn });
    const live = world.liveTasks('web').map((t) => t.arn);
    expect(live).toHaveLength(2);
    expect((await storedLive(world)).sort()).toEqual([...live].sort());
    expect(await pending(world)).toEqual([]);
  });

  it('without a redelivery, a reconciler pass finds the stop and records that same task as its replacement', async () => {
    const { world, stop } = await oneTaskStopped();
    const known = new Set(world.liveTasks('web').map((t) => t.arn));
    await expect(recordTaskEvent(stop, { ...world.deps, ecs: dyingEcs(world, 'after') })).rejects.toThrow(Crash);
    const [orphan] = world.liveTasks('web').filter((t) => !known.has(t.arn));
    await world.settle(70_000);
    const s = await reconcileCluster(world.deps, 'prod');
    expect(s.errors).toEqual([]);
    expect(s.drift.stoppedFound).toBe(1);
    const live = world.liveTasks('web').map((t) => t.arn);
    expect(live).toHaveLength(2);
    expect((await storedLive(world)).sort()).toEqual([...live].sort());
    expect(await world.store.tasks.get('web', (stop.detail as { taskArn: string }).taskArn)).toMatchObject({ replacedBy: orphan!.arn });
    expect(await pending(world)).toEqual([]);
  });

  it('a pass drops the announcement of a start that never reached ECS, and starts the missing task itself', async () => {
    const { world, stop } = await oneTaskStopped();
    await expect(recordTaskEvent(stop, { ...world.deps, ecs: dyingEcs(world, 'before') })).rejects.toThrow(Crash);
    expect(world.liveTasks('web')).toHaveLength(1);
    // Within the dead actor's lease nothing can tell a start that never happened from one not yet recorded.
    await world.settle(70_000);
    const s = await reconcileCluster(world.deps, 'prod');
    expect(s.errors).toEqual([]);
    // The pass found the stop and replaced it with the dead handler's own token (its announcement resolved with it).
    expect(s.drift.stoppedFound).toBe(1);
    expect(s.started).toBe(1);
    await world.settle(20_000);
    expect(world.liveTasks('web')).toHaveLength(2);
    expect(await pending(world)).toEqual([]);
  });
});

describe('announcements that cannot be outstanding', () => {
  it('a start ECS refuses outright (an unknown task definition) leaves nothing pending', async () => {
    const world = await makeWorld();
    w = world;
    await world.launchService({ name: 'web', desiredCount: 1 });
    const svc = (await world.store.services.get('web'))!;
    await world.store.services.update('web', svc.revision, { desiredCount: 2, taskDefinition: 'missing:1' });
    const err: unknown = await replanService(world.deps, 'web', 'test').catch((e: unknown) => e);
    expect((err as Error).name).toMatch(/^(ClientException|InvalidParameterException)$/);
    expect(await pending(world)).toEqual([]);
  });

  it('a service being deleted is removed only once no start of it is pending', async () => {
    const world = await makeWorld();
    w = world;
    await world.launchService({ name: 'web', desiredCount: 1 });
    world.sim.events.setDeliveryFaults({ dropRate: 1 });
    let svc = (await world.store.services.get('web'))!;
    svc = await world.store.services.update('web', svc.revision, { desiredCount: 2 });
    await expect(replanService({ ...world.deps, ecs: dyingEcs(world, 'before') }, 'web', 'scaled to 2')).rejects.toThrow(Crash);
    await world.store.services.update('web', svc.revision, { status: 'DRAINING', desiredCount: 0 });
    for (const t of world.liveTasks('web')) await world.ecs.send(new StopTaskCommand({ cluster: 'prod', task: t.arn }));
    await world.settle(10_000);
    // Its tasks are gone, but a start is pending (its actor's lease has not ended): not yet deleted.
    const first = await reconcileCluster(world.deps, 'prod');
    expect(first.errors).toEqual([]);
    expect(first.deleted).toEqual([]);
    expect(await world.store.services.get('web')).toBeDefined();
    await world.settle(70_000);
    const second = await reconcileCluster(world.deps, 'prod');
    expect(second.drift.pendingDropped).toBe(1);
    expect(second.deleted).toEqual(['web']);
    expect(world.liveTasks('web')).toEqual([]);
  });
});

describe('the lease fences starts', () => {
  it('an actor whose lease lapsed and was taken over calls no RunTask', async () => {
    const world = await makeWorld();
    w = world;
    await world.launchService({ name: 'web', desiredCount: 1 });
    expect(await acquireLease(world.store.ctx, 'web', 'slow-actor', 60_000)).toBe(true);
    await world.settle(61_000);
    expect(await acquireLease(world.store.ctx, 'web', 'next-actor', 60_000)).toBe(true);
    const service = (await world.store.services.get('web'))!;
    const before = runTasks(world);
    const plan = { actions: [{ kind: 'start' as const, count: 1, taskDefinition: service.taskDefinition, reason: 'test' }], summary: {} as never, notes: [] };
    await expect(applyPlan(world.deps, service, plan, { planKey: 'k', why: 'test', owner: 'slow-actor' })).rejects.toThrow(LeaseLostError);
    expect(runTasks(world)).toBe(before);
    expect(await pending(world)).toEqual([]);
  });
});
