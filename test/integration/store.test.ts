import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConflictError, InvalidTokenError, NotFoundError, StaleVersionError } from '../../shared/store';
import { makeTestStore, type TestStore } from '../helpers/store';
import { observedInstance, observedTask, serviceSpec } from '../helpers/specs';

let t: TestStore;
const clock = new Date('2026-03-01T12:00:00.000Z');

beforeAll(async () => {
  t = await makeTestStore({ now: () => clock, taskTtlSeconds: 3600 });
});
afterAll(() => t.client.destroy());

describe('services: create-if-absent and update-if-revision', () => {
  it('creates a service at revision 1 with its first deployment, and refuses the same name again', async () => {
    const created = await t.store.services.create(serviceSpec({ name: 'api' }));
    expect(created.revision).toBe(1);
    expect(created.deployments).toEqual([
      expect.objectContaining({ taskDefinition: 'web:1', status: 'PRIMARY', rolloutState: 'IN_PROGRESS' }),
    ]);
    const again = t.store.services.create(serviceSpec({ name: 'api', desiredCount: 9 }));
    await expect(again).rejects.toBeInstanceOf(ConflictError);
    const err = (await again.catch((e: unknown) => e)) as ConflictError<{ desiredCount: number }>;
    expect(err.current?.desiredCount).toBe(3);
    expect((await t.store.services.get('api'))?.desiredCount).toBe(3);
  });

  it('N parallel writers on one revision: exactly one wins, the rest get a typed conflict with the winner', async () => {
    await t.store.services.create(serviceSpec({ name: 'race' }));
    const writers = Array.from({ length: 12 }, (_, i) => t.store.services.update('race', 1, { desiredCount: 10 + i }));
    const results = await Promise.allSettled(writers);
    const won = results.filter((r) => r.status === 'fulfilled');
    const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(11);
    for (const l of lost) expect(l.reason).toBeInstanceOf(ConflictError);
    const stored = await t.store.services.get('race');
    expect(stored?.revision).toBe(2);
    const winner = (won[0] as PromiseFulfilledResult<{ desiredCount: number }>).value;
    expect(stored?.desiredCount).toBe(winner.desiredCount);
    expect((lost[0]?.reason as ConflictError<{ revision: number }>).current?.revision).toBe(2);
  });

  it('an update with a stale revision changes nothing', async () => {
    await t.store.services.create(serviceSpec({ name: 'stale' }));
    await t.store.services.update('stale', 1, { desiredCount: 5 });
    await expect(t.store.services.update('stale', 1, { desiredCount: 7 })).rejects.toBeInstanceOf(ConflictError);
    expect((await t.store.services.get('stale'))?.desiredCount).toBe(5);
  });

  it('updating or deleting a missing service is NotFound, not a conflict', async () => {
    await expect(t.store.services.update('ghost', 1, { desiredCount: 1 })).rejects.toBeInstanceOf(NotFoundError);
    await expect(t.store.services.delete('ghost')).rejects.toBeInstanceOf(NotFoundError);
  });

  it('runtime fields change without bumping the revision, so they never invalidate a client ETag', async () => {
    await t.store.services.create(serviceSpec({ name: 'rt' }));
    const backoff = { consecutiveFailures: 2, delayMs: 20_000, nextAttemptAt: '2026-03-01T12:00:20.000Z', lastFailureAt: '2026-03-01T12:00:00.000Z' };
    const s = await t.store.services.setRuntime('rt', { backoff });
    expect(s.revision).toBe(1);
    expect(s.backoff).toEqual(backoff);
    const updated = await t.store.services.update('rt', 1, { desiredCount: 4 });
    expect(updated.backoff).toEqual(backoff);
    await expect(t.store.services.setRuntime('rt', { unplaced: { count: 1, reasons: ['RESOURCE:CPU'], since: 'x' } }, { ifRevision: 1 })).rejects.toBeInstanceOf(ConflictError);
  });

  it('deletes only at the expected revision', async () => {
    await t.store.services.create(serviceSpec({ name: 'del' }));
    await t.store.services.update('del', 1, { desiredCount: 0 });
    await expect(t.store.services.delete('del', 1)).rejects.toBeInstanceOf(ConflictError);
    await t.store.services.delete('del', 2);
    expect(await t.store.services.get('del')).toBeUndefined();
  });

  it('lists services by cluster and overall, in bounded pages that chain', async () => {
    for (const n of ['p1', 'p2', 'p3', 'p4', 'p5']) await t.store.services.create(serviceSpec({ name: n, cluster: 'paged' }));
    await t.store.services.create(serviceSpec({ name: 'other-cluster', cluster: 'elsewhere' }));
    const names: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const page = await t.store.services.list({ cluster: 'paged', limit: 2, ...(token ? { nextToken: token } : {}) });
      expect(page.items.length).toBeLessThanOrEqual(2);
      names.push(...page.items.map((s) => s.name));
      token = page.nextToken;
      pages++;
    } while (token);
    expect(names).toEqual(['p1', 'p2', 'p3', 'p4', 'p5']);
    expect(pages).toBeGreaterThanOrEqual(3);
    const all = await t.store.services.list({ limit: 100 });
    expect(all.items.map((s) => s.name)).toContain('other-cluster');
  });

  it('rejects a pagination token it did not issue, or one from another listing', async () => {
    await expect(t.store.services.list({ nextToken: 'garbage' })).rejects.toBeInstanceOf(InvalidTokenError);
    // A well-formed token with the right scope but a key outside the listed partition.
    const forged = Buffer.from(JSON.stringify({ s: 'byCluster|CLUSTER#paged|SVC#', k: { pk: { S: 'SVC#x' }, sk: { S: '#SERVICE' }, gsi1pk: { S: 'CLUSTER#elsewhere' }, gsi1sk: { S: 'SVC#x' } } })).toString('base64url');
    await expect(t.store.services.list({ cluster: 'paged', nextToken: forged })).rejects.toBeInstanceOf(InvalidTokenError);
    expect((await t.store.services.list({ cluster: 'paged', limit: Number.NaN })).items.length).toBeGreaterThan(0);
    const page = await t.store.services.list({ cluster: 'paged', limit: 1 });
    expect(page.nextToken).toBeDefined();
    await expect(t.store.services.list({ cluster: 'elsewhere', nextToken: page.nextToken })).rejects.toBeInstanceOf(InvalidTokenError);
  });
});

describe('observed state: put-if-newer-version', () => {
  it('out-of-order writes keep the highest detail.version, whatever order they land in', async () => {
    const arn = 'arn:aws:ecs:us-east-1:123456789012:task/prod/ooo';
    const versions = [3, 1, 5, 2, 4, 5, 1];
    const outcomes = await Promise.allSettled(
      versions.map((v) => t.store.tasks.recordObserved(observedTask({ taskArn: arn, version: v, lastStatus: v === 5 ? 'STOPPED' : 'RUNNING' }))),
    );
    for (const o of outcomes) if (o.status === 'rejected') expect(o.reason).toBeInstanceOf(StaleVersionError);
    const stored = await t.store.tasks.get('web', arn);
    expect(stored?.version).toBe(5);
    expect(stored?.lastStatus).toBe('STOPPED');
  });

  it('the same version delivered twice at the same moment is applied exactly once', async () => {
    const arn = 'arn:aws:ecs:us-east-1:123456789012:task/prod/dup';
    const results = await Promise.allSettled([1, 2].map(() => t.store.tasks.recordObserved(observedTask({ taskArn: arn, version: 7 }))));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const rejected = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(rejected?.reason).toBeInstanceOf(StaleVersionError);
    expect((rejected?.reason as StaleVersionError<{ version: number }>).current?.version).toBe(7);
  });

  it('keeps fields other writers own (stop intent) when a newer observation lands', async () => {
    const arn = 'arn:aws:ecs:us-east-1:123456789012:task/prod/intent';
    await t.store.tasks.recordObserved(observedTask({ taskArn: arn, version: 1 }));
    // Another writer (a scale-in) marks the task; an observation then lands.
    const { UpdateItemCommand } = await import('@aws-sdk/client-dynamodb');
    await t.client.send(
      new UpdateItemCommand({
        TableName: t.tableName,
        Key: { pk: { S: 'SVC#web' }, sk: { S: `TASK#${arn}` } },
        UpdateExpression: 'SET stopIntent = :i',
        ExpressionAttributeValues: { ':i': { S: 'scale-in' } },
      }),
    );
    const after = await t.store.tasks.recordObserved(observedTask({ taskArn: arn, version: 2, lastStatus: 'STOPPED', stopCode: 'UserInitiated' }));
    expect(after.stopIntent).toBe('scale-in');
    expect(after.stopCode).toBe('UserInitiated');
  });

  it('a stopped task gets an expiry after the task TTL; a running one has none', async () => {
    const arn = 'arn:aws:ecs:us-east-1:123456789012:task/prod/ttl';
    await t.store.tasks.recordObserved(observedTask({ taskArn: arn, version: 1 }));
    const { GetItemCommand } = await import('@aws-sdk/client-dynamodb');
    const key = { pk: { S: 'SVC#web' }, sk: { S: `TASK#${arn}` } };
    let raw = await t.client.send(new GetItemCommand({ TableName: t.tableName, Key: key }));
    expect(raw.Item?.expiresAt).toBeUndefined();
    await t.store.tasks.recordObserved(observedTask({ taskArn: arn, version: 2, lastStatus: 'STOPPED' }));
    raw = await t.client.send(new GetItemCommand({ TableName: t.tableName, Key: key }));
    expect(Number(raw.Item?.expiresAt?.N)).toBe(Math.floor(clock.getTime() / 1000) + 3600);
  });

  it('lists a cluster\'s tasks across services and a service\'s tasks', async () => {
    await t.store.tasks.recordObserved(observedTask({ taskArn: 'arn:t/c1-a', service: 'svc-a', cluster: 'c1', version: 1 }));
    await t.store.tasks.recordObserved(observedTask({ taskArn: 'arn:t/c1-b', service: 'svc-b', cluster: 'c1', version: 1 }));
    await t.store.tasks.recordObserved(observedTask({ taskArn: 'arn:t/c2-a', service: 'svc-a', cluster: 'c2', version: 1 }));
    const c1 = await t.store.tasks.listByCluster('c1');
    expect(c1.items.map((x) => x.taskArn).sort()).toEqual(['arn:t/c1-a', 'arn:t/c1-b']);
    const a = await t.store.tasks.listByService('svc-a');
    expect(a.items.map((x) => x.taskArn).sort()).toEqual(['arn:t/c1-a', 'arn:t/c2-a']);
  });

  it('container instances: newer versions win and resources are replaced, not merged', async () => {
    expect((await t.store.instances.recordObserved(observedInstance({ version: 4, remaining: { cpu: 1024, memory: 4096, ports: [22, 80] } }))).previous).toBeUndefined();
    await expect(t.store.instances.recordObserved(observedInstance({ version: 3, status: 'DRAINING' }))).rejects.toBeInstanceOf(StaleVersionError);
    const change = await t.store.instances.recordObserved(observedInstance({ version: 5, status: 'DRAINING', remaining: { cpu: 2048, memory: 7680, ports: [22] } }));
    expect(change.previous).toMatchObject({ status: 'ACTIVE', version: 4 });
    const after = await t.store.instances.get('prod', observedInstance().containerInstanceArn);
    expect(after?.status).toBe('DRAINING');
    expect(after?.remaining).toEqual({ cpu: 2048, memory: 7680, ports: [22] });
    const listed = await t.store.instances.listByCluster('prod');
    expect(listed.items).toHaveLength(1);
  });
});

describe('clusters and history', () => {
  it('registers a cluster once and sets capacity only at the expected revision', async () => {
    const c = await t.store.clusters.ensure('cap');
    expect(c.revision).toBe(1);
    expect((await t.store.clusters.ensure('cap')).revision).toBe(1);
    const capacity = { autoScalingGroupName: 'asg-1', minSize: 1, maxSize: 10, targetUtilizationPercent: 80 };
    const updated = await t.store.clusters.setCapacity('cap', 1, capacity);
    expect(updated.capacity).toEqual(capacity);
    await expect(t.store.clusters.setCapacity('cap', 1, undefined)).rejects.toBeInstanceOf(ConflictError);
    expect((await t.store.clusters.list()).items.map((x) => x.name)).toContain('cap');
  });

  it('history sorts by time whatever precision the timestamps carry', async () => {
    const base = { subject: 'precise', message: 'm', detail: {} };
    await t.store.history.append({ ...base, id: 'later', type: 'B', time: '2026-03-01T12:00:42.015Z' });
    await t.store.history.append({ ...base, id: 'earlier', type: 'A', time: '2026-03-01T12:00:42Z' });
    expect((await t.store.history.list('precise')).items.map((e) => e.id)).toEqual(['later', 'earlier']);
  });

  it('a deregistered container instance\'s record expires', async () => {
    const arn = 'arn:aws:ecs:us-east-1:123456789012:container-instance/gone/1';
    await t.store.instances.recordObserved(observedInstance({ containerInstanceArn: arn, cluster: 'gone', version: 1 }));
    await t.store.instances.recordObserved(observedInstance({ containerInstanceArn: arn, cluster: 'gone', version: 2, status: 'INACTIVE' }));
    const raw = await t.client.send(new GetItemCommand({ TableName: t.tableName, Key: { pk: { S: 'CLUSTER#gone' }, sk: { S: `CI#${arn}` } } }));
    expect(Number(raw.Item?.expiresAt?.N)).toBe(Math.floor(clock.getTime() / 1000) + 3600);
  });

  it('history is newest first, idempotent per event id, and expires', async () => {
    const base = { subject: 'hist', message: 'm', detail: {} };
    expect(await t.store.history.append({ ...base, id: 'e1', type: 'Task Stopped', time: '2026-03-01T12:00:01.000Z' })).toBe(true);
    expect(await t.store.history.append({ ...base, id: 'e2', type: 'Task Replaced', time: '2026-03-01T12:00:02.000Z' })).toBe(true);
    expect(await t.store.history.append({ ...base, id: 'e1', type: 'Task Stopped', time: '2026-03-01T12:00:01.000Z' })).toBe(false);
    const page = await t.store.history.list('hist');
    expect(page.items.map((e) => e.id)).toEqual(['e2', 'e1']);
  });

});

