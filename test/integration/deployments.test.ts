/**
 * Rolling deployments on the simulator: the planner moves tasks within minimumHealthyPercent and
 * maximumPercent; the circuit breaker fails a crashing revision and rolls back to the last
 * completed one. Passes of the planner stand in for the reconciler's schedule.
 */
import { RegisterTaskDefinitionCommand } from '@aws-sdk/client-ecs';
import { afterEach, describe, expect, it } from 'vitest';
import { recordDeployment } from '../../shared/core/deployment';
import { replanService } from '../../shared/handlers/replan';
import { makeWorld, type World } from '../helpers/world';

let w: World | undefined;
afterEach(async () => {
  await w?.close();
  w = undefined;
});

const cfg = (min: number, max: number, breaker = true, rollback = true) => ({
  minimumHealthyPercent: min,
  maximumPercent: max,
  deploymentCircuitBreaker: { enable: breaker, rollback },
});

async function newRevision(world: World): Promise<string> {
  const out = await world.ecs.send(
    new RegisterTaskDefinitionCommand({ family: 'web', containerDefinitions: [{ name: 'app', image: 'app:2', cpu: 256, memory: 512, essential: true }] }),
  );
  return out.taskDefinition!.taskDefinitionArn!;
}

async function deploy(world: World, taskDefinition: string): Promise<void> {
  const s = (await world.store.services.get('web'))!;
  await world.store.services.update('web', s.revision, { taskDefinition, deployments: recordDeployment(s.deployments, taskDefinition, s.revision + 1, new Date(world.clock.now()).toISOString()) });
}

/** Planner passes every 15 simulated seconds, as the reconciler's schedule would run them. */
async function passes(world: World, n: number): Promise<void> {
  for (let i = 0; i < n; i++) {
    await replanService(world.deps, 'web', 'test pass');
    await world.settle(15_000);
  }
}

function watch(world: World) {
  const seen = { maxLive: 0, minRunning: Number.POSITIVE_INFINITY };
  world.onStep = () => {
    const tasks = world.sim.ecs.snapshot().tasks.filter((t) => t.group === 'shepherd:web' && t.lastStatus !== 'STOPPED');
    seen.maxLive = Math.max(seen.maxLive, tasks.length);
    seen.minRunning = Math.min(seen.minRunning, tasks.filter((t) => t.lastStatus === 'RUNNING' && t.desiredStatus === 'RUNNING').length);
  };
  return seen;
}

describe('rolling deployments', () => {
  it('a healthy revision rolls out without going below minimumHealthyPercent or above maximumPercent, then completes', async () => {
    w = await makeWorld({ instances: 3 });
    await w.launchService({ name: 'web', desiredCount: 4, deploymentConfiguration: cfg(100, 150) });
    await passes(w, 1);
    expect((await w.store.services.get('web'))?.deployments[0]?.rolloutState).toBe('COMPLETED');
    const td2 = await newRevision(w);
    const seen = watch(w);
    await deploy(w, td2);
    await passes(w, 12);
    const live = w.sim.ecs.snapshot().tasks.filter((t) => t.group === 'shepherd:web' && t.lastStatus !== 'STOPPED');
    expect(live).toHaveLength(4);
    expect(live.every((t) => t.taskDefinitionArn === td2 && t.lastStatus === 'RUNNING')).toBe(true);
    expect(seen.minRunning).toBeGreaterThanOrEqual(4);
    expect(seen.maxLive).toBeLessThanOrEqual(6);
    const s = await w.store.services.get('web');
    expect(s?.deployments[0]).toMatchObject({ taskDefinition: td2, status: 'PRIMARY', rolloutState: 'COMPLETED' });
    expect(s?.deployments.slice(1).every((d) => d.status === 'INACTIVE')).toBe(true);
    const id = s!.deployments[0]!.id;
    const mine = (await w.store.history.list('web', { limit: 100 })).items.filter((e) => e.detail.deploymentId === id).map((e) => e.type);
    // Newest first: the rollout's start, then its completion.
    expect(mine).toEqual(['Deployment Completed', 'Deployment Started']);
  });

  it('a revision that cannot start trips the circuit breaker and rolls back to the last completed one', async () => {
    w = await makeWorld({ instances: 3 });
    await w.launchService({ name: 'web', desiredCount: 4, deploymentConfiguration: cfg(50, 200) });
    await passes(w, 1);
    const td1 = (await w.store.services.get('web'))!.deployments[0]!.taskDefinition;
    const bad = await newRevision(w);
    w.sim.ecs.setFailureModel(bad, { kind: 'failToStart' });
    await deploy(w, bad);
    await passes(w, 16);
    const s = (await w.store.services.get('web'))!;
    const failed = s.deployments.find((d) => d.taskDefinition === bad);
    expect(failed?.rolloutState).toBe('FAILED');
    expect(failed!.failedTasks).toBeGreaterThanOrEqual(3);
    expect(s.taskDefinition).toBe(td1);
    const history = (await w.store.history.list('web', { limit: 100 })).items.map((e) => e.type);
    expect(history).toEqual(expect.arrayContaining(['Deployment Failed', 'Deployment Rolled Back']));
    const live = w.sim.ecs.snapshot().tasks.filter((t) => t.group === 'shepherd:web' && t.lastStatus !== 'STOPPED');
    expect(live.length).toBe(4);
    expect(live.every((t) => t.taskDefinitionArn.endsWith('web:1'))).toBe(true);
  });

  it('with rollback off, a failed deployment stays failed and says so', async () => {
    w = await makeWorld({ instances: 3 });
    await w.launchService({ name: 'web', desiredCount: 2, deploymentConfiguration: cfg(50, 200, true, false) });
    await passes(w, 1);
    const bad = await newRevision(w);
    w.sim.ecs.setFailureModel(bad, { kind: 'failToStart' });
    await deploy(w, bad);
    await passes(w, 16);
    const s = (await w.store.services.get('web'))!;
    expect(s.deployments[0]).toMatchObject({ taskDefinition: bad, rolloutState: 'FAILED' });
    expect(s.taskDefinition).toBe(bad);
  });
});
