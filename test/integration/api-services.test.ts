/** /services over real API Gateway v2 events, on DynamoDB Local and the ECS simulator. */
import { DescribeTasksCommand } from '@aws-sdk/client-ecs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApi, type ApiHarness } from './api-harness';

let h: ApiHarness;
let webArn: string;
let vpcArn: string;

const body = (over: Record<string, unknown> = {}) => ({ name: 'web', cluster: 'prod', taskDefinition: 'web:1', desiredCount: 3, ...over });

beforeAll(async () => {
  h = await startApi();
  webArn = await h.registerTaskDefinition();
  vpcArn = await h.registerTaskDefinition({ family: 'vpc', networkMode: 'awsvpc', containerDefinitions: [{ name: 'app', image: 'a:1', memory: 256, portMappings: [{ containerPort: 8080 }] }] });
});
afterAll(() => h.close());

describe('POST /services', () => {
  it('creates a service with ECS defaults, the task definition resolved to its ARN, and registers the cluster', async () => {
    const a = await h.call({ method: 'POST', path: '/services', body: body({ name: 'create-1', tags: { team: 'a' } }) });
    expect(a.status).toBe(201);
    expect(a.headers.etag).toBe('"1"');
    expect(a.headers.location).toBe('/services/create-1');
    expect(a.body).toMatchObject({
      name: 'create-1',
      cluster: 'prod',
      taskDefinition: webArn,
      desiredCount: 3,
      schedulingStrategy: 'REPLICA',
      placementStrategy: [],
      placementConstraints: [],
      loadBalancers: [],
      paused: false,
      status: 'ACTIVE',
      revision: 1,
      deploymentConfiguration: { minimumHealthyPercent: 100, maximumPercent: 200, deploymentCircuitBreaker: { enable: true, rollback: true } },
      deployments: [{ id: 'd1', taskDefinition: webArn, status: 'PRIMARY', rolloutState: 'IN_PROGRESS' }],
    });
    expect(Object.keys(a.body).slice(0, 4)).toEqual(['name', 'cluster', 'taskDefinition', 'desiredCount']);
    expect((await h.t.store.clusters.get('prod'))?.name).toBe('prod');
  });

  it('is idempotent: the same body again answers 200 with the existing service; another body 409 naming the fields', async () => {
    const first = await h.call({ method: 'POST', path: '/services', body: body({ name: 'idem' }) });
    expect(first.status).toBe(201);
    // The same request, with the task definition spelled as its ARN: still the same service.
    const again = await h.call({ method: 'POST', path: '/services', body: body({ name: 'idem', taskDefinition: webArn }) });
    expect(again.status).toBe(200);
    expect(again.body).toEqual(first.body);
    const other = await h.call({ method: 'POST', path: '/services', body: body({ name: 'idem', desiredCount: 5, tags: { x: 'y' } }) });
    expect(other.status).toBe(409);
    expect(other.body.type).toBe('urn:shepherd:problem:already-exists');
    expect(other.body.errors.map((e: { field: string }) => e.field)).toEqual(['body.desiredCount', 'body.tags']);
    expect(other.body.errors[0].message).toBe('exists with 3; the request has 5');
  });

  it('two identical creates at once: one 201, one 200, one service', async () => {
    const [a, b] = await Promise.all([1, 2].map(() => h.call({ method: 'POST', path: '/services', body: body({ name: 'twin' }) })));
    expect([a?.status, b?.status].sort()).toEqual([200, 201]);
    expect((await h.t.store.services.get('twin'))?.revision).toBe(1);
  });

  it('refuses bad input with the offending fields, never touching the store', async () => {
    const cases: Array<[Record<string, unknown>, string[]]> = [
      [body({ name: 'x'.repeat(201) }), ['body.name']],
      [body({ name: 'has space' }), ['body.name']],
      [body({ name: 'ok', desiredCount: 10_001 }), ['body.desiredCount']],
      [body({ name: 'ok', desiredCount: 1.5 }), ['body.desiredCount']],
      [body({ name: 'ok', extra: true }), ['body.extra']],
      [body({ name: 'ok', deploymentConfiguration: { minimumHealthyPercent: 101, maximumPercent: 99 } }), ['body.deploymentConfiguration.minimumHealthyPercent', 'body.deploymentConfiguration.maximumPercent']],
      [body({ name: 'ok', placementStrategy: [{ type: 'binpack', field: 'disk' }] }), ['body.placementStrategy[0].field']],
      [body({ name: 'ok', placementStrategy: [{ type: 'nope' }] }), ['body.placementStrategy[0].type']],
      [body({ name: 'ok', tags: { 'aws:x': '1' } }), ['body.tags.aws:x']],
      [body({ name: 'ok', desiredCount: undefined }), ['body.desiredCount']],
      [body({ name: 'ok', schedulingStrategy: 'DAEMON' }), ['body.desiredCount']],
      [{ name: 'ok', taskDefinition: 'web:1', schedulingStrategy: 'DAEMON', placementStrategy: [{ type: 'random' }] }, ['body.placementStrategy']],
      [{ name: 'ok', taskDefinition: 'web:1', schedulingStrategy: 'DAEMON', placementConstraints: [{ type: 'memberOf', expression: 'attribute:ecs.instance-type =~ t3.*' }] }, ['body.placementConstraints']],
      [body({ name: 'ok', launchType: 'EC2', capacityProviderStrategy: [{ capacityProvider: 'cp' }] }), ['body.capacityProviderStrategy']],
      [body({ name: 'ok', taskDefinition: 'nope:9' }), ['body.taskDefinition']],
      [body({ name: 'ok', taskDefinition: 'vpc:1' }), ['body.networkConfiguration']],
      [body({ name: 'ok', networkConfiguration: { awsvpcConfiguration: { subnets: ['subnet-0abc'] } } }), ['body.networkConfiguration']],
      [body({ name: 'ok', loadBalancers: [{ targetGroupArn: 'arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/web/0123456789abcdef', containerName: 'app', containerPort: 81 }] }), ['body.loadBalancers[0].containerPort']],
    ];
    for (const [b, fields] of cases) {
      const a = await h.call({ method: 'POST', path: '/services', body: b });
      expect(a.status, JSON.stringify(b)).toBe(400);
      expect(a.body.type).toBe('urn:shepherd:problem:validation-error');
      expect(a.body.errors.map((e: { field: string }) => e.field), JSON.stringify(a.body)).toEqual(fields);
    }
    expect(await h.t.store.services.get('ok')).toBeUndefined();
  });

  it('accepts an awsvpc task definition with its network configuration, and a DAEMON service without a count', async () => {
    const vpc = await h.call({ method: 'POST', path: '/services', body: body({ name: 'vpc-svc', taskDefinition: 'vpc', networkConfiguration: { awsvpcConfiguration: { subnets: ['subnet-0abc'], assignPublicIp: 'DISABLED' } } }) });
    expect(vpc.status).toBe(201);
    expect(vpc.body.taskDefinition).toBe(vpcArn);
    const daemon = await h.call({ method: 'POST', path: '/services', body: { name: 'agent', cluster: 'prod', taskDefinition: 'web:1', schedulingStrategy: 'DAEMON' } });
    expect(daemon.status).toBe(201);
    expect(daemon.body).toMatchObject({ schedulingStrategy: 'DAEMON', desiredCount: 0 });
  });

  it('bodies: 413 above 64 KB, 415 without JSON, 400 for broken JSON or none', async () => {
    const big = await h.call({ method: 'POST', path: '/services', body: JSON.stringify(body({ tags: { a: 'x'.repeat(70_000) } })), headers: { 'content-type': 'application/json' } });
    expect(big.status).toBe(413);
    const text = await h.call({ method: 'POST', path: '/services', body: 'name=web', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(text.status).toBe(415);
    const broken = await h.call({ method: 'POST', path: '/services', body: '{"name":', headers: { 'content-type': 'application/json; charset=utf-8' } });
    expect(broken.status).toBe(400);
    expect(broken.body.errors[0].field).toBe('body');
    const none = await h.call({ method: 'POST', path: '/services' });
    expect(none.status).toBe(400);
    expect(none.body.errors).toEqual([{ field: 'body', message: 'a JSON body is required' }]);
  });
});

describe('GET /services and /services/{name}', () => {
  beforeAll(async () => {
    for (const n of ['l1', 'l2', 'l3', 'l4', 'l5']) expect((await h.call({ method: 'POST', path: '/services', body: body({ name: n, cluster: 'listing' }) })).status).toBe(201);
  });

  it('lists in pages that chain, by cluster', async () => {
    const names: string[] = [];
    let nextToken: string | undefined;
    let pages = 0;
    do {
      const a = await h.call({ method: 'GET', path: '/services', query: { cluster: 'listing', limit: '2', ...(nextToken ? { nextToken } : {}) } });
      expect(a.status).toBe(200);
      expect(a.body.items.length).toBeLessThanOrEqual(2);
      names.push(...a.body.items.map((s: { name: string }) => s.name));
      nextToken = a.body.nextToken;
      pages++;
    } while (nextToken);
    expect(names).toEqual(['l1', 'l2', 'l3', 'l4', 'l5']);
    expect(pages).toBe(3);
    const all = await h.call({ method: 'GET', path: '/services', query: { limit: '100' } });
    expect(all.body.items.map((s: { name: string }) => s.name)).toEqual(expect.arrayContaining(['l1', 'create-1']));
    expect(all.body.nextToken).toBeUndefined();
  });

  it('refuses bad paging: limit out of range, a token from elsewhere, unknown parameters', async () => {
    for (const query of [{ limit: '0' }, { limit: '101' }, { limit: 'ten' }, { nextToken: 'garbage' }, { colour: 'red' }, { cluster: 'bad name' }] as Array<Record<string, string>>) {
      const a = await h.call({ method: 'GET', path: '/services', query });
      expect(a.status, JSON.stringify(query)).toBe(400);
      expect(a.body.errors[0].field).toBe(`query.${Object.keys(query)[0]}`);
    }
    const page = await h.call({ method: 'GET', path: '/services', query: { cluster: 'listing', limit: '1' } });
    const foreign = await h.call({ method: 'GET', path: '/services', query: { nextToken: page.body.nextToken } });
    expect(foreign.status).toBe(400);
  });

  it('gets one with its ETag; 404 for an unknown one; 400 for a name ECS would refuse', async () => {
    const a = await h.call({ method: 'GET', path: '/services/l1' });
    expect(a.status).toBe(200);
    expect(a.headers.etag).toBe('"1"');
    expect(a.body.name).toBe('l1');
    const missing = await h.call({ method: 'GET', path: '/services/ghost' });
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({ type: 'urn:shepherd:problem:not-found', title: 'Not found', status: 404, instance: '/services/ghost' });
    const bad = await h.call({ method: 'GET', path: '/services/a%20b' });
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].field).toBe('path.name');
  });
});

describe('PATCH /services/{name}', () => {
  it('needs If-Match (428), refuses a stale one (412 with the current ETag), applies a current one', async () => {
    await h.call({ method: 'POST', path: '/services', body: body({ name: 'p1' }) });
    expect((await h.call({ method: 'PATCH', path: '/services/p1', body: { desiredCount: 5 } })).status).toBe(428);
    const ok = await h.call({ method: 'PATCH', path: '/services/p1', body: { desiredCount: 5, paused: true }, headers: { 'if-match': '"1"' } });
    expect(ok.status).toBe(200);
    expect(ok.headers.etag).toBe('"2"');
    expect(ok.body).toMatchObject({ desiredCount: 5, paused: true, revision: 2 });
    const stale = await h.call({ method: 'PATCH', path: '/services/p1', body: { desiredCount: 6 }, headers: { 'if-match': '"1"' } });
    expect(stale.status).toBe(412);
    expect(stale.headers.etag).toBe('"2"');
    expect((await h.t.store.services.get('p1'))?.desiredCount).toBe(5);
    const malformed = await h.call({ method: 'PATCH', path: '/services/p1', body: { desiredCount: 6 }, headers: { 'if-match': '2' } });
    expect(malformed.status).toBe(400);
    expect(malformed.body.errors[0].field).toBe('header.If-Match');
  });

  it('two concurrent PATCHes with the same ETag: exactly one 200, the other 412', async () => {
    await h.call({ method: 'POST', path: '/services', body: body({ name: 'race' }) });
    const results = await Promise.all(
      [7, 8].map((n) => h.call({ method: 'PATCH', path: '/services/race', body: { desiredCount: n }, headers: { 'if-match': '"1"' } })),
    );
    expect(results.map((r) => r.status).sort()).toEqual([200, 412]);
    const winner = results.find((r) => r.status === 200);
    const stored = await h.t.store.services.get('race');
    expect(stored?.revision).toBe(2);
    expect(stored?.desiredCount).toBe(winner?.body.desiredCount);
  });

  it('ten concurrent PATCHes with the same ETag: one wins', async () => {
    await h.call({ method: 'POST', path: '/services', body: body({ name: 'race10' }) });
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) => h.call({ method: 'PATCH', path: '/services/race10', body: { desiredCount: 10 + i }, headers: { 'if-match': '"1"' } })),
    );
    expect(results.filter((r) => r.status === 200)).toHaveLength(1);
    expect(results.filter((r) => r.status === 412)).toHaveLength(9);
  });

  it('null removes an optional field, deploymentConfiguration merges, immutable fields refuse a change', async () => {
    await h.call({ method: 'POST', path: '/services', body: body({ name: 'p2', launchType: 'EC2' }) });
    const a = await h.call({
      method: 'PATCH',
      path: '/services/p2',
      body: { launchType: null, name: 'p2', deploymentConfiguration: { maximumPercent: 150 } },
      headers: { 'if-match': '"1"' },
    });
    expect(a.status).toBe(200);
    expect(a.body.launchType).toBeUndefined();
    expect(a.body.deploymentConfiguration).toEqual({ minimumHealthyPercent: 100, maximumPercent: 150, deploymentCircuitBreaker: { enable: true, rollback: true } });
    const imm = await h.call({ method: 'PATCH', path: '/services/p2', body: { cluster: 'other', schedulingStrategy: 'DAEMON' }, headers: { 'if-match': '"2"' } });
    expect(imm.status).toBe(400);
    expect(imm.body.errors.map((e: { field: string }) => e.field)).toEqual(['body.cluster', 'body.schedulingStrategy']);
    const empty = await h.call({ method: 'PATCH', path: '/services/p2', body: {}, headers: { 'if-match': '"2"' } });
    expect(empty.status).toBe(400);
    // Nothing differs: answered unchanged, no new revision.
    const same = await h.call({ method: 'PATCH', path: '/services/p2', body: { desiredCount: 3 }, headers: { 'if-match': '"2"' } });
    expect(same.status).toBe(200);
    expect(same.headers.etag).toBe('"2"');
  });

  it('a new taskDefinition records a deployment; unknown services are 404', async () => {
    const v2 = await h.registerTaskDefinition();
    await h.call({ method: 'POST', path: '/services', body: body({ name: 'p3' }) });
    const a = await h.call({ method: 'PATCH', path: '/services/p3', body: { taskDefinition: 'web' }, headers: { 'if-match': '*' } });
    expect(a.status).toBe(200);
    expect(a.body.taskDefinition).toBe(v2);
    expect(a.body.deployments.map((d: { id: string; status: string }) => `${d.id}:${d.status}`)).toEqual(['d2:PRIMARY', 'd1:ACTIVE']);
    expect((await h.call({ method: 'PATCH', path: '/services/ghost', body: { desiredCount: 1 }, headers: { 'if-match': '"1"' } })).status).toBe(404);
  });
});

describe('DELETE /services/{name}', () => {
  it('drains: DRAINING with desiredCount 0 (202), again unchanged; then writes to it are 409', async () => {
    await h.call({ method: 'POST', path: '/services', body: body({ name: 'd1' }) });
    const a = await h.call({ method: 'DELETE', path: '/services/d1' });
    expect(a.status).toBe(202);
    expect(a.body).toMatchObject({ status: 'DRAINING', desiredCount: 0, revision: 2 });
    const again = await h.call({ method: 'DELETE', path: '/services/d1' });
    expect(again.status).toBe(202);
    expect(again.body.revision).toBe(2);
    const scale = await h.call({ method: 'POST', path: '/services/d1/scale', body: { desiredCount: 2 } });
    expect(scale.status).toBe(409);
    expect(scale.body.type).toBe('urn:shepherd:problem:service-draining');
    const recreate = await h.call({ method: 'POST', path: '/services', body: body({ name: 'd1' }) });
    expect(recreate.status).toBe(409);
    expect((await h.call({ method: 'DELETE', path: '/services/d1', headers: { 'if-match': '"1"' } })).status).toBe(412);
  });

  it('force: stops the tasks carrying Shepherd\'s markers, leaves others, removes the service at once', async () => {
    const cluster = 'force';
    await h.registerInstance(cluster, 'i-force1');
    await h.call({ method: 'POST', path: '/services', body: body({ name: 'gone', cluster }) });
    const mine = await h.runManagedTask('gone', cluster, webArn);
    const mine2 = await h.runManagedTask('gone', cluster, webArn);
    // Recorded under the service but started by another stage: not Shepherd's to stop.
    const foreign = await h.runManagedTask('gone', cluster, webArn, { startedBy: 'shepherd/other' });
    const a = await h.call({ method: 'DELETE', path: '/services/gone', query: { force: 'true' } });
    expect(a.status).toBe(200);
    expect(a.body.deleted).toBe(true);
    expect([...a.body.stoppedTasks].sort()).toEqual([mine.taskArn, mine2.taskArn].sort());
    expect(await h.t.store.services.get('gone')).toBeUndefined();
    const described = await h.ecs.send(new DescribeTasksCommand({ cluster, tasks: [mine.taskArn, foreign.taskArn] }));
    const byArn = new Map(described.tasks?.map((t) => [t.taskArn, t]));
    expect(byArn.get(mine.taskArn)?.desiredStatus).toBe('STOPPED');
    expect(byArn.get(mine.taskArn)?.stoppedReason).toBe('Shepherd: service deleted');
    expect(byArn.get(foreign.taskArn)?.desiredStatus).toBe('RUNNING');
    expect((await h.call({ method: 'DELETE', path: '/services/gone', query: { force: 'true' } })).status).toBe(404);
    expect((await h.call({ method: 'DELETE', path: '/services/gone', query: { force: 'yes' } })).status).toBe(400);
  });
});
