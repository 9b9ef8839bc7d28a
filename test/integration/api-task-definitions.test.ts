/** /task-definitions: validated pass-through to ECS (the simulator), and a family's revisions. */
import { DescribeTaskDefinitionCommand } from '@aws-sdk/client-ecs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApi, type ApiHarness } from './api-harness';

let h: ApiHarness;

const td = (over: Record<string, unknown> = {}) => ({
  family: 'api',
  networkMode: 'bridge',
  containerDefinitions: [
    {
      name: 'app',
      image: 'example/api:1',
      cpu: 256,
      memory: 512,
      portMappings: [{ containerPort: 8080, hostPort: 0, protocol: 'tcp' }],
      environment: [{ name: 'MODE', value: 'prod' }],
      command: ['serve'],
      healthCheck: { command: ['CMD-SHELL', 'curl -f http://localhost:8080/ || exit 1'], interval: 10 },
    },
  ],
  tags: [{ key: 'team', value: 'payments' }],
  ...over,
});

beforeAll(async () => {
  h = await startApi();
});
afterAll(() => h.close());

describe('POST /task-definitions', () => {
  it('registers with ECS and answers the ARN and revision (201); each call is a new revision', async () => {
    const a = await h.call({ method: 'POST', path: '/task-definitions', body: td() });
    expect(a.status).toBe(201);
    expect(a.body).toEqual({ taskDefinitionArn: 'arn:aws:ecs:us-east-1:123456789012:task-definition/api:1', family: 'api', revision: 1, status: 'ACTIVE' });
    expect(a.headers.location).toBe('/task-definitions/api');
    const d = await h.ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: 'api:1', include: ['TAGS'] }));
    expect(d.taskDefinition?.containerDefinitions?.[0]).toMatchObject({ name: 'app', image: 'example/api:1', memory: 512, command: ['serve'] });
    expect(d.tags).toEqual([{ key: 'team', value: 'payments' }]);
    expect((await h.call({ method: 'POST', path: '/task-definitions', body: td() })).body.revision).toBe(2);
  });

  it('refuses what ECS would, naming the field; ECS\'s own refusals are 400 with its message', async () => {
    const c = td().containerDefinitions[0]!;
    const cases: Array<[Record<string, unknown>, string]> = [
      [td({ family: 'bad family' }), 'body.family'],
      [td({ containerDefinitions: [] }), 'body.containerDefinitions'],
      [td({ containerDefinitions: [{ ...c, memory: undefined }] }), 'body.containerDefinitions[0].memory'],
      [td({ containerDefinitions: [{ ...c, memoryReservation: 1024 }] }), 'body.containerDefinitions[0].memoryReservation'],
      [td({ containerDefinitions: [{ ...c, essential: false }] }), 'body.containerDefinitions'],
      [td({ containerDefinitions: [c, c] }), 'body.containerDefinitions[1].name'],
      [td({ containerDefinitions: [{ ...c, portMappings: [{ containerPort: 70_000 }] }] }), 'body.containerDefinitions[0].portMappings[0].containerPort'],
      [td({ containerDefinitions: [{ ...c, privileged: true }] }), 'body.containerDefinitions[0].privileged'],
      [td({ networkMode: 'nat' }), 'body.networkMode'],
      [td({ cpu: 'lots' }), 'body.cpu'],
      [td({ taskRoleArn: 'role' }), 'body.taskRoleArn'],
      [td({ volumes: [] }), 'body.volumes'],
      // ECS itself refuses: the sum of the containers' cpu exceeds the task's.
      [td({ cpu: '128' }), 'body'],
    ];
    for (const [b, field] of cases) {
      const a = await h.call({ method: 'POST', path: '/task-definitions', body: b });
      expect(a.status, JSON.stringify(b)).toBe(400);
      expect(a.body.errors[0].field, JSON.stringify(a.body)).toBe(field);
    }
  });
});

describe('GET /task-definitions/{family}', () => {
  it('lists a family\'s revisions newest first (or ASC), in pages, and INACTIVE ones on request', async () => {
    for (let i = 0; i < 3; i++) await h.call({ method: 'POST', path: '/task-definitions', body: td({ family: 'pages' }) });
    await h.call({ method: 'POST', path: '/task-definitions', body: td({ family: 'pages-other' }) });
    const revisions: number[] = [];
    let nextToken: string | undefined;
    do {
      const a = await h.call({ method: 'GET', path: '/task-definitions/pages', query: { limit: '2', ...(nextToken ? { nextToken } : {}) } });
      expect(a.status).toBe(200);
      revisions.push(...a.body.items.map((t: { revision: number; family: string }) => t.revision));
      nextToken = a.body.nextToken;
    } while (nextToken);
    expect(revisions).toEqual([3, 2, 1]);
    const asc = await h.call({ method: 'GET', path: '/task-definitions/pages', query: { sort: 'ASC' } });
    expect(asc.body.items).toEqual([1, 2, 3].map((r) => ({ taskDefinitionArn: `arn:aws:ecs:us-east-1:123456789012:task-definition/pages:${r}`, family: 'pages', revision: r })));
    expect((await h.call({ method: 'GET', path: '/task-definitions/pages', query: { status: 'INACTIVE' } })).body.items).toEqual([]);
    expect((await h.call({ method: 'GET', path: '/task-definitions/none' })).body).toEqual({ items: [] });
  });

  it('400 for bad parameters and a token ECS did not issue', async () => {
    for (const query of [{ sort: 'UP' }, { status: 'DELETED' }, { limit: '500' }, { nextToken: 'not-a-token' }] as Array<Record<string, string>>) {
      const a = await h.call({ method: 'GET', path: '/task-definitions/pages', query });
      expect(a.status, JSON.stringify(query)).toBe(400);
      expect(a.body.errors[0].field).toBe(`query.${Object.keys(query)[0]}`);
    }
    expect((await h.call({ method: 'GET', path: '/task-definitions/bad%20family' })).status).toBe(400);
  });
});
