/** GET /services/{name}/plan: the reconciler's plan as a dry run — reasons given, nothing executed. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApi, type ApiHarness } from './api-harness';

let h: ApiHarness;
let v1: string;
const cluster = 'pl';

beforeAll(async () => {
  h = await startApi();
  v1 = await h.registerTaskDefinition();
  await h.registerTaskDefinition();
  await h.registerInstance(cluster, 'i-a', 'us-east-1a');
  await h.registerInstance(cluster, 'i-b', 'us-east-1b');
});
afterAll(() => h.close());

describe('GET /services/{name}/plan', () => {
  it('says what would start and why, and starts nothing', async () => {
    expect((await h.call({ method: 'POST', path: '/services', body: { name: 'fresh', cluster, taskDefinition: 'web:1', desiredCount: 3 } })).status).toBe(201);
    const runTasksBefore = h.sim.calls.count('ecs', 'RunTask');
    const a = await h.call({ method: 'GET', path: '/services/fresh/plan' });
    expect(a.status).toBe(200);
    expect(a.body.actions).toEqual([expect.objectContaining({ kind: 'start', count: 3 })]);
    expect(a.body.summary).toMatchObject({ desired: 3, live: 0 });
    expect(h.sim.calls.count('ecs', 'RunTask')).toBe(runTasksBefore);
    expect(h.sim.ecs.snapshot().tasks.filter((t) => t.group === 'shepherd:fresh')).toHaveLength(0);
  });

  it('shows a rolling deployment bounded by maximumPercent, and a paused service doing nothing', async () => {
    const body = { name: 'roll', cluster, taskDefinition: 'web:1', desiredCount: 2, deploymentConfiguration: { minimumHealthyPercent: 100, maximumPercent: 150 } };
    expect((await h.call({ method: 'POST', path: '/services', body })).status).toBe(201);
    await h.runManagedTask('roll', cluster, v1);
    await h.runManagedTask('roll', cluster, v1);
    expect((await h.call({ method: 'POST', path: '/services/roll/deploy', body: { taskDefinition: 'web:2' } })).status).toBe(202);
    const events = (await h.call({ method: 'GET', path: '/services/roll/events' })).body;
    expect(events.items).toEqual([expect.objectContaining({ type: 'Deployment Started', detail: expect.objectContaining({ deploymentId: 'd2' }) })]);
    const plan = (await h.call({ method: 'GET', path: '/services/roll/plan' })).body;
    expect(plan.actions).toEqual([expect.objectContaining({ kind: 'start', count: 1 })]);
    expect(plan.notes.join(' ')).toMatch(/older task definitions wait/);
    expect((await h.call({ method: 'POST', path: '/services/roll/pause' })).status).toBe(200);
    const paused = (await h.call({ method: 'GET', path: '/services/roll/plan' })).body;
    expect(paused.actions).toEqual([]);
    expect(paused.notes).toContain('paused: nothing is started or stopped');
  });

  it('404 for an unknown service, as problem+json', async () => {
    const a = await h.call({ method: 'GET', path: '/services/nope/plan' });
    expect(a.status).toBe(404);
    expect(a.headers['content-type']).toContain('application/problem+json');
  });
});
