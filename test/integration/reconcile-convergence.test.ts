/**
 * The reconciler makes Shepherd correct whatever events were lost: with a fifth of all events
 * dropped through crashes and the loss of an instance, every service is back at its desired count
 * within two passes; daemon services follow instances that join and leave.
 */
import { DeregisterContainerInstanceCommand, ListContainerInstancesCommand } from '@aws-sdk/client-ecs';
import { afterEach, describe, expect, it } from 'vitest';
import { reconcileCluster, type ClusterSummary } from '../../shared/reconcile/cluster';
import { makeWorld, type World } from '../helpers/world';
import { serviceSpec } from '../helpers/specs';

let w: World | undefined;
afterEach(async () => {
  await w?.close();
  w = undefined;
});

const pass = (world: World) => reconcileCluster(world.deps, 'prod');
const running = (world: World, service: string) => world.liveTasks(service).filter((t) => t.lastStatus === 'RUNNING');

describe('with 20% of events dropped', () => {
  it('every service is back at its desired count within two passes, through crashes and an instance loss', async () => {
    w = await makeWorld({ instances: 4, seed: 7 });
    const desired: Record<string, number> = { web: 6, api: 4, jobs: 3 };
    // Tasks crash after running a while (not a crash loop: no backoff in the way). Fates are drawn at creation.
    w.sim.ecs.setFailureModel('web', { kind: 'crash', probability: 0.6, minMs: 70_000, maxMs: 180_000 });
    w.sim.ecs.setFailureModel('api', { kind: 'crash', probability: 0.6, minMs: 70_000, maxMs: 180_000 });
    await w.launchService({ name: 'web', desiredCount: desired.web!, placementStrategy: [{ type: 'spread', field: 'attribute:ecs.availability-zone' }] });
    await w.launchService({ name: 'api', taskDefinition: 'api:1', desiredCount: desired.api! });
    await w.launchService({ name: 'jobs', desiredCount: desired.jobs!, placementStrategy: [{ type: 'binpack', field: 'memory' }] });

    w.sim.events.setDeliveryFaults({ dropRate: 0.2 });
    await w.settle(5 * 60_000);
    // An instance dies (Auto Scaling replaces it).
    const victim = w.sim.autoscaling.instances('prod-asg').find((i) => i.containerInstanceArn && w!.sim.ecs.snapshot().tasks.some((t) => t.containerInstanceArn === i.containerInstanceArn && t.lastStatus === 'RUNNING'))!;
    w.sim.autoscaling.killInstance(victim.instanceId);
    await w.settle(60_000);
    w.sim.ecs.setFailureModel('web', { kind: 'healthy' });
    w.sim.ecs.setFailureModel('api', { kind: 'healthy' });
    await w.settle(3 * 60_000); // the last crashes play out

    const gaps = () => Object.entries(desired).filter(([name, n]) => running(w!, name).length !== n || w!.liveTasks(name).length !== n);
    // The event path alone has not kept up: lost events left services short, or the store wrong.
    expect(w.sim.events.dropped().length).toBeGreaterThan(10);
    const storeLive = async (name: string) => (await w!.store.tasks.listByService(name, { limit: 100 })).items.filter((t) => t.lastStatus !== 'STOPPED').length;
    const wrong = [];
    for (const name of Object.keys(desired)) if ((await storeLive(name)) !== w.liveTasks(name).length) wrong.push(name);
    expect(gaps().length + wrong.length).toBeGreaterThan(0);

    const summaries: ClusterSummary[] = [];
    for (let i = 0; i < 2 && gaps().length > 0; i++) {
      summaries.push(await pass(w));
      await w.settle(60_000);
    }
    expect(summaries.flatMap((s) => s.errors)).toEqual([]);
    expect(gaps(), JSON.stringify({ live: Object.keys(desired).map((n) => [n, w!.liveTasks(n).length]), summaries: summaries.map((s) => ({ ...s, calls: undefined })) })).toEqual([]);
    // The lost instance is known to be gone.
    expect(await w.store.instances.get('prod', victim.containerInstanceArn!)).toMatchObject({ status: 'INACTIVE' });
  });
});

describe('daemon services', () => {
  const perHost = (world: World, service: string) => {
    const m = new Map<string, number>();
    for (const t of world.sim.ecs.snapshot().tasks.filter((x) => x.group === `shepherd:${service}` && x.lastStatus !== 'STOPPED' && x.desiredStatus === 'RUNNING')) {
      m.set(t.containerInstanceArn, (m.get(t.containerInstanceArn) ?? 0) + 1);
    }
    return m;
  };
  const activeInstances = async (world: World) => (await world.ecs.send(new ListContainerInstancesCommand({ cluster: 'prod', status: 'ACTIVE' }))).containerInstanceArns ?? [];

  it('one task per instance after a pass; an instance joining gets one, an instance leaving loses its own', async () => {
    w = await makeWorld({ instances: 3 });
    await w.store.clusters.ensure('prod');
    // The instances' own registration events are handled first: the event path places daemons on
    // instances that become available, concurrently with a pass and outside its lease.
    await w.settle(5_000);
    await w.store.services.create(serviceSpec({ name: 'agent', taskDefinition: 'api:1', schedulingStrategy: 'DAEMON', desiredCount: 0, placementStrategy: [] }));
    const replannedBefore = w.instanceOutcomes.filter((o) => o.outcome === 'replanned').length;

    const first = await pass(w);
    expect(first.started).toBe(3);
    await w.settle(30_000);
    expect(w.instanceOutcomes.filter((o) => o.outcome === 'replanned').length).toBe(replannedBefore);
    const hosts = await activeInstances(w);
    expect(Object.fromEntries(perHost(w, 'agent'))).toEqual(Object.fromEntries(hosts.map((h) => [h, 1])));

    // Both directions with every event lost: only the reconciler can notice.
    w.sim.events.setDeliveryFaults({ dropRate: 1 });
    w.sim.autoscaling.createGroup({ name: 'more', cluster: 'prod', instanceType: 'm5.large', availabilityZones: ['us-east-1a'], min: 0, max: 1, desired: 1, warmupMs: 1000 });
    await w.settle(10_000);
    const leaving = hosts[0]!;
    // Deregistered by hand with force: ECS leaves its tasks running, orphaned.
    await w.ecs.send(new DeregisterContainerInstanceCommand({ cluster: 'prod', containerInstance: leaving, force: true }));
    await w.settle(5_000);

    const second = await pass(w);
    expect(second).toMatchObject({ started: 1, stopped: 1, errors: [] });
    await w.settle(30_000);
    const now = await activeInstances(w);
    expect(now).toHaveLength(3);
    expect(now).not.toContain(leaving);
    expect(Object.fromEntries(perHost(w, 'agent'))).toEqual(Object.fromEntries(now.map((h) => [h, 1])));
    expect(await w.store.instances.get('prod', leaving)).toMatchObject({ status: 'INACTIVE' });

    expect(await pass(w)).toMatchObject({ started: 0, stopped: 0, acted: [] });
  });
});
