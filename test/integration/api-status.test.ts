/** GET /services/{name}/status and /events: desired against observed, from the store alone. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { observedInstance } from '../helpers/specs';
import { startApi, type ApiHarness } from './api-harness';

let h: ApiHarness;
let v1: string;
let v2: string;
const cluster = 'st';

beforeAll(async () => {
  h = await startApi();
  v1 = await h.registerTaskDefinition();
  v2 = await h.registerTaskDefinition();
  await h.registerInstance(cluster, 'i-a', 'us-east-1a');
  await h.registerInstance(cluster, 'i-b', 'us-east-1b');
});
afterAll(() => h.close());

describe('GET /services/{name}/status', () => {
  it('counts running and pending tasks per task definition revision, instance and zone, with deployments, backoff, unplaced and events', async () => {
    expect((await h.call({ method: 'POST', path: '/services', body: { name: 'st', cluster, taskDefinition: 'web:1', desiredCount: 4, placementStrategy: [{ type: 'spread', field: 'attribute:ecs.availability-zone' }] } })).status).toBe(201);
    expect((await h.call({ method: 'POST', path: '/services/st/deploy', body: { taskDefinition: 'web:2' } })).status).toBe(202);
    const t1 = await h.runManagedTask('st', cluster, v1);
    const t2 = await h.runManagedTask('st', cluster, v1);
    const t3 = await h.runManagedTask('st', cluster, v2);
    const t4 = await h.runManagedTask('st', cluster, v2);
    await h.t.store.tasks.recordObserved({ ...t3, lastStatus: 'PENDING', version: t3.version + 100 });
    await h.t.store.tasks.recordObserved({ ...t4, lastStatus: 'STOPPED', desiredStatus: 'STOPPED', version: t4.version + 100 });
    const unplaced = { count: 1, reasons: ['RESOURCE:MEMORY'], since: '2026-01-01T00:00:00.000Z' };
    await h.t.store.services.setRuntime('st', { unplaced });
    for (let i = 0; i < 12; i++) {
      await h.t.store.history.append({ id: `e${i}`, type: 'Task Stopped', subject: 'st', time: `2026-01-01T00:00:${String(i).padStart(2, '0')}.000Z`, message: `m${i}`, detail: {} });
    }

    const a = await h.call({ method: 'GET', path: '/services/st/status' });
    expect(a.status).toBe(200);
    const s = a.body;
    expect(s).toMatchObject({ name: 'st', cluster, status: 'ACTIVE', desiredCount: 4, runningCount: 2, pendingCount: 1, revision: 2, unplaced });
    expect(s.tasks.byLastStatus).toEqual({ RUNNING: 2, PENDING: 1, STOPPED: 1 });
    expect(s.tasks.byTaskDefinition).toEqual([
      { taskDefinition: v1, revision: 1, running: 2, pending: 0 },
      { taskDefinition: v2, revision: 2, running: 0, pending: 1 },
    ]);
    const live = [t1, t2, t3];
    const perInstance = new Map<string, { running: number; pending: number }>();
    const perZone = new Map<string, { running: number; pending: number }>();
    for (const t of live) {
      const k = t === t3 ? 'pending' : 'running';
      for (const [m, key] of [[perInstance, t.containerInstanceArn ?? ''], [perZone, t.availabilityZone ?? '']] as const) {
        const row = m.get(key) ?? { running: 0, pending: 0 };
        row[k]++;
        m.set(key, row);
      }
    }
    expect(s.tasks.byContainerInstance).toEqual([...perInstance].sort().map(([containerInstanceArn, c]) => ({ containerInstanceArn, ...c })));
    expect(s.tasks.byAvailabilityZone).toEqual([...perZone].sort().map(([availabilityZone, c]) => ({ availabilityZone, ...c })));
    expect(s.tasks.byAvailabilityZone.length).toBeGreaterThan(0);
    expect(s.deploymentInProgress).toMatchObject({ id: 'd2', taskDefinition: v2, status: 'PRIMARY' });
    expect(s.deployments.map((d: { id: string }) => d.id)).toEqual(['d2', 'd1']);
    // The deploy above wrote `Deployment Started` now, after the synthetic events' 2026-01-01 times.
    expect(s.events.map((e: { id: string }) => e.id)).toEqual(['d2:started', 'e11', 'e10', 'e9', 'e8', 'e7', 'e6', 'e5', 'e4', 'e3']);
    expect(s.backoff).toBeUndefined();
  });

  it('a DAEMON service wants one task per ACTIVE, connected instance the store knows', async () => {
    await h.call({ method: 'POST', path: '/services', body: { name: 'agent', cluster: 'dmn', taskDefinition: 'web:1', schedulingStrategy: 'DAEMON' } });
    await h.t.store.instances.recordObserved(observedInstance({ cluster: 'dmn', containerInstanceArn: 'arn:ci/1' }));
    await h.t.store.instances.recordObserved(observedInstance({ cluster: 'dmn', containerInstanceArn: 'arn:ci/2' }));
    await h.t.store.instances.recordObserved(observedInstance({ cluster: 'dmn', containerInstanceArn: 'arn:ci/3', status: 'DRAINING' }));
    await h.t.store.instances.recordObserved(observedInstance({ cluster: 'dmn', containerInstanceArn: 'arn:ci/4', agentConnected: false }));
    const a = await h.call({ method: 'GET', path: '/services/agent/status' });
    expect(a.body.desiredCount).toBe(2);
    expect(a.body.runningCount).toBe(0);
  });

  it('404 for an unknown service', async () => {
    expect((await h.call({ method: 'GET', path: '/services/ghost/status' })).status).toBe(404);
  });
});

describe('GET /services/{name}/events', () => {
  it('pages the history newest first', async () => {
    const ids: string[] = [];
    let nextToken: string | undefined;
    do {
      const a = await h.call({ method: 'GET', path: '/services/st/events', query: { limit: '5', ...(nextToken ? { nextToken } : {}) } });
      expect(a.status).toBe(200);
      ids.push(...a.body.items.map((e: { id: string }) => e.id));
      nextToken = a.body.nextToken;
    } while (nextToken);
    expect(ids).toEqual(['d2:started', ...Array.from({ length: 12 }, (_, i) => `e${11 - i}`)]);
  });

  it('404 for a service that never existed; a deleted one keeps its history; bad tokens are 400', async () => {
    expect((await h.call({ method: 'GET', path: '/services/ghost/events' })).status).toBe(404);
    await h.call({ method: 'DELETE', path: '/services/st', query: { force: 'true' } });
    const after = await h.call({ method: 'GET', path: '/services/st/events', query: { limit: '1' } });
    expect(after.status).toBe(200);
    expect(after.body.items[0].id).toBe('d2:started');
    expect((await h.call({ method: 'GET', path: '/services/st/events', query: { nextToken: 'x' } })).status).toBe(400);
  });
});
