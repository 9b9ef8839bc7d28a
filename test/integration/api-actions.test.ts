/** scale / pause / resume / deploy over API Gateway v2 events. */
import { DeregisterTaskDefinitionCommand } from '@aws-sdk/client-ecs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_DEPLOYMENTS_KEPT } from '../../shared/core/service';
import { startApi, type ApiHarness } from './api-harness';

let h: ApiHarness;
const arns: string[] = [];

const create = (name: string, over: Record<string, unknown> = {}) =>
  h.call({ method: 'POST', path: '/services', body: { name, cluster: 'prod', taskDefinition: 'web:1', desiredCount: 2, ...over } });

beforeAll(async () => {
  h = await startApi();
  for (let i = 0; i < 8; i++) arns.push(await h.registerTaskDefinition());
});
afterAll(() => h.close());

describe('POST /services/{name}/scale', () => {
  it('sets desiredCount (a new revision); the same count again changes nothing', async () => {
    await create('s1');
    const a = await h.call({ method: 'POST', path: '/services/s1/scale', body: { desiredCount: 7 } });
    expect(a.status).toBe(200);
    expect(a.body).toMatchObject({ desiredCount: 7, revision: 2 });
    expect(a.headers.etag).toBe('"2"');
    const same = await h.call({ method: 'POST', path: '/services/s1/scale', body: { desiredCount: 7 } });
    expect(same.body.revision).toBe(2);
  });

  it('without If-Match, concurrent scales all apply (retrying lost races); with a stale one, 412', async () => {
    await create('s2');
    const results = await Promise.all([3, 4, 5, 6].map((n) => h.call({ method: 'POST', path: '/services/s2/scale', body: { desiredCount: n } })));
    expect(results.map((r) => r.status)).toEqual([200, 200, 200, 200]);
    const stored = await h.t.store.services.get('s2');
    expect(stored?.revision).toBe(5);
    expect(results.map((r) => r.body.desiredCount)).toContain(stored?.desiredCount);
    const stale = await h.call({ method: 'POST', path: '/services/s2/scale', body: { desiredCount: 1 }, headers: { 'if-match': '"1"' } });
    expect(stale.status).toBe(412);
    const current = await h.call({ method: 'POST', path: '/services/s2/scale', body: { desiredCount: 1 }, headers: { 'if-match': '"5"' } });
    expect(current.status).toBe(200);
  });

  it('refuses DAEMON services, counts out of range, missing bodies and unknown services', async () => {
    await h.call({ method: 'POST', path: '/services', body: { name: 'daemon', cluster: 'prod', taskDefinition: 'web:1', schedulingStrategy: 'DAEMON' } });
    const daemon = await h.call({ method: 'POST', path: '/services/daemon/scale', body: { desiredCount: 2 } });
    expect(daemon.status).toBe(400);
    expect(daemon.body.errors[0].field).toBe('body.desiredCount');
    for (const b of [{ desiredCount: -1 }, { desiredCount: 10_001 }, { desiredCount: '3' }, { desiredCount: 2, extra: 1 }, {}]) {
      const a = await h.call({ method: 'POST', path: '/services/s1/scale', body: b });
      expect(a.status, JSON.stringify(b)).toBe(400);
    }
    expect((await h.call({ method: 'POST', path: '/services/s1/scale' })).status).toBe(400);
    expect((await h.call({ method: 'POST', path: '/services/ghost/scale', body: { desiredCount: 1 } })).status).toBe(404);
  });
});

describe('pause and resume', () => {
  it('pause sets paused, again changes nothing; resume clears it; the body must be empty or {}', async () => {
    await create('pr');
    const p = await h.call({ method: 'POST', path: '/services/pr/pause' });
    expect(p.status).toBe(200);
    expect(p.body).toMatchObject({ paused: true, revision: 2 });
    expect((await h.call({ method: 'POST', path: '/services/pr/pause', body: {} })).body.revision).toBe(2);
    const r = await h.call({ method: 'POST', path: '/services/pr/resume' });
    expect(r.body).toMatchObject({ paused: false, revision: 3 });
    const withField = await h.call({ method: 'POST', path: '/services/pr/pause', body: { paused: true } });
    expect(withField.status).toBe(400);
    expect(withField.body.errors[0].field).toBe('body.paused');
    expect((await h.call({ method: 'POST', path: '/services/pr/resume', headers: { 'if-match': '"2"' } })).status).toBe(412);
    expect((await h.call({ method: 'GET', path: '/services/pr/pause' })).status).toBe(405);
  });
});

describe('POST /services/{name}/deploy', () => {
  it('records a new PRIMARY deployment d<revision> (202), demotes the old one, clears backoff; the same one again is 200', async () => {
    await create('dep');
    await h.t.store.services.setRuntime('dep', { backoff: { consecutiveFailures: 3, delayMs: 40_000, nextAttemptAt: '2030-01-01T00:00:00.000Z', lastFailureAt: '2029-12-31T23:59:20.000Z' } });
    const a = await h.call({ method: 'POST', path: '/services/dep/deploy', body: { taskDefinition: 'web:2' } });
    expect(a.status).toBe(202);
    expect(a.body.taskDefinition).toBe(arns[1]);
    expect(a.body.revision).toBe(2);
    expect(a.body.backoff).toBeUndefined();
    expect(a.body.deployments).toEqual([
      expect.objectContaining({ id: 'd2', taskDefinition: arns[1], status: 'PRIMARY', rolloutState: 'IN_PROGRESS', failedTasks: 0 }),
      expect.objectContaining({ id: 'd1', taskDefinition: arns[0], status: 'ACTIVE' }),
    ]);
    const again = await h.call({ method: 'POST', path: '/services/dep/deploy', body: { taskDefinition: arns[1] } });
    expect(again.status).toBe(200);
    expect(again.body.revision).toBe(2);
  });

  it(`keeps at most ${MAX_DEPLOYMENTS_KEPT} deployments, newest first`, async () => {
    await create('many');
    for (let i = 2; i <= 8; i++) expect((await h.call({ method: 'POST', path: '/services/many/deploy', body: { taskDefinition: `web:${i}` } })).status).toBe(202);
    const s = (await h.call({ method: 'GET', path: '/services/many' })).body;
    expect(s.deployments.map((d: { id: string }) => d.id)).toEqual(['d8', 'd7', 'd6', 'd5', 'd4']);
    expect(s.deployments.filter((d: { status: string }) => d.status === 'PRIMARY')).toHaveLength(1);
  });

  it('refuses an unknown or deregistered task definition, and a malformed reference', async () => {
    await create('dep2');
    const unknown = await h.call({ method: 'POST', path: '/services/dep2/deploy', body: { taskDefinition: 'web:99' } });
    expect(unknown.status).toBe(400);
    expect(unknown.body.errors[0].field).toBe('body.taskDefinition');
    const old = await h.registerTaskDefinition({ family: 'old' });
    await h.ecs.send(new DeregisterTaskDefinitionCommand({ taskDefinition: old }));
    const deregistered = await h.call({ method: 'POST', path: '/services/dep2/deploy', body: { taskDefinition: 'old:1' } });
    expect(deregistered.status).toBe(400);
    expect(deregistered.body.errors[0].message).toMatch(/INACTIVE/);
    const bad = await h.call({ method: 'POST', path: '/services/dep2/deploy', body: { taskDefinition: 'web:1:2' } });
    expect(bad.status).toBe(400);
    expect((await h.call({ method: 'POST', path: '/services/ghost/deploy', body: { taskDefinition: 'web:1' } })).status).toBe(404);
  });
});
