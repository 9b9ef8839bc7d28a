import {
  ClientException,
  DeregisterTaskDefinitionCommand,
  DescribeTaskDefinitionCommand,
  ListTaskDefinitionsCommand,
  RegisterTaskDefinitionCommand,
} from '@aws-sdk/client-ecs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rejection, startEcs, type EcsHarness } from './ecs-harness';

let h: EcsHarness;
beforeAll(async () => {
  h = await startEcs();
});
afterAll(() => h.close());

const ARN = 'arn:aws:ecs:us-east-1:123456789012:task-definition';

describe('ECS simulator: task definitions', () => {
  it('registers revisions of a family and describes them by family, family:revision and ARN', async () => {
    const r1 = await h.ecs.send(
      new RegisterTaskDefinitionCommand({
        family: 'web',
        containerDefinitions: [{ name: 'app', image: 'web:1', memory: 512, portMappings: [{ containerPort: 8080 }] }],
        tags: [{ key: 'owner', value: 'team-a' }],
      }),
    );
    expect(r1.taskDefinition).toMatchObject({ taskDefinitionArn: `${ARN}/web:1`, family: 'web', revision: 1, status: 'ACTIVE' });
    expect(r1.taskDefinition?.registeredAt).toBeInstanceOf(Date);
    expect(r1.tags).toEqual([{ key: 'owner', value: 'team-a' }]);
    // Defaults ECS fills in: essential true, cpu 0, protocol tcp.
    expect(r1.taskDefinition?.containerDefinitions?.[0]).toMatchObject({
      essential: true,
      cpu: 0,
      portMappings: [{ containerPort: 8080, protocol: 'tcp' }],
    });
    await h.ecs.send(
      new RegisterTaskDefinitionCommand({ family: 'web', containerDefinitions: [{ name: 'app', image: 'web:2', memory: 512 }] }),
    );

    const latest = await h.ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: 'web' }));
    expect(latest.taskDefinition?.revision).toBe(2);
    const byRevision = await h.ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: 'web:1', include: ['TAGS'] }));
    expect(byRevision.taskDefinition?.containerDefinitions?.[0]?.image).toBe('web:1');
    expect(byRevision.tags).toEqual([{ key: 'owner', value: 'team-a' }]);
    const byArn = await h.ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: `${ARN}/web:2` }));
    expect(byArn.taskDefinition?.containerDefinitions?.[0]?.image).toBe('web:2');
  });

  it('deregisters a revision: INACTIVE, and the family then means the latest ACTIVE one', async () => {
    const out = await h.ecs.send(new DeregisterTaskDefinitionCommand({ taskDefinition: 'web:2' }));
    expect(out.taskDefinition?.status).toBe('INACTIVE');
    expect(out.taskDefinition?.deregisteredAt).toBeInstanceOf(Date);
    const latest = await h.ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: 'web' }));
    expect(latest.taskDefinition?.revision).toBe(1);
    // Revisions keep counting after a deregistration.
    const r3 = await h.ecs.send(
      new RegisterTaskDefinitionCommand({ family: 'web', containerDefinitions: [{ name: 'app', image: 'web:3', memory: 256 }] }),
    );
    expect(r3.taskDefinition?.revision).toBe(3);
  });

  it('lists ACTIVE revisions by default, INACTIVE on request, in both orders, with pagination', async () => {
    await h.ecs.send(
      new RegisterTaskDefinitionCommand({ family: 'api', containerDefinitions: [{ name: 'app', image: 'api:1', memory: 256 }] }),
    );
    const asc = await h.ecs.send(new ListTaskDefinitionsCommand({}));
    expect(asc.taskDefinitionArns).toEqual([`${ARN}/api:1`, `${ARN}/web:1`, `${ARN}/web:3`]);
    const desc = await h.ecs.send(new ListTaskDefinitionsCommand({ sort: 'DESC' }));
    expect(desc.taskDefinitionArns).toEqual([`${ARN}/web:3`, `${ARN}/web:1`, `${ARN}/api:1`]);
    const inactive = await h.ecs.send(new ListTaskDefinitionsCommand({ status: 'INACTIVE' }));
    expect(inactive.taskDefinitionArns).toEqual([`${ARN}/web:2`]);
    const family = await h.ecs.send(new ListTaskDefinitionsCommand({ familyPrefix: 'web' }));
    expect(family.taskDefinitionArns).toEqual([`${ARN}/web:1`, `${ARN}/web:3`]);

    const page1 = await h.ecs.send(new ListTaskDefinitionsCommand({ sort: 'DESC', maxResults: 2 }));
    expect(page1.taskDefinitionArns).toEqual([`${ARN}/web:3`, `${ARN}/web:1`]);
    const page2 = await h.ecs.send(new ListTaskDefinitionsCommand({ sort: 'DESC', maxResults: 2, nextToken: page1.nextToken }));
    expect(page2.taskDefinitionArns).toEqual([`${ARN}/api:1`]);
    expect(page2.nextToken).toBeUndefined();
  });

  it('converts task-level cpu and memory given in vCPU and GB', async () => {
    const out = await h.ecs.send(
      new RegisterTaskDefinitionCommand({
        family: 'sized',
        cpu: '0.5 vCPU',
        memory: '1GB',
        containerDefinitions: [{ name: 'app', image: 'x' }],
      }),
    );
    expect(out.taskDefinition).toMatchObject({ cpu: '512', memory: '1024' });
  });

  it('fills hostPort from containerPort in host and awsvpc mode, and rejects a mismatch', async () => {
    const host = await h.ecs.send(
      new RegisterTaskDefinitionCommand({
        family: 'hostnet',
        networkMode: 'host',
        containerDefinitions: [{ name: 'app', image: 'x', memory: 128, portMappings: [{ containerPort: 9000 }] }],
      }),
    );
    expect(host.taskDefinition?.containerDefinitions?.[0]?.portMappings).toEqual([
      { containerPort: 9000, hostPort: 9000, protocol: 'tcp' },
    ]);
    expect(host.taskDefinition?.networkMode).toBe('host');
    const err = await rejection(
      h.ecs.send(
        new RegisterTaskDefinitionCommand({
          family: 'vpcnet',
          networkMode: 'awsvpc',
          containerDefinitions: [{ name: 'app', image: 'x', memory: 128, portMappings: [{ containerPort: 80, hostPort: 8080 }] }],
        }),
      ),
    );
    expect(err).toBeInstanceOf(ClientException);
  });

  it('lists the capabilities a task needs in requiresAttributes', async () => {
    const out = await h.ecs.send(
      new RegisterTaskDefinitionCommand({
        family: 'needs',
        networkMode: 'awsvpc',
        containerDefinitions: [
          { name: 'app', image: 'x', memory: 128, healthCheck: { command: ['CMD-SHELL', 'true'] } },
        ],
      }),
    );
    expect(out.taskDefinition?.requiresAttributes).toEqual([
      { name: 'ecs.capability.task-eni' },
      { name: 'ecs.capability.container-health-check' },
    ]);
  });

  it.each([
    ['no memory anywhere', { family: 'f', containerDefinitions: [{ name: 'app', image: 'x' }] }],
    ['no container', { family: 'f', containerDefinitions: [] }],
    ['no image', { family: 'f', containerDefinitions: [{ name: 'app', memory: 128 }] }],
    ['no essential container', { family: 'f', containerDefinitions: [{ name: 'app', image: 'x', memory: 128, essential: false }] }],
    ['bad family', { family: 'bad family', containerDefinitions: [{ name: 'app', image: 'x', memory: 128 }] }],
    [
      'memory below memoryReservation',
      { family: 'f', containerDefinitions: [{ name: 'app', image: 'x', memory: 128, memoryReservation: 256 }] },
    ],
    [
      'duplicate host port',
      {
        family: 'f',
        containerDefinitions: [
          { name: 'a', image: 'x', memory: 128, portMappings: [{ containerPort: 80, hostPort: 80 }] },
          { name: 'b', image: 'x', memory: 128, portMappings: [{ containerPort: 81, hostPort: 80 }] },
        ],
      },
    ],
  ])('rejects a task definition with %s (ClientException)', async (_why, input) => {
    const err = await rejection(h.ecs.send(new RegisterTaskDefinitionCommand(input)));
    expect(err).toBeInstanceOf(ClientException);
  });

  it('answers ClientException for a task definition that does not exist', async () => {
    const err = await rejection(h.ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: 'nope:1' })));
    expect(err).toBeInstanceOf(ClientException);
    expect(err.message).toBe('Unable to describe task definition.');
  });
});
