/**
 * When DynamoDB or an AWS API fails, the API answers 503 with Retry-After (never a bare 500,
 * never a 4xx that blames the client), and logs the failure with the request id.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createApiHandler } from '../../shared/api/handler';
import { logger } from '../../shared/log';
import { createStore } from '../../shared/store';
import { answer, startApi, type ApiHarness } from './api-harness';

let h: ApiHarness;

beforeAll(async () => {
  h = await startApi();
  await h.registerTaskDefinition();
  await h.call({ method: 'POST', path: '/services', body: { name: 'web', cluster: 'prod', taskDefinition: 'web:1', desiredCount: 1 } });
});
afterAll(() => h.close());
afterEach(() => {
  h.sim.faults.clear();
  vi.restoreAllMocks();
});

describe('dependency failures', () => {
  it('a missing table: 503 with Retry-After, logged with the request id', async () => {
    const errors = vi.spyOn(logger, 'error').mockImplementation(() => undefined);
    const broken = createApiHandler({ ...h.deps, store: createStore({ client: h.t.client, tableName: 'no-such-table' }) });
    const a = await answer(broken, { method: 'GET', path: '/services/web' });
    expect(a.status).toBe(503);
    expect(a.headers['retry-after']).toBe('1');
    expect(a.body).toMatchObject({ type: 'urn:shepherd:problem:service-unavailable', status: 503 });
    expect(a.body.detail).toMatch(/ResourceNotFoundException/);
    expect(errors).toHaveBeenCalledTimes(1);
    const [message, fields] = errors.mock.calls[0] as [string, { requestId: string; status: number }];
    expect(message).toBe('request failed');
    expect(fields.requestId).toBe(a.body.requestId);
    expect(fields.status).toBe(503);
  });

  it('DynamoDB unreachable: 503', async () => {
    vi.spyOn(logger, 'error').mockImplementation(() => undefined);
    const client = new DynamoDBClient({ endpoint: 'http://127.0.0.1:9', region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' }, maxAttempts: 1 });
    const broken = createApiHandler({ ...h.deps, store: createStore({ client, tableName: h.t.tableName }) });
    const a = await answer(broken, { method: 'POST', path: '/services/web/scale', body: { desiredCount: 2 } });
    client.destroy();
    expect(a.status).toBe(503);
    expect(a.headers['retry-after']).toBeDefined();
  });

  it('ECS failing (5xx) or throttling: 503, and nothing is written', async () => {
    vi.spyOn(logger, 'error').mockImplementation(() => undefined);
    h.sim.faults.set('ecs', { serverErrorRate: 1 });
    const a = await h.call({ method: 'POST', path: '/services', body: { name: 'new', cluster: 'prod', taskDefinition: 'web:1', desiredCount: 1 } });
    expect(a.status).toBe(503);
    expect(await h.t.store.services.get('new')).toBeUndefined();
    h.sim.faults.set('ecs', { throttleRate: 1 });
    const t = await h.call({ method: 'POST', path: '/task-definitions', body: { family: 'x', containerDefinitions: [{ name: 'a', image: 'a', memory: 64 }] } });
    expect(t.status).toBe(503);
    expect(t.headers['retry-after']).toBe('2');
    expect(t.body.detail).toMatch(/Throttling/);
  });

  it('Auto Scaling failing: 503', async () => {
    vi.spyOn(logger, 'error').mockImplementation(() => undefined);
    h.sim.faults.set('autoscaling', { serverErrorRate: 1 });
    const a = await h.call({ method: 'PUT', path: '/clusters/prod/capacity', body: { autoScalingGroupName: 'g', minSize: 0, maxSize: 1, targetUtilizationPercent: 50 } });
    expect(a.status).toBe(503);
  });

  it('a force delete whose StopTask fails keeps the service, so a retry can finish it', async () => {
    vi.spyOn(logger, 'error').mockImplementation(() => undefined);
    await h.registerInstance('prod', 'i-1');
    const arn = (await h.t.store.services.get('web'))?.taskDefinition ?? '';
    await h.runManagedTask('web', 'prod', arn);
    h.sim.faults.set('ecs', { serverErrorRate: 1, actions: ['StopTask'] });
    expect((await h.call({ method: 'DELETE', path: '/services/web', query: { force: 'true' } })).status).toBe(503);
    expect(await h.t.store.services.get('web')).toBeDefined();
    h.sim.faults.clear();
    const retry = await h.call({ method: 'DELETE', path: '/services/web', query: { force: 'true' } });
    expect(retry.status).toBe(200);
    expect(retry.body.stoppedTasks).toHaveLength(1);
  });
});
