/**
 * Tasks that fail their container health checks are replaced as ECS's service scheduler replaces
 * them — on the event path, without waiting for a reconciler pass: the replacement starts first
 * (within maximumPercent) and the failing task is stopped once the replacement is healthy; with no
 * room, the failing task is stopped first and its replacement follows the stop.
 */
import { RegisterTaskDefinitionCommand } from '@aws-sdk/client-ecs';
import { afterEach, describe, expect, it } from 'vitest';
import type { ServiceSpec } from '../../shared/core/service';
import { runServiceTasks } from '../../shared/ecs/runTask';
import { reconcileCluster } from '../../shared/reconcile/cluster';
import type { StoredTask } from '../../shared/store';
import { queryAll } from '../../shared/store/query';
import { KEY, PREFIX } from '../../shared/store/table';
import { serviceSpec } from '../helpers/specs';
import { makeWorld, STAGE, type World } from '../helpers/world';

let w: World | undefined;
afterEach(async () => {
  await w?.close();
  w = undefined;
});

/** A task definition whose container has a health check; its tasks turn UNHEALTHY a minute after RUNNING. */
async function sickTaskDefinition(world: World): Promise<string> {
  const out = await world.ecs.send(
    new RegisterTaskDefinitionCommand({ family: 'web', containerDefinitions: [{ name: 'app', image: 'app:2', cpu: 256, memory: 512, essential: true, healthCheck: { command: ['CMD', 'true'] } }] }),
  );
  const arn = out.taskDefinition!.taskDefinitionArn!;
  world.sim.ecs.setFailureModel(arn, { kind: 'unhealthy', afterMs: 60_000 });
  return arn;
}

/** Creates the service (its deployment knows the task definition has health checks, as the API records it) and starts its tasks. */
async function launch(world: World, spec: Partial<ServiceSpec>): Promise<void> {
  const created = await world.store.services.create(serviceSpec({ cluster: 'prod', ...spec }), { healthChecked: true });
  await world.store.clusters.ensure('prod');
  const out = await runServiceTasks(world.ecs, created, { count: created.desiredCount, clientToken: `launch-${created.name}`, stage: STAGE });
  expect(out.started).toHaveLength(created.desiredCount);
}

const ecsTasks = (world: World) => world.sim.ecs.snapshot().tasks.filter((t) => t.group === 'shepherd:web');
const cfg = (min: number, max: number) => ({ minimumHealthyPercent: min, maximumPercent: max, deploymentCircuitBreaker: { enable: false, rollback: false } });

/** A service of two tasks that turn UNHEALTHY a minute after RUNNING; tasks started from now on stay healthy. */
async function twoSickTasks(): Promise<{ world: World; originals: string[] }> {
  const world = (w = await makeWorld({ instances: 3 }));
  const td = await sickTaskDefinition(world);
  await launch(world, { taskDefinition: td, desiredCount: 2, deploymentConfiguration: cfg(100, 200) });
  await world.settle(30_000);
  const originals = ecsTasks(world).map((t) => t.arn);
  expect(originals).toHaveLength(2);
  world.sim.ecs.setFailureModel(td, { kind: 'healthy' });
  return { world, originals };
}

describe('tasks failing their health checks', () => {
  it('are replaced first and stopped once their replacements are healthy, by the event path alone', async () => {
    const { world, originals } = await twoSickTasks();
    let fewestRunning = Number.POSITIVE_INFINITY;
    let mostLive = 0;
    world.onStep = () => {
      const live = ecsTasks(world).filter((t) => t.lastStatus !== 'STOPPED');
      fewestRunning = Math.min(fewestRunning, live.filter((t) => t.lastStatus === 'RUNNING' && t.desiredStatus === 'RUNNING').length);
      mostLive = Math.max(mostLive, live.length);
    };
    await world.settle(180_000);

    const live = ecsTasks(world).filter((t) => t.lastStatus !== 'STOPPED');
    expect(live).toHaveLength(2);
    expect(live.every((t) => !originals.includes(t.arn) && t.healthStatus === 'HEALTHY')).toBe(true);
    expect(ecsTasks(world).filter((t) => originals.includes(t.arn)).every((t) => t.lastStatus === 'STOPPED')).toBe(true);
    // Exactly one replacement each (ECS knows the two originals and two more tasks, no others).
    expect(ecsTasks(world)).toHaveLength(4);
    // Make-before-break: two tasks kept running until their replacements took over; never above maximumPercent.
    expect(fewestRunning).toBeGreaterThanOrEqual(2);
    expect(mostLive).toBeLessThanOrEqual(4);
    // The store agrees, and each failure counted for the crash-loop backoff.
    const stored = await queryAll<StoredTask>(world.store.ctx, { partition: KEY.servicePk('web'), sortPrefix: PREFIX.task });
    expect(stored.filter((t) => originals.includes(t.taskArn)).map((t) => t.stopIntent)).toEqual(['unhealthy', 'unhealthy']);
    expect((await world.store.services.get('web'))!.backoff?.consecutiveFailures).toBe(2);
  });

  it('under duplicated and reordered deliveries each failing task is replaced once and counted once', async () => {
    const { world, originals } = await twoSickTasks();
    world.sim.events.setDeliveryFaults({ duplicateRate: 1, reorderRate: 0.5, maxDelayMs: 20_000 });
    // The reconciler runs on its schedule too: what a stale (reordered) delivery cannot act on, a pass does.
    for (let i = 0; i < 4; i++) {
      await reconcileCluster(world.deps, 'prod');
      await world.settle(60_000);
    }
    const live = ecsTasks(world).filter((t) => t.lastStatus !== 'STOPPED');
    expect(live.map((t) => t.healthStatus)).toEqual(['HEALTHY', 'HEALTHY']);
    expect(live.some((t) => originals.includes(t.arn))).toBe(false);
    expect(ecsTasks(world)).toHaveLength(4);
    expect((await world.store.services.get('web'))!.backoff?.consecutiveFailures).toBe(2);
  });

  it('with no room to start (maximumPercent 100) the failing task is stopped first and replaced once', async () => {
    w = await makeWorld({ instances: 3 });
    const world = w;
    const td = await sickTaskDefinition(world);
    await launch(world, { taskDefinition: td, desiredCount: 1, deploymentConfiguration: cfg(0, 100) });
    await world.settle(30_000);
    const [original] = ecsTasks(world).map((t) => t.arn);
    world.sim.ecs.setFailureModel(td, { kind: 'healthy' });
    let mostLive = 0;
    world.onStep = () => void (mostLive = Math.max(mostLive, ecsTasks(world).filter((t) => t.lastStatus !== 'STOPPED').length));
    await world.settle(180_000);

    const live = ecsTasks(world).filter((t) => t.lastStatus !== 'STOPPED');
    expect(live.map((t) => t.healthStatus)).toEqual(['HEALTHY']);
    expect(live[0]!.arn).not.toBe(original);
    expect(ecsTasks(world)).toHaveLength(2);
    expect(mostLive).toBe(1);
  });

  it('a task that stays healthy is left alone', async () => {
    w = await makeWorld({ instances: 3 });
    const world = w;
    const td = await sickTaskDefinition(world);
    world.sim.ecs.setFailureModel(td, { kind: 'healthy' });
    await launch(world, { taskDefinition: td, desiredCount: 2, deploymentConfiguration: cfg(100, 200) });
    const runTasksBefore = world.sim.calls.count('ecs', 'RunTask');
    await world.settle(180_000);
    expect(world.sim.calls.count('ecs', 'RunTask')).toBe(runTasksBefore);
    expect(world.sim.calls.count('ecs', 'StopTask')).toBe(0);
    expect(ecsTasks(world).map((t) => t.healthStatus)).toEqual(['HEALTHY', 'HEALTHY']);
  });
});
