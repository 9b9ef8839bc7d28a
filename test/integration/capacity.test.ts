/**
 * Cluster capacity on the simulator: Shepherd scales the cluster's Auto Scaling group out as soon
 * as tasks cannot be placed, by the number of instances the demand needs, and scales it in by
 * draining and terminating idle instances — never one that runs a service's tasks.
 */
import { RegisterTaskDefinitionCommand, UpdateContainerInstancesStateCommand } from '@aws-sdk/client-ecs';
import { afterEach, describe, expect, it } from 'vitest';
import { replanService } from '../../shared/handlers/replan';
import { reconcileCluster } from '../../shared/reconcile/cluster';
import type { CapacitySettings } from '../../shared/core/cluster';
import { makeWorld, type World } from '../helpers/world';
import { serviceSpec } from '../helpers/specs';

let w: World | undefined;
afterEach(async () => {
  await w?.close();
  w = undefined;
});

async function manage(world: World, settings: Partial<CapacitySettings> = {}) {
  const c = await world.store.clusters.ensure('prod');
  await world.store.clusters.setCapacity('prod', c.revision, { autoScalingGroupName: 'prod-asg', minSize: 0, maxSize: 20, targetUtilizationPercent: 100, ...settings });
}

const desiredCalls = (world: World) => world.sim.calls.count('autoscaling', 'SetDesiredCapacity');
const groupSize = (world: World) => world.sim.autoscaling.instances('prod-asg').filter((i) => !/Terminat/.test(i.lifecycleState)).length;
const running = (world: World, service: string) => world.liveTasks(service).filter((t) => t.lastStatus === 'RUNNING').length;

describe('scale-out', () => {
  it('30 tasks that do not fit make one scale-out of the right size, and all run once the instances register', async () => {
    w = await makeWorld({ instances: 2, maxInstances: 30 });
    // 1 vCPU each: two fit on an m5.large (2,048 CPU units, 7,680 MiB).
    await w.ecs.send(new RegisterTaskDefinitionCommand({ family: 'big', containerDefinitions: [{ name: 'app', image: 'app:1', cpu: 1024, memory: 1024, essential: true }] }));
    await manage(w, { maxScalingStep: 20 });
    await w.store.services.create(serviceSpec({ name: 'big', taskDefinition: 'big:1', desiredCount: 30 }));

    const { result } = await replanService(w.deps, 'big', 'created');
    expect(result?.started).toHaveLength(4);
    // 26 unplaced, two per instance: 13 more instances, asked for at once.
    expect(desiredCalls(w)).toBe(1);
    expect(w.sim.autoscaling.capacity('prod-asg').desired).toBe(15);

    await w.settle(3 * 60_000);
    expect(running(w, 'big')).toBe(30);
    expect(desiredCalls(w)).toBe(1); // the same demand, seen again while instances booted, asked for nothing more
    const events = (await w.store.history.list('cluster:prod')).items;
    expect(events.filter((e) => e.type === 'Capacity Changed').map((e) => e.detail.desiredAfter)).toEqual([15]);
  });

  it('never beyond maxSize, and a reservation figure says how short the cluster is', async () => {
    w = await makeWorld({ instances: 1 });
    // (A family of its own: task sizes are cached by ARN, and each test's simulator starts at revision 1.)
    await w.ecs.send(new RegisterTaskDefinitionCommand({ family: 'whole', containerDefinitions: [{ name: 'app', image: 'app:1', cpu: 2048, memory: 1024, essential: true }] }));
    await manage(w, { maxSize: 4 });
    await w.store.services.create(serviceSpec({ name: 'big', taskDefinition: 'whole:1', desiredCount: 8 }));
    await replanService(w.deps, 'big', 'created');
    await w.settle(60_000);
    await reconcileCluster(w.deps, 'prod');
    await w.settle(60_000);
    expect(groupSize(w)).toBe(4);
    expect(running(w, 'big')).toBe(4);
    const cluster = await w.store.clusters.get('prod');
    // 4 busy instances + 4 more the unplaced tasks need, over 4 in service.
    expect(cluster?.reservation).toMatchObject({ needed: 8, running: 4, percent: 200 });
  });
});

describe('scale-out for moving work', () => {
  it('the tasks of an instance drained in a full cluster get a new instance at once, and run there', async () => {
    w = await makeWorld({ instances: 3 });
    await w.ecs.send(new RegisterTaskDefinitionCommand({ family: 'pair', containerDefinitions: [{ name: 'app', image: 'app:1', cpu: 1024, memory: 1024, essential: true }] }));
    await manage(w, { minSize: 1 });
    await w.launchService({ name: 'web', taskDefinition: 'pair:1', desiredCount: 6 });
    const host = w.sim.ecs.snapshot().instances[0]!.arn;
    await w.ecs.send(new UpdateContainerInstancesStateCommand({ cluster: 'prod', containerInstances: [host], status: 'DRAINING' }));
    await w.settle(2000);
    // No reconciler pass: the drain's event alone led to the scale-out.
    expect(w.sim.autoscaling.capacity('prod-asg').desired).toBe(4);
    await w.settle(60_000);
    const placed = w.sim.ecs.snapshot().tasks.filter((t) => t.group === 'shepherd:web' && t.lastStatus === 'RUNNING');
    expect(placed).toHaveLength(6);
    expect(placed.some((t) => t.containerInstanceArn === host)).toBe(false);
  });
});

describe('scale-in', () => {
  it('drains and terminates idle instances one at a time; the busy one is protected and never touched', async () => {
    w = await makeWorld({ instances: 4 });
    await manage(w, { minSize: 1, scaleInAfterSeconds: 60 });
    await w.launchService({ name: 'web', desiredCount: 2, placementStrategy: [{ type: 'binpack', field: 'memory' }] });
    const busy = new Set(w.sim.ecs.snapshot().tasks.filter((t) => t.lastStatus === 'RUNNING').map((t) => t.containerInstanceArn));
    expect(busy.size).toBe(1);
    const busyArn = [...busy][0]!;
    const busyEc2 = w.sim.ecs.snapshot().instances.find((i) => i.arn === busyArn)!.ec2InstanceId;
    const webTasks = new Set(w.liveTasks('web').map((t) => t.arn));

    let touched = '';
    w.onStep = () => {
      const ci = w!.sim.ecs.snapshot().instances.find((i) => i.arn === busyArn);
      if (ci?.status !== 'ACTIVE') touched ||= `busy instance became ${ci?.status} at ${new Date(w!.clock.now()).toISOString()}`;
    };
    for (let minute = 0; minute < 12; minute++) {
      await reconcileCluster(w.deps, 'prod');
      await w.settle(60_000);
    }
    expect(touched).toBe('');
    expect(groupSize(w)).toBe(1);
    expect(w.sim.autoscaling.instances('prod-asg').find((i) => !/Terminat/.test(i.lifecycleState))?.instanceId).toBe(busyEc2);
    expect(w.sim.autoscaling.instances('prod-asg').find((i) => i.instanceId === busyEc2)?.protectedFromScaleIn).toBe(true);
    // The service's tasks ran through it all.
    expect(w.liveTasks('web').map((t) => t.arn).sort()).toEqual([...webTasks].sort());
    const changes = (await w.store.history.list('cluster:prod', { limit: 50 })).items.filter((e) => e.type === 'Capacity Changed');
    expect(changes.some((e) => /terminated/.test(e.message))).toBe(true);
  });

  it('leaves alone an instance somebody else drained', async () => {
    w = await makeWorld({ instances: 3 });
    await manage(w, { minSize: 1, scaleInAfterSeconds: 60 });
    await w.launchService({ name: 'web', desiredCount: 1 });
    const idle = w.sim.ecs.snapshot().instances.find((i) => !w!.sim.ecs.snapshot().tasks.some((t) => t.containerInstanceArn === i.arn && t.lastStatus === 'RUNNING'))!;
    await w.ecs.send(new UpdateContainerInstancesStateCommand({ cluster: 'prod', containerInstances: [idle.arn], status: 'DRAINING' }));
    for (let minute = 0; minute < 8; minute++) {
      await reconcileCluster(w.deps, 'prod');
      await w.settle(60_000);
    }
    expect(w.sim.autoscaling.instances('prod-asg').find((i) => i.instanceId === idle.ec2InstanceId)?.lifecycleState).toBe('InService');
  });
});
