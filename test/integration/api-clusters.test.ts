/** /clusters: list, detail, and capacity settings against the Auto Scaling simulator. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { observedInstance } from '../helpers/specs';
import { STAGE, startApi, type ApiHarness } from './api-harness';

let h: ApiHarness;

const group = (name: string, tags: Record<string, string> = { 'shepherd:stage': STAGE }, min = 0, max = 10) =>
  h.sim.autoscaling.createGroup({ name, cluster: 'cap', instanceType: 'm5.large', availabilityZones: ['us-east-1a'], min, max, desired: min, tags });

const capacity = (autoScalingGroupName: string, over: Record<string, unknown> = {}) => ({ autoScalingGroupName, minSize: 1, maxSize: 6, targetUtilizationPercent: 80, ...over });

beforeAll(async () => {
  h = await startApi();
  await h.registerTaskDefinition();
});
afterAll(() => h.close());

describe('GET /clusters and /clusters/{name}', () => {
  it('lists clusters registered by creating services, and shows one with its instances, resources and services', async () => {
    await h.call({ method: 'POST', path: '/services', body: { name: 'a', cluster: 'c1', taskDefinition: 'web:1', desiredCount: 2 } });
    await h.call({ method: 'POST', path: '/services', body: { name: 'b', cluster: 'c1', taskDefinition: 'web:1', desiredCount: 1, paused: true } });
    await h.call({ method: 'POST', path: '/services', body: { name: 'c', cluster: 'c2', taskDefinition: 'web:1', desiredCount: 1 } });
    await h.t.store.instances.recordObserved(observedInstance({ cluster: 'c1', containerInstanceArn: 'arn:ci/1', remaining: { cpu: 1024, memory: 4096, ports: [] }, availabilityZone: 'us-east-1a' }));
    await h.t.store.instances.recordObserved(observedInstance({ cluster: 'c1', containerInstanceArn: 'arn:ci/2', remaining: { cpu: 512, memory: 1024, ports: [] } }));
    await h.t.store.instances.recordObserved(observedInstance({ cluster: 'c1', containerInstanceArn: 'arn:ci/3', status: 'DRAINING' }));

    const list = await h.call({ method: 'GET', path: '/clusters' });
    expect(list.status).toBe(200);
    expect(list.body.items.map((c: { name: string }) => c.name)).toEqual(['c1', 'c2']);
    const paged = await h.call({ method: 'GET', path: '/clusters', query: { limit: '1' } });
    expect(paged.body.items).toHaveLength(1);
    expect(paged.body.nextToken).toBeDefined();

    const a = await h.call({ method: 'GET', path: '/clusters/c1' });
    expect(a.status).toBe(200);
    expect(a.headers.etag).toBe('"1"');
    expect(a.body).toMatchObject({ name: 'c1', revision: 1 });
    expect(a.body.instances).toHaveLength(3);
    expect(a.body.instances[0]).toMatchObject({ containerInstanceArn: 'arn:ci/1', status: 'ACTIVE', agentConnected: true, availabilityZone: 'us-east-1a', registered: { cpu: 2048, memory: 7680 }, remaining: { cpu: 1024, memory: 4096 } });
    expect(a.body.resources).toEqual({ instances: 2, registered: { cpu: 4096, memory: 15360 }, remaining: { cpu: 1536, memory: 5120 } });
    expect(a.body.services.map((s: { name: string; paused: boolean }) => `${s.name}:${s.paused}`)).toEqual(['a:false', 'b:true']);
  });

  it('404 for an unknown cluster, 400 for an invalid name', async () => {
    expect((await h.call({ method: 'GET', path: '/clusters/nope' })).status).toBe(404);
    expect((await h.call({ method: 'GET', path: '/clusters/no%2Fpe' })).status).toBe(400);
  });
});

describe('PUT /clusters/{name}/capacity', () => {
  it('records the group, range and target for a group that is Shepherd\'s alone (registering the cluster)', async () => {
    group('asg-ok');
    const a = await h.call({ method: 'PUT', path: '/clusters/cap/capacity', body: capacity('asg-ok') });
    expect(a.status).toBe(200);
    expect(a.body).toMatchObject({ name: 'cap', capacity: capacity('asg-ok'), revision: 2 });
    expect(a.headers.etag).toBe('"2"');
    expect((await h.t.store.clusters.get('cap'))?.capacity).toEqual(capacity('asg-ok'));
    const stale = await h.call({ method: 'PUT', path: '/clusters/cap/capacity', body: capacity('asg-ok', { maxSize: 5 }), headers: { 'if-match': '"1"' } });
    expect(stale.status).toBe(412);
    const current = await h.call({ method: 'PUT', path: '/clusters/cap/capacity', body: capacity('asg-ok', { maxSize: 5 }), headers: { 'if-match': '"2"' } });
    expect(current.status).toBe(200);
    expect(current.body.capacity.maxSize).toBe(5);
  });

  it('refuses bad bodies: min > max, out of range, unknown fields, a group that does not exist', async () => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [capacity('asg-ok', { minSize: 7, maxSize: 6 }), 'body.minSize'],
      [capacity('asg-ok', { targetUtilizationPercent: 0 }), 'body.targetUtilizationPercent'],
      [capacity('asg-ok', { targetUtilizationPercent: 101 }), 'body.targetUtilizationPercent'],
      [capacity('asg-ok', { desired: 3 }), 'body.desired'],
      [capacity('no such group'), 'body.autoScalingGroupName'],
      [capacity('missing'), 'body.autoScalingGroupName'],
    ];
    for (const [b, field] of cases) {
      const a = await h.call({ method: 'PUT', path: '/clusters/cap/capacity', body: b });
      expect(a.status, JSON.stringify(b)).toBe(400);
      expect(a.body.errors[0].field).toBe(field);
    }
  });

  it('refuses (409) a group with scaling policies, ECS managed scaling, another stage\'s or no stage tag, a range outside the group\'s, or one sizing another cluster', async () => {
    group('asg-policy');
    h.sim.autoscaling.addPolicy('asg-policy', { PolicyName: 'cpu-target', PolicyType: 'TargetTrackingScaling' });
    group('asg-managed', { 'shepherd:stage': STAGE, AmazonECSManaged: '' });
    group('asg-other-stage', { 'shepherd:stage': 'prod' });
    group('asg-untagged', {});
    group('asg-narrow', { 'shepherd:stage': STAGE }, 2, 4);
    const cases: Array<[string, Record<string, unknown>, RegExp]> = [
      ['asg-policy', {}, /scaling policies \(cpu-target\)/],
      ['asg-managed', {}, /AmazonECSManaged/],
      ['asg-other-stage', {}, /shepherd:stage=test.*tagged for prod/],
      ['asg-untagged', {}, /shepherd:stage=test/],
      ['asg-narrow', {}, /allows 2–4 instances/],
      ['asg-ok', { name: 'elsewhere' }, /already sizes cluster cap/],
    ];
    for (const [g, opts, detail] of cases) {
      const cluster = (opts.name as string | undefined) ?? 'cap2';
      const a = await h.call({ method: 'PUT', path: `/clusters/${cluster}/capacity`, body: capacity(g) });
      expect(a.status, g).toBe(409);
      expect(a.body.detail).toMatch(detail);
    }
    expect((await h.t.store.clusters.get('cap2'))?.capacity).toBeUndefined();
    // Within the narrow group's own range it is fine.
    expect((await h.call({ method: 'PUT', path: '/clusters/cap2/capacity', body: capacity('asg-narrow', { minSize: 2, maxSize: 4 }) })).status).toBe(200);
  });
});

describe('capacity state and history', () => {
  it("shows the latest reservation and the cluster's Capacity Changed history; a cluster never seen is 404", async () => {
    group('hist-asg');
    const set = await h.call({ method: 'PUT', path: '/clusters/hist/capacity', body: capacity('hist-asg', { maxScalingStep: 4, scaleInAfterSeconds: 300 }) });
    expect(set.status).toBe(200);
    expect(set.body.capacity).toEqual({ autoScalingGroupName: 'hist-asg', minSize: 1, maxSize: 6, targetUtilizationPercent: 80, maxScalingStep: 4, scaleInAfterSeconds: 300 });
    const at = '2026-11-25T10:00:00.000Z';
    await h.t.store.clusters.recordCapacity(
      'hist',
      { reservation: { needed: 3, running: 2, percent: 150, desired: 3, at }, capacityState: { idleSince: {}, consolidatableSince: {}, drainingSince: { 'i-1': at } } },
      [{ id: 'capacity:1', type: 'Capacity Changed', subject: 'cluster:hist', time: at, message: 'desired capacity 2 → 3: 1 more host(s)', detail: { desiredBefore: 2, desiredAfter: 3 } }],
    );
    const got = await h.call({ method: 'GET', path: '/clusters/hist' });
    expect(got.body.reservation).toEqual({ needed: 3, running: 2, percent: 150, desired: 3, at });
    expect(got.body.capacityState.drainingSince).toEqual({ 'i-1': at });
    expect(got.headers.etag).toBe(set.headers.etag); // runtime fields do not change the ETag
    const events = await h.call({ method: 'GET', path: '/clusters/hist/events' });
    expect(events.status).toBe(200);
    expect(events.body.items).toEqual([expect.objectContaining({ type: 'Capacity Changed', subject: 'cluster:hist', detail: { desiredBefore: 2, desiredAfter: 3 } })]);
    const none = await h.call({ method: 'GET', path: '/clusters/never-seen/events' });
    expect(none.status).toBe(404);
    expect(none.headers['content-type']).toContain('application/problem+json');
  });

  it('refuses scaling limits out of range with the field named', async () => {
    group('lim-asg');
    const bad = await h.call({ method: 'PUT', path: '/clusters/lim/capacity', body: capacity('lim-asg', { maxScalingStep: 0, scaleInAfterSeconds: 5 }) });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['body.maxScalingStep', 'body.scaleInAfterSeconds']);
  });
});
