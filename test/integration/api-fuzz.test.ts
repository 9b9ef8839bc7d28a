/**
 * Property: whatever arrives — any method, path, query string, headers or body, valid or not —
 * the API never answers 5xx, every error is problem+json with its status, a 405 names what is
 * allowed, and every answer is one GET /openapi.json documents (checked in answer()).
 * Runs against DynamoDB Local and the simulator, so valid requests really create, change and
 * delete services while the malformed ones fly.
 */
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { logger } from '../../shared/log';
import { answer, apiEvent, STAGE, startApi, type ApiHarness } from './api-harness';

const RUNS = Number(process.env.API_FUZZ_RUNS ?? 10_000);

let h: ApiHarness;

beforeAll(async () => {
  h = await startApi();
  await h.registerTaskDefinition();
  await h.registerTaskDefinition({ family: 'api' });
  h.sim.autoscaling.createGroup({ name: 'fuzz-asg', cluster: 'prod', instanceType: 'm5.large', availabilityZones: ['us-east-1a'], min: 0, max: 10, desired: 0, tags: { 'shepherd:stage': STAGE } });
  for (const name of ['web', 'api']) {
    await h.call({ method: 'POST', path: '/services', body: { name, cluster: 'prod', taskDefinition: `${name}:1`, desiredCount: 2 } });
  }
});
afterAll(() => h.close());

// ---- generators ----

const knownName = fc.constantFrom('web', 'api', 'ghost', 'prod', 'default', 'fuzz-asg');
const validName = fc.stringMatching(/^[A-Za-z0-9_-]{1,40}$/);
const nastyName = fc.oneof(
  fc.string({ maxLength: 30 }).map(encodeURIComponent),
  fc.constantFrom('%', '%E0%A4%A', '..', '.', '%2F', 'a%20b', 'x'.repeat(256), '__proto__', 'constructor', '%00', '😀'),
);
const segment = fc.oneof({ weight: 4, arbitrary: knownName }, { weight: 2, arbitrary: validName }, { weight: 2, arbitrary: nastyName });

const TEMPLATES = [
  '/services',
  '/services/{}',
  '/services/{}/scale',
  '/services/{}/pause',
  '/services/{}/resume',
  '/services/{}/deploy',
  '/services/{}/status',
  '/services/{}/events',
  '/task-definitions',
  '/task-definitions/{}',
  '/clusters',
  '/clusters/{}',
  '/clusters/{}/capacity',
  '/openapi.json',
];
const path = fc.oneof(
  { weight: 8, arbitrary: fc.tuple(fc.constantFrom(...TEMPLATES), segment, fc.boolean()).map(([t, s, slash]) => t.replace('{}', s) + (slash ? '/' : '')) },
  { weight: 2, arbitrary: fc.array(segment, { minLength: 0, maxLength: 5 }).map((parts) => `/${parts.join('/')}`) },
  { weight: 1, arbitrary: fc.constantFrom('/', '//services', '/services//scale', '/SERVICES', '/services/web/scale/extra', '/openapi.json/x') },
);

const method = fc.oneof(
  { weight: 10, arbitrary: fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE') },
  { weight: 1, arbitrary: fc.constantFrom('HEAD', 'OPTIONS', 'TRACE', 'get', 'CONNECT') },
  { weight: 1, arbitrary: fc.stringMatching(/^[A-Za-z_]{1,10}$/) },
);

const queryValue = fc.oneof(
  fc.integer({ min: -5, max: 200 }).map(String),
  fc.constantFrom('true', 'false', 'ASC', 'DESC', 'ACTIVE', 'INACTIVE', 'prod', '', '1e2', '0x10', 'NaN'),
  fc.string({ maxLength: 40 }),
);
const query = fc.option(
  fc.dictionary(fc.oneof(fc.constantFrom('limit', 'nextToken', 'cluster', 'force', 'status', 'sort'), fc.string({ minLength: 1, maxLength: 10 })), queryValue, { maxKeys: 3 }),
  { nil: undefined },
);

const int = fc.oneof(fc.integer({ min: -10, max: 12_000 }), fc.double(), fc.constantFrom(0, 1, 3, 100, 200, 10_000, Number.MAX_SAFE_INTEGER));
const serviceBody = fc.record(
  {
    name: fc.oneof(knownName, validName, fc.string({ maxLength: 20 })),
    cluster: fc.constantFrom('prod', 'fuzz', 'bad name'),
    taskDefinition: fc.constantFrom('web:1', 'api:1', 'web', 'nope:3', 'web:x'),
    desiredCount: int,
    schedulingStrategy: fc.constantFrom('REPLICA', 'DAEMON', 'OTHER'),
    launchType: fc.constantFrom('EC2', 'FARGATE', 'SPOT'),
    placementStrategy: fc.array(fc.record({ type: fc.constantFrom('spread', 'binpack', 'random', 'x'), field: fc.constantFrom('instanceId', 'cpu', 'attribute:ecs.availability-zone', 'disk') }, { requiredKeys: ['type'] }), { maxLength: 6 }),
    placementConstraints: fc.array(fc.record({ type: fc.constantFrom('distinctInstance', 'memberOf'), expression: fc.string({ maxLength: 30 }) }, { requiredKeys: ['type'] }), { maxLength: 3 }),
    deploymentConfiguration: fc.record({ minimumHealthyPercent: int, maximumPercent: int }, { requiredKeys: [] }),
    tags: fc.dictionary(fc.string({ maxLength: 10 }), fc.string({ maxLength: 10 }), { maxKeys: 3 }),
    paused: fc.oneof(fc.boolean(), fc.constant('yes')),
  },
  { requiredKeys: ['name', 'taskDefinition'] },
);
const patchBody = fc.record({ desiredCount: int, paused: fc.boolean(), launchType: fc.constantFrom('EC2', null), taskDefinition: fc.constantFrom('web:1', 'web', 'api:1'), tags: fc.constant({ a: 'b' }) }, { requiredKeys: [] });
const taskDefinitionBody = fc.record(
  {
    family: fc.oneof(fc.constantFrom('web', 'fuzz'), fc.string({ maxLength: 10 })),
    containerDefinitions: fc.array(
      fc.record({ name: fc.constantFrom('app', 'side', ''), image: fc.constantFrom('nginx', 'a b', ''), memory: int, cpu: int, essential: fc.boolean() }, { requiredKeys: ['name', 'image'] }),
      { maxLength: 3 },
    ),
    networkMode: fc.constantFrom('bridge', 'awsvpc', 'nat'),
  },
  { requiredKeys: ['family', 'containerDefinitions'] },
);
const capacityBody = fc.record(
  { autoScalingGroupName: fc.constantFrom('fuzz-asg', 'missing', ''), minSize: int, maxSize: int, targetUtilizationPercent: int },
  { requiredKeys: [] },
);

/** A body and the content type it is sent with. */
const body = fc.oneof(
  { weight: 3, arbitrary: fc.constant(undefined) },
  { weight: 3, arbitrary: serviceBody },
  { weight: 2, arbitrary: patchBody },
  { weight: 2, arbitrary: fc.record({ desiredCount: int }) },
  { weight: 1, arbitrary: fc.record({ taskDefinition: fc.constantFrom('web:1', 'api:1', 'web', 'x') }) },
  { weight: 1, arbitrary: taskDefinitionBody },
  { weight: 1, arbitrary: capacityBody },
  { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 4 }) },
  { weight: 1, arbitrary: fc.string({ maxLength: 50 }).map((s) => ({ raw: s })) },
  { weight: 1, arbitrary: fc.constantFrom({ raw: '{"name": "web"' }, { raw: 'null' }, { raw: '[]' }, { raw: 'x'.repeat(70_000) }, { raw: JSON.stringify({ name: 'web', tags: { a: 'x'.repeat(66_000) } }) }) },
);

const headers = fc.record(
  {
    'content-type': fc.constantFrom('application/json', 'application/json; charset=utf-8', 'application/merge-patch+json', 'text/plain', 'application/x-www-form-urlencoded', ''),
    'if-match': fc.constantFrom('"1"', '"2"', '"3"', '*', 'W/"1"', '1', '"1", "2"', '', 'garbage "'),
  },
  { requiredKeys: [] },
);

/** Anything at all. */
const randomRequest = fc.record({ method, path, query, body, headers, base64: fc.boolean() });

/** Aimed at a real route with its own method and a body of its kind (often valid, sometimes not). */
const existing = fc.constantFrom('web', 'api');
/** Services aimed requests create and delete (web and api stay, so changes to them land). */
const pool = fc.constantFrom('p1', 'p2', 'p3', 'p4');
const validServiceBody = fc.record(
  {
    name: pool,
    cluster: fc.constantFrom('prod', 'fuzz'),
    taskDefinition: fc.constantFrom('web:1', 'web', 'api:1'),
    desiredCount: fc.integer({ min: 0, max: 20 }),
    placementStrategy: fc.constantFrom([], [{ type: 'spread', field: 'attribute:ecs.availability-zone' }], [{ type: 'binpack', field: 'memory' }]),
    deploymentConfiguration: fc.record({ minimumHealthyPercent: fc.integer({ min: 0, max: 100 }), maximumPercent: fc.integer({ min: 100, max: 200 }) }, { requiredKeys: [] }),
    tags: fc.constantFrom({}, { team: 'a' }),
    paused: fc.boolean(),
  },
  { requiredKeys: ['name', 'cluster', 'taskDefinition', 'desiredCount'] },
);
const aimed = fc.oneof(
  fc.record({ method: fc.constant('POST'), path: fc.constant('/services'), body: fc.oneof(validServiceBody, serviceBody) }),
  fc.record({ method: fc.constant('GET'), path: fc.oneof(fc.constant('/services'), fc.constant('/clusters'), existing.map((n) => `/services/${n}`), existing.map((n) => `/services/${n}/status`), existing.map((n) => `/services/${n}/events`), fc.constantFrom('/clusters/prod', '/task-definitions/web', '/openapi.json')) }),
  fc.record({ method: fc.constant('PATCH'), path: fc.oneof(existing, pool).map((n) => `/services/${n}`), body: patchBody }),
  fc.record({ method: fc.constant('POST'), path: existing.map((n) => `/services/${n}/scale`), body: fc.record({ desiredCount: fc.oneof(fc.integer({ min: 0, max: 20 }), int) }) }),
  fc.record({ method: fc.constant('POST'), path: fc.tuple(existing, fc.constantFrom('pause', 'resume')).map(([n, a]) => `/services/${n}/${a}`) }),
  fc.record({ method: fc.constant('POST'), path: existing.map((n) => `/services/${n}/deploy`), body: fc.record({ taskDefinition: fc.constantFrom('web:1', 'web:2', 'api:1', 'web', 'nope:1') }) }),
  fc.record({ method: fc.constant('POST'), path: fc.constant('/task-definitions'), body: taskDefinitionBody }),
  fc.record({ method: fc.constant('PUT'), path: fc.constantFrom('/clusters/prod/capacity', '/clusters/fuzz/capacity'), body: capacityBody }),
  fc.record({ method: fc.constant('DELETE'), path: pool.map((n) => `/services/${n}`), query: fc.option(fc.record({ force: fc.constantFrom('true', 'false') }), { nil: undefined }) }),
);
const aimedRequest = fc
  .tuple(aimed, query, fc.option(fc.constantFrom('"1"', '"2"', '*'), { nil: undefined, freq: 3 }), fc.integer({ min: 0, max: 4 }))
  .map(([a, q, ifMatch, useQuery]) => ({
    method: a.method,
    path: a.path,
    query: 'query' in a ? a.query : useQuery === 0 ? q : undefined,
    body: 'body' in a ? a.body : undefined,
    headers: { 'content-type': 'application/json', ...(ifMatch ? { 'if-match': ifMatch } : {}) } as Record<string, string | undefined>,
    base64: false,
  }));

const request = fc.oneof({ weight: 1, arbitrary: randomRequest }, { weight: 2, arbitrary: aimedRequest });

type Req = {
  method: string;
  path: string;
  query: Record<string, string> | undefined;
  body: unknown;
  headers: Record<string, string | undefined>;
  base64: boolean;
};

async function toEvent(r: Req): Promise<APIGatewayProxyEventV2> {
  const raw = r.body === undefined ? undefined : typeof r.body === 'object' && r.body !== null && 'raw' in r.body && Object.keys(r.body).length === 1 ? String(r.body.raw) : JSON.stringify(r.body);
  const event = await apiEvent({ method: 'GET', path: '/', headers: Object.fromEntries(Object.entries(r.headers).filter(([, v]) => v !== undefined)) as Record<string, string> });
  // Method and path as sent, not normalised by URL parsing: API Gateway passes odd ones through too.
  return {
    ...event,
    rawPath: r.path,
    rawQueryString: r.query ? new URLSearchParams(r.query).toString() : '',
    ...(r.query && Object.keys(r.query).length ? { queryStringParameters: r.query } : {}),
    pathParameters: { proxy: r.path.replace(/^\//, '') },
    requestContext: { ...event.requestContext, http: { ...event.requestContext.http, method: r.method, path: r.path } },
    ...(raw !== undefined ? { body: r.base64 ? Buffer.from(raw).toString('base64') : raw, isBase64Encoded: r.base64 } : {}),
  };
}

it(`answers ${RUNS} generated requests without a 5xx, every error as problem+json`, async () => {
  const statuses = new Map<number, number>();
  const errors = [] as unknown[];
  const spy = (await import('vitest')).vi.spyOn(logger, 'error').mockImplementation((...args: unknown[]) => void errors.push(args));
  const started = performance.now();
  await fc.assert(
    fc.asyncProperty(request, async (r: Req) => {
      const a = await answer(h.handler, await toEvent(r));
      statuses.set(a.status, (statuses.get(a.status) ?? 0) + 1);
      expect(a.status, JSON.stringify({ r, a: a.raw?.slice(0, 500) })).toBeLessThan(500);
      if (a.status >= 400) {
        expect(a.headers['content-type']).toBe('application/problem+json');
        expect(a.body).toMatchObject({ status: a.status, type: expect.stringMatching(/^urn:shepherd:problem:/), title: expect.any(String), detail: expect.any(String) });
      } else if (a.raw !== undefined) {
        expect(a.headers['content-type']).toBe('application/json');
      }
      if (a.status === 405) expect(a.headers.allow).toMatch(/^(GET|POST|PUT|PATCH|DELETE)(, (GET|POST|PUT|PATCH|DELETE))*$/);
    }),
    { numRuns: RUNS, seed: Number(process.env.API_FUZZ_SEED ?? 20261125) },
  );
  const ms = performance.now() - started;
  spy.mockRestore();
  const summary = Object.fromEntries([...statuses].sort(([a], [b]) => a - b));
  console.log(`api fuzz: ${RUNS} requests in ${(ms / 1000).toFixed(1)} s; statuses ${JSON.stringify(summary)}`);
  expect(errors).toEqual([]);
  // Valid requests were among them, and got through.
  const ok = [...statuses].filter(([s]) => s < 300).reduce((n, [, c]) => n + c, 0);
  expect(ok).toBeGreaterThan(RUNS * 0.15);
}, 240_000);
