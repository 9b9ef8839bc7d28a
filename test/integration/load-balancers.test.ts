/**
 * Load balancer registration on the simulator (ECS + ELBv2): tasks join their target group when
 * RUNNING, leave it before Shepherd stops them on purpose (after the deregistration delay), leave
 * it at once when they stop unexpectedly, and a rolling deployment never takes the healthy targets
 * below minimumHealthyPercent.
 */
import { RegisterTaskDefinitionCommand, StopTaskCommand, UpdateContainerInstancesStateCommand } from '@aws-sdk/client-ecs';
import { afterEach, describe, expect, it } from 'vitest';
import { recordDeployment } from '../../shared/core/deployment';
import { reconcileCluster } from '../../shared/reconcile/cluster';
import { makeWorld, type World } from '../helpers/world';

let w: World | undefined;
afterEach(async () => {
  await w?.close();
  w = undefined;
});

const DELAY_S = 20;

async function revision(world: World, image: string): Promise<string> {
  const out = await world.ecs.send(
    new RegisterTaskDefinitionCommand({
      family: 'lb',
      containerDefinitions: [{ name: 'app', image, cpu: 256, memory: 512, essential: true, portMappings: [{ containerPort: 8080, hostPort: 0 }] }],
    }),
  );
  return out.taskDefinition!.taskDefinitionArn!;
}

async function balancedWorld(desired: number, minHealthy = 100, maxPercent = 200) {
  const world = await makeWorld({ instances: 3 });
  const td = await revision(world, 'app:1');
  // Healthy after 2 checks 5 s apart; connections drain for 20 s.
  const tg = world.sim.elbv2.createTargetGroup({ name: 'web', port: 80, healthCheckIntervalSeconds: 5, healthyThresholdCount: 2, deregistrationDelaySeconds: DELAY_S });
  await world.launchService({
    name: 'web',
    taskDefinition: td,
    desiredCount: desired,
    deploymentConfiguration: { minimumHealthyPercent: minHealthy, maximumPercent: maxPercent, deploymentCircuitBreaker: { enable: true, rollback: true } },
    loadBalancers: [{ targetGroupArn: tg, containerName: 'app', containerPort: 8080 }],
  });
  return { world, tg, td };
}

/** The reconciler every minute of simulated time. */
async function minutes(world: World, n: number) {
  for (let i = 0; i < n; i++) {
    await reconcileCluster(world.deps, 'prod');
    await world.settle(60_000);
  }
}

const healthy = (world: World, tg: string) => world.sim.elbv2.targets(tg).filter((t) => t.state === 'healthy');

describe('registration', () => {
  it('a RUNNING task is registered with its instance id and the host port ECS bound, and turns healthy', async () => {
    const { world, tg } = await balancedWorld(3);
    w = world;
    const tasks = w.sim.ecs.snapshot().tasks.filter((t) => t.group === 'shepherd:web' && t.lastStatus === 'RUNNING');
    const instances = new Map(w.sim.ecs.snapshot().instances.map((i) => [i.arn, i.ec2InstanceId]));
    const expected = (
      await Promise.all(tasks.map(async (t) => (await w!.store.tasks.get('web', t.arn))?.network?.bindings[0]?.hostPort))
    ).map((port, i) => `${instances.get(tasks[i]!.containerInstanceArn!)}:${port}`);
    expect(expected.every((e) => /^i-\w+:\d+$/.test(e))).toBe(true);
    expect(w.sim.elbv2.targets(tg).map((t) => `${t.id}:${t.port}`).sort()).toEqual(expected.sort());
    await w.settle(15_000);
    expect(healthy(w, tg)).toHaveLength(3);
  });

  it('a task that stops unexpectedly leaves its target group at once; its replacement joins', async () => {
    const { world, tg } = await balancedWorld(2);
    w = world;
    await w.settle(15_000);
    const victim = w.liveTasks('web')[0]!;
    const target = (await w.store.tasks.get('web', victim.arn))!.targets![0]!;
    await w.ecs.send(new StopTaskCommand({ cluster: 'prod', task: victim.arn, reason: 'oops' }));
    // Within seconds — well inside the 20 s deregistration delay — the target is draining.
    await w.settle(5_000);
    expect(w.sim.elbv2.targets(tg).find((t) => t.id === target.id && t.port === target.port)?.state).toBe('draining');
    await w.settle(40_000);
    const now = w.sim.elbv2.targets(tg);
    expect(now.some((t) => t.id === target.id && t.port === target.port)).toBe(false);
    expect(now.filter((t) => t.state === 'healthy')).toHaveLength(2);
  });
});

describe('failing load balancer health checks', () => {
  it('a task that was healthy and stops answering is replaced first, then deregistered and stopped', async () => {
    const { world, tg } = await balancedWorld(2);
    w = world;
    await minutes(w, 1);
    // The next task started answers for two minutes, then stops answering (its containers define no health check).
    w.sim.ecs.setFailureModel('lb', { kind: 'unhealthy', afterMs: 120_000 });
    const before = new Set(w.liveTasks('web').map((t) => t.arn));
    await w.ecs.send(new StopTaskCommand({ cluster: 'prod', task: [...before][0]!, reason: 'oops' }));
    await w.settle(10_000);
    w.sim.ecs.setFailureModel('lb', { kind: 'healthy' });
    const sick = w.liveTasks('web').find((t) => !before.has(t.arn))!.arn;
    let mostLive = 0;
    w.onStep = () => void (mostLive = Math.max(mostLive, w!.liveTasks('web').length));
    await minutes(w, 8);

    const stored = await w.store.tasks.get('web', sick);
    expect(stored?.targetHealthyAt).toBeDefined(); // it was healthy once: no grace when it failed
    expect(stored).toMatchObject({ lastStatus: 'STOPPED', stopIntent: 'unhealthy' });
    const live = w.liveTasks('web');
    expect(live).toHaveLength(2);
    expect(live.some((t) => t.arn === sick)).toBe(false);
    expect(w.sim.elbv2.targets(tg).filter((t) => t.state === 'healthy')).toHaveLength(2);
    expect(mostLive).toBeLessThanOrEqual(4);
  });

  it('a task never healthy in its target group is replaced only after the grace period, the replacement first', async () => {
    const { world } = await balancedWorld(1);
    w = world;
    // Its tasks never answer: the target group reads them unhealthy from the first checks on.
    w.sim.ecs.setFailureModel('lb', { kind: 'unhealthy', afterMs: 0 });
    const [first] = w.liveTasks('web');
    await w.ecs.send(new StopTaskCommand({ cluster: 'prod', task: first!.arn, reason: 'oops' }));
    await w.settle(10_000);
    w.sim.ecs.setFailureModel('lb', { kind: 'healthy' });
    const slow = w.liveTasks('web')[0]!.arn;
    await minutes(w, 3);
    expect(w.liveTasks('web').map((t) => t.arn)).toEqual([slow]);
    expect((await w.store.tasks.get('web', slow))?.targetHealth).toBe('unhealthy');
    // Beyond the 5-minute grace it counts as failing: a replacement first, then the stop.
    await minutes(w, 5);
    expect((await w.store.tasks.get('web', slow))?.stopIntent).toBe('unhealthy');
    expect(w.liveTasks('web')).toHaveLength(1);
    expect(w.liveTasks('web')[0]!.arn).not.toBe(slow);
  });
});

describe('changed target groups', () => {
  it("moving a service to another target group moves its running tasks' targets within a pass", async () => {
    const { world, tg } = await balancedWorld(2);
    w = world;
    await w.settle(15_000);
    const tg2 = w.sim.elbv2.createTargetGroup({ name: 'web-v2', port: 80, healthCheckIntervalSeconds: 5, healthyThresholdCount: 2, deregistrationDelaySeconds: DELAY_S });
    const s = (await w.store.services.get('web'))!;
    await w.store.services.update('web', s.revision, { loadBalancers: [{ targetGroupArn: tg2, containerName: 'app', containerPort: 8080 }] });
    await reconcileCluster(w.deps, 'prod');
    expect(w.sim.elbv2.targets(tg).every((t) => t.state === 'draining')).toBe(true);
    expect(w.sim.elbv2.targets(tg2)).toHaveLength(2);
    await w.settle(15_000);
    expect(healthy(w, tg2)).toHaveLength(2);
  });
});

describe('on-purpose stops', () => {
  it("a drained instance's targets are deregistered before its tasks stop, and stop only after the deregistration delay", async () => {
    const { world } = await balancedWorld(4);
    w = world;
    await minutes(w, 1);
    const host = w.sim.ecs.snapshot().tasks.find((t) => t.group === 'shepherd:web' && t.lastStatus === 'RUNNING')!.containerInstanceArn!;
    const onHost = w.sim.ecs.snapshot().tasks.filter((t) => t.group === 'shepherd:web' && t.containerInstanceArn === host && t.lastStatus === 'RUNNING').map((t) => t.arn);
    const tgArn = (await w.store.services.get('web'))!.loadBalancers[0]!.targetGroupArn;
    const targetOf = new Map<string, { id: string; port: number }>();
    for (const arn of onHost) targetOf.set(arn, (await w.store.tasks.get('web', arn))!.targets![0]!);
    const deregisteredAt = new Map<string, number>();
    const stopAskedAt = new Map<string, number>();
    w.onStep = () => {
      const now = w!.clock.now();
      const targets = w!.sim.elbv2.targets(tgArn);
      for (const arn of onHost) {
        const t = w!.sim.ecs.snapshot().tasks.find((x) => x.arn === arn)!;
        if (t.desiredStatus === 'STOPPED' && !stopAskedAt.has(arn)) stopAskedAt.set(arn, now);
        const x = targetOf.get(arn)!;
        const gone = !targets.some((g) => g.id === x.id && g.port === x.port && g.state !== 'draining');
        if (gone && !deregisteredAt.has(arn)) deregisteredAt.set(arn, now);
      }
    };
    await w.ecs.send(new UpdateContainerInstancesStateCommand({ cluster: 'prod', containerInstances: [host], status: 'DRAINING' }));
    await minutes(w, 4);
    expect(onHost.every((arn) => w!.sim.ecs.snapshot().tasks.find((t) => t.arn === arn)?.lastStatus === 'STOPPED')).toBe(true);
    for (const arn of onHost) {
      expect(deregisteredAt.get(arn), arn).toBeDefined();
      expect(stopAskedAt.get(arn)! - deregisteredAt.get(arn)!, arn).toBeGreaterThanOrEqual(DELAY_S * 1000 - 1000);
    }
    expect(w.liveTasks('web').filter((t) => t.lastStatus === 'RUNNING')).toHaveLength(4);
  });

  it('a rolling deployment never takes healthy targets below minimumHealthyPercent', async () => {
    const { world, tg } = await balancedWorld(4, 100, 150);
    w = world;
    await minutes(w, 1);
    expect(healthy(w, tg)).toHaveLength(4);
    const td2 = await revision(w, 'app:2');
    let fewest = Infinity;
    w.onStep = () => void (fewest = Math.min(fewest, healthy(w!, tg).length));
    const s = (await w.store.services.get('web'))!;
    await w.store.services.update('web', s.revision, { taskDefinition: td2, deployments: recordDeployment(s.deployments, td2, s.revision + 1, new Date(w.clock.now()).toISOString()) });
    await minutes(w, 10);
    const live = w.liveTasks('web');
    expect(live.map((t) => t.taskDefinitionArn)).toEqual([td2, td2, td2, td2]);
    expect(healthy(w, tg)).toHaveLength(4);
    expect(fewest).toBeGreaterThanOrEqual(4);
    expect((await w.store.services.get('web'))?.deployments[0]).toMatchObject({ taskDefinition: td2, rolloutState: 'COMPLETED' });
  });
});
