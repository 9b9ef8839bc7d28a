/**
 * Container-instance reactions end to end on the simulator: draining moves a service's tasks
 * make-before-break within maximumPercent and minimumHealthyPercent; a new instance gets the
 * daemon services' tasks.
 */
import { ListContainerInstancesCommand, UpdateContainerInstancesStateCommand } from '@aws-sdk/client-ecs';
import { afterEach, describe, expect, it } from 'vitest';
import { makeWorld, type World } from '../helpers/world';

let w: World | undefined;
afterEach(async () => {
  await w?.close();
  w = undefined;
});

const cfg = (min: number, max: number) => ({ minimumHealthyPercent: min, maximumPercent: max, deploymentCircuitBreaker: { enable: false, rollback: false } });

async function drainBusiestHost(world: World, service: string): Promise<string> {
  const byHost = new Map<string, number>();
  for (const t of world.sim.ecs.snapshot().tasks.filter((x) => x.group === `shepherd:${service}` && x.lastStatus !== 'STOPPED')) {
    byHost.set(t.containerInstanceArn, (byHost.get(t.containerInstanceArn) ?? 0) + 1);
  }
  const [host] = [...byHost].sort((a, b) => b[1] - a[1])[0]!;
  await world.ecs.send(new UpdateContainerInstancesStateCommand({ cluster: 'prod', containerInstances: [host], status: 'DRAINING' }));
  return host;
}

function watch(world: World, service: string) {
  const seen = { maxLive: 0, minRunning: Number.POSITIVE_INFINITY };
  world.onStep = () => {
    const tasks = world.sim.ecs.snapshot().tasks.filter((t) => t.group === `shepherd:${service}` && t.lastStatus !== 'STOPPED');
    seen.maxLive = Math.max(seen.maxLive, tasks.length);
    seen.minRunning = Math.min(seen.minRunning, tasks.filter((t) => t.lastStatus === 'RUNNING' && t.desiredStatus === 'RUNNING').length);
  };
  return seen;
}

describe('draining a container instance', () => {
  it('maximumPercent 200 / minimumHealthyPercent 100: replacements first, drained tasks stop once they run', async () => {
    w = await makeWorld({ instances: 3 });
    await w.launchService({ name: 'web', desiredCount: 6, deploymentConfiguration: cfg(100, 200), placementStrategy: [{ type: 'binpack', field: 'memory' }] });
    const seen = watch(w, 'web');
    const drained = await drainBusiestHost(w, 'web');
    await w.settle(120_000);
    const live = w.sim.ecs.snapshot().tasks.filter((t) => t.group === 'shepherd:web' && t.lastStatus !== 'STOPPED');
    expect(live).toHaveLength(6);
    expect(live.every((t) => t.containerInstanceArn !== drained && t.lastStatus === 'RUNNING')).toBe(true);
    expect(seen.minRunning).toBeGreaterThanOrEqual(6); // never below 100 % healthy
    expect(seen.maxLive).toBeLessThanOrEqual(12); // never above 200 %
    expect(w.instanceOutcomes).toContainEqual(expect.objectContaining({ outcome: 'replanned', transition: 'draining', services: ['web'] }));
  });

  it('maximumPercent 100 / minimumHealthyPercent 50: stops first, never above 100 %, never below 50 %', async () => {
    w = await makeWorld({ instances: 3 });
    await w.launchService({ name: 'web', desiredCount: 4, deploymentConfiguration: cfg(50, 100), placementStrategy: [{ type: 'binpack', field: 'memory' }] });
    const seen = watch(w, 'web');
    const drained = await drainBusiestHost(w, 'web');
    await w.settle(180_000);
    const live = w.sim.ecs.snapshot().tasks.filter((t) => t.group === 'shepherd:web' && t.lastStatus !== 'STOPPED');
    expect(seen.maxLive).toBeLessThanOrEqual(4);
    expect(seen.minRunning).toBeGreaterThanOrEqual(2);
    expect(live.every((t) => t.containerInstanceArn !== drained)).toBe(true);
    // Stopped on purpose, so never "replaced" by the task path, and no task left behind.
    const stoppedOnPurpose = (await w.store.tasks.listByService('web')).items.filter((t) => t.stopIntent === 'drain');
    expect(stoppedOnPurpose.length).toBeGreaterThan(0);
    expect(live.length).toBe(4);
  });

  it('standalone tasks of others on the drained host are left alone', async () => {
    w = await makeWorld({ instances: 2 });
    await w.launchService({ name: 'web', desiredCount: 2, deploymentConfiguration: cfg(50, 200) });
    const { RunTaskCommand } = await import('@aws-sdk/client-ecs');
    const other = await w.ecs.send(new RunTaskCommand({ cluster: 'prod', taskDefinition: 'api', count: 2, startedBy: 'someone-else' }));
    await w.settle(10_000);
    await drainBusiestHost(w, 'web');
    await w.settle(120_000);
    const others = w.sim.ecs.snapshot().tasks.filter((t) => other.tasks!.some((o) => o.taskArn === t.arn));
    expect(others.every((t) => t.lastStatus === 'RUNNING')).toBe(true);
  });
});

describe('a new instance', () => {
  it('gets a task of every daemon service', async () => {
    w = await makeWorld({ instances: 2 });
    await w.store.services.create({
      ...(await import('../helpers/specs')).serviceSpec({ name: 'agent', cluster: 'prod', taskDefinition: 'api:1', schedulingStrategy: 'DAEMON', desiredCount: 0, placementStrategy: [] }),
    });
    // The two existing instances get theirs when the reconciler passes; a new one at once:
    w.sim.autoscaling.createGroup({ name: 'more', cluster: 'prod', instanceType: 'm5.large', availabilityZones: ['us-east-1a'], min: 0, max: 2, desired: 1, warmupMs: 1000 });
    await w.settle(30_000);
    const instances = await w.ecs.send(new ListContainerInstancesCommand({ cluster: 'prod' }));
    const daemons = w.sim.ecs.snapshot().tasks.filter((t) => t.group === 'shepherd:agent' && t.lastStatus !== 'STOPPED');
    expect(instances.containerInstanceArns).toHaveLength(3);
    // Each instance that joined after the service exists has exactly one.
    const joined = w.instanceOutcomes.filter((o) => o.outcome === 'replanned' && o.transition === 'available');
    expect(joined.length).toBeGreaterThan(0);
    const perHost = new Map<string, number>();
    for (const t of daemons) perHost.set(t.containerInstanceArn, (perHost.get(t.containerInstanceArn) ?? 0) + 1);
    expect(Object.fromEntries(perHost), JSON.stringify(w.instanceOutcomes.filter((o) => o.outcome === 'replanned'))).toEqual(Object.fromEntries([...perHost.keys()].map((k) => [k, 1])));
    expect(perHost.size).toBeGreaterThanOrEqual(1);
  });
});
