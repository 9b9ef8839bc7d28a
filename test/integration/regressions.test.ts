/**
 * Regressions found by review, each reproduced on the simulator first: a repeated RunTask token
 * that kept a service down, unplaced demand that never retried, a stop handler erasing a deploy,
 * and a stopped task replaced twice (reconciler pass + STOPPED event).
 */
import { DescribeTasksCommand, ListTasksCommand, RegisterTaskDefinitionCommand, StopTaskCommand, type ECSClient } from '@aws-sdk/client-ecs';
import { afterEach, describe, expect, it } from 'vitest';
import { deploymentChanges } from '../../shared/api/deployments';
import { recordDeployment } from '../../shared/core/deployment';
import { replanService } from '../../shared/handlers/replan';
import { recordTaskEvent } from '../../shared/handlers/taskEvents';
import { reconcileCluster } from '../../shared/reconcile/cluster';
import { makeWorld, type World } from '../helpers/world';

let w: World | undefined;
afterEach(async () => {
  await w?.close();
  w = undefined;
});

const pass = (world: World) => reconcileCluster(world.deps, 'prod');

describe('review regressions', () => {
  it('a service comes back once a crash loop ends (no RunTask token is ever repeated)', async () => {
    w = await makeWorld({ instances: 3 });
    w.sim.ecs.setFailureModel('web', { kind: 'exit', exitCode: 1, afterMs: 5_000 });
    await w.launchService({ name: 'web', desiredCount: 1 });
    for (let i = 0; i < 6; i++) {
      await pass(w);
      await w.settle(60_000);
    }
    w.sim.ecs.setFailureModel('web', { kind: 'healthy' });
    for (let i = 0; i < 20 && w.liveTasks('web').length === 0; i++) {
      await pass(w);
      await w.settle(60_000);
    }
    expect(w.liveTasks('web').filter((t) => t.lastStatus === 'RUNNING')).toHaveLength(1);
  });

  it('unplaced demand is retried once capacity arrives', async () => {
    w = await makeWorld({ instances: 1 });
    await w.launchService({ name: 'web', desiredCount: 4 });
    await w.launchService({ name: 'api', taskDefinition: 'api:1', desiredCount: 4 });
    await pass(w);
    await w.settle(30_000);
    const s = (await w.store.services.get('web'))!;
    await w.store.services.update('web', s.revision, { desiredCount: 6 });
    const first = await pass(w);
    expect(first.unplaced.length).toBeGreaterThan(0);
    await w.settle(10_000);
    w.sim.autoscaling.handle('SetDesiredCapacity', new URLSearchParams({ AutoScalingGroupName: 'prod-asg', DesiredCapacity: '3' }));
    await w.settle(60_000);
    for (let i = 0; i < 3; i++) {
      await pass(w);
      await w.settle(30_000);
    }
    expect(w.liveTasks('web')).toHaveLength(6);
  });

  it('a deploy landing between a stop handler\'s read and write is not erased', async () => {
    w = await makeWorld({ instances: 3 });
    w.sim.events.setDeliveryFaults({ dropRate: 1 });
    w.sim.ecs.setFailureModel('web', { kind: 'exit', exitCode: 1, afterMs: 5_000 });
    await w.launchService({ name: 'web', desiredCount: 3 });
    const stop = w.sim.events.history('default').find((e) => e['detail-type'] === 'ECS Task State Change' && (e.detail as { lastStatus?: string }).lastStatus === 'STOPPED')!;
    let deployed = false;
    const world = w;
    const ecs = {
      send: async (cmd: { constructor: { name: string } }) => {
        if (!deployed && cmd.constructor.name === 'RunTaskCommand') {
          deployed = true;
          const s = (await world.store.services.get('web'))!;
          await world.store.services.update('web', s.revision, deploymentChanges(s, 'arn:aws:ecs:us-east-1:123456789012:task-definition/api:1', new Date(world.clock.now()).toISOString()));
        }
        return world.ecs.send(cmd as never);
      },
    } as unknown as ECSClient;
    await recordTaskEvent(stop, { ...w.deps, ecs });
    const after = (await w.store.services.get('web'))!;
    expect(after.deployments.find((d) => d.status === 'PRIMARY')?.taskDefinition).toBe(after.taskDefinition);
  });

  it('a task stopped by hand is replaced once, even when a pass runs while it is stopping', async () => {
    w = await makeWorld({ instances: 3 });
    await w.launchService({ name: 'web', desiredCount: 3 });
    await pass(w);
    await w.settle(5_000);
    const [victim] = w.liveTasks('web');
    const before = w.sim.calls.count('ecs', 'RunTask');
    await w.ecs.send(new StopTaskCommand({ cluster: 'prod', task: victim!.arn, reason: 'by hand' }));
    await pass(w);
    await w.settle(60_000);
    expect(w.liveTasks('web')).toHaveLength(3);
    expect(w.sim.calls.count('ecs', 'RunTask') - before).toBe(1);
    expect((await pass(w)).stopped).toBe(0);
  });

  it('a rollout waits for health checks: UNKNOWN is not healthy where the task definition defines checks', async () => {
    w = await makeWorld({ instances: 3 });
    const world = w;
    await w.launchService({ name: 'web', desiredCount: 4, deploymentConfiguration: { minimumHealthyPercent: 100, maximumPercent: 150, deploymentCircuitBreaker: { enable: true, rollback: true } } });
    for (let i = 0; i < 2; i++) {
      await replanService(w.deps, 'web', 'pass');
      await w.settle(15_000);
    }
    const out = await w.ecs.send(
      new RegisterTaskDefinitionCommand({ family: 'web', containerDefinitions: [{ name: 'app', image: 'app:2', cpu: 256, memory: 512, essential: true, healthCheck: { command: ['CMD', 'true'] } }] }),
    );
    const td2 = out.taskDefinition!.taskDefinitionArn!;
    w.sim.ecs.setFailureModel(td2, { kind: 'unhealthy', afterMs: 120_000 }); // never HEALTHY
    const s = (await w.store.services.get('web'))!;
    // As the API records it: the deployment knows its task definition has health checks.
    await w.store.services.update('web', s.revision, { taskDefinition: td2, deployments: recordDeployment(s.deployments, td2, s.revision + 1, new Date(w.clock.now()).toISOString(), true) });
    let minHealthy = Number.POSITIVE_INFINITY;
    const measure = async () => {
      const arns = (await world.ecs.send(new ListTasksCommand({ cluster: 'prod', desiredStatus: 'RUNNING' }))).taskArns ?? [];
      const ts = arns.length ? ((await world.ecs.send(new DescribeTasksCommand({ cluster: 'prod', tasks: arns }))).tasks ?? []) : [];
      const mine = ts.filter((t) => t.group === 'shepherd:web' && t.lastStatus === 'RUNNING');
      minHealthy = Math.min(minHealthy, mine.filter((t) => (t.taskDefinitionArn === td2 ? t.healthStatus === 'HEALTHY' : true)).length);
    };
    for (let i = 0; i < 6; i++) {
      await replanService(w.deps, 'web', 'pass');
      for (let k = 0; k < 10; k++) {
        await w.settle(1_000);
        await measure();
      }
    }
    expect(minHealthy).toBeGreaterThanOrEqual(4);
    expect((await w.store.services.get('web'))!.deployments[0]!.rolloutState).toBe('IN_PROGRESS');
  });
});
