/**
 * A change through the API takes effect in the same request, as the deployed API does it
 * (functions/api.ts): create starts the tasks, scale starts or stops them, a deploy starts the
 * first new tasks — without waiting for the reconciler's next pass. Big plans are left to it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acquireLease, releaseLease } from '../../shared/store/leases';
import { startApi, type ApiHarness } from './api-harness';

let h: ApiHarness;

const liveInSim = (service: string) => h.sim.ecs.snapshot().tasks.filter((t) => t.group === `shepherd:${service}` && t.desiredStatus === 'RUNNING');

beforeAll(async () => {
  h = await startApi({ act: true });
  await h.registerTaskDefinition();
  for (const [i, az] of ['us-east-1a', 'us-east-1b', 'us-east-1c'].entries()) await h.registerInstance('prod', `i-${i}`, az);
});
afterAll(() => h.close());

describe('changes act at once', () => {
  it('create starts the desired tasks; scale up starts more, scale down stops the extra ones', async () => {
    const created = await h.call({ method: 'POST', path: '/services', body: { name: 'now', cluster: 'prod', taskDefinition: 'web:1', desiredCount: 3 } });
    expect(created.status).toBe(201);
    expect(liveInSim('now')).toHaveLength(3);
    await h.call({ method: 'POST', path: '/services/now/scale', body: { desiredCount: 5 } });
    expect(liveInSim('now')).toHaveLength(5);
    await h.call({ method: 'POST', path: '/services/now/scale', body: { desiredCount: 2 } });
    expect(liveInSim('now')).toHaveLength(2);
    // What was started and stopped is in the service's history, with the API as the trigger.
    const events = (await h.call({ method: 'GET', path: '/services/now/events' })).body.items as Array<{ type: string; message: string }>;
    expect(events.filter((e) => e.type === 'Tasks Started').map((e) => e.message).join('\n')).toMatch(/api: scaled to 5/);
  });

  it('a service another actor holds is left to it: the change is stored and answered all the same', async () => {
    await h.call({ method: 'POST', path: '/services', body: { name: 'held', cluster: 'prod', taskDefinition: 'web:1', desiredCount: 1 } });
    expect(await acquireLease(h.t.store.ctx, 'held', 'someone-else', 60_000)).toBe(true);
    const scaled = await h.call({ method: 'POST', path: '/services/held/scale', body: { desiredCount: 3 } });
    expect(scaled.status).toBe(200);
    expect(scaled.body.desiredCount).toBe(3);
    expect(liveInSim('held')).toHaveLength(1);
    await releaseLease(h.t.store.ctx, 'held', 'someone-else');
  });

  it('more than 50 starts are left to the reconciler (the API answers within its time limit)', async () => {
    const big = await h.call({ method: 'POST', path: '/services', body: { name: 'big', cluster: 'prod', taskDefinition: 'web:1', desiredCount: 60 } });
    expect(big.status).toBe(201);
    expect(liveInSim('big')).toHaveLength(0);
  });
});
