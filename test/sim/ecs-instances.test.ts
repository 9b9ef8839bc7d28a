import {
  ClientException,
  CreateClusterCommand,
  DeregisterContainerInstanceCommand,
  DescribeContainerInstancesCommand,
  InvalidParameterException,
  ListContainerInstancesCommand,
  RegisterContainerInstanceCommand,
  RunTaskCommand,
  UpdateContainerInstancesStateCommand,
  type ContainerInstanceStatus,
} from '@aws-sdk/client-ecs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  integerResource,
  portsResource,
  registerInstance,
  registerTaskDefinition,
  rejection,
  startEcs,
  type EcsHarness,
} from './ecs-harness';

let h: EcsHarness;
let a: string;
let b: string;
let c: string;

beforeAll(async () => {
  h = await startEcs();
  await h.ecs.send(new CreateClusterCommand({ clusterName: 'fleet' }));
  a = await registerInstance(h.ecs, { cluster: 'fleet', instanceId: 'i-00000000000000a01', availabilityZone: 'us-east-1a', instanceType: 't3.medium', attributes: { stack: 'prod' } });
  b = await registerInstance(h.ecs, { cluster: 'fleet', instanceId: 'i-00000000000000b02', availabilityZone: 'us-east-1b', instanceType: 'm5.large', cpu: 2048, memory: 7680 });
  c = await registerInstance(h.ecs, { cluster: 'fleet', instanceId: 'i-00000000000000c03', availabilityZone: 'us-east-1c', instanceType: 't3.small', memory: 1939 });
});
afterAll(() => h.close());

describe('ECS simulator: container instances', () => {
  it('registers as the agent calls it: ARN, resources from totalResources, standard attributes', async () => {
    expect(a).toMatch(/^arn:aws:ecs:us-east-1:123456789012:container-instance\/fleet\/[0-9a-f]{32}$/);
    const out = await h.ecs.send(new DescribeContainerInstancesCommand({ cluster: 'fleet', containerInstances: [a] }));
    const ci = out.containerInstances?.[0];
    expect(ci).toMatchObject({
      containerInstanceArn: a,
      ec2InstanceId: 'i-00000000000000a01',
      status: 'ACTIVE',
      agentConnected: true,
      runningTasksCount: 0,
      pendingTasksCount: 0,
      version: 1,
      versionInfo: { agentVersion: '1.89.0' },
    });
    expect(integerResource(ci?.registeredResources, 'CPU')).toBe(2048);
    expect(integerResource(ci?.registeredResources, 'MEMORY')).toBe(3920);
    expect(portsResource(ci?.registeredResources, 'PORTS')).toEqual([22, 2375, 2376, 51678, 51679]);
    expect(integerResource(ci?.remainingResources, 'CPU')).toBe(2048);
    expect(ci?.attributes).toEqual(
      expect.arrayContaining([
        { name: 'ecs.availability-zone', value: 'us-east-1a' },
        { name: 'ecs.instance-type', value: 't3.medium' },
        { name: 'ecs.os-type', value: 'linux' },
        { name: 'ecs.ami-id', value: 'ami-0123456789abcdef0' },
        { name: 'stack', value: 'prod' },
      ]),
    );
    expect(ci?.registeredAt).toBeInstanceOf(Date);
  });

  it('creates the default cluster when the agent registers without naming one', async () => {
    const arn = await registerInstance(h.ecs, { instanceId: 'i-00000000000000d04' });
    expect(arn).toContain(':container-instance/default/');
  });

  it('does not create a named cluster that does not exist', async () => {
    const err = await rejection(registerInstance(h.ecs, { cluster: 'ghost', instanceId: 'i-00000000000000e05' }));
    expect(err.name).toBe('ClusterNotFoundException');
  });

  it('rejects a registration without an instance identity document', async () => {
    const err = await rejection(h.ecs.send(new RegisterContainerInstanceCommand({ cluster: 'fleet' })));
    expect(err).toBeInstanceOf(ClientException);
  });

  it('describes by id or ARN, with MISSING for unknown ones, and refuses more than 100', async () => {
    const id = a.split('/').pop() as string;
    const out = await h.ecs.send(
      new DescribeContainerInstancesCommand({ cluster: 'fleet', containerInstances: [id, 'f'.repeat(32)], include: ['TAGS'] }),
    );
    expect(out.containerInstances?.map((i) => i.containerInstanceArn)).toEqual([a]);
    expect(out.failures).toEqual([
      { arn: `arn:aws:ecs:us-east-1:123456789012:container-instance/fleet/${'f'.repeat(32)}`, reason: 'MISSING' },
    ]);
    const tooMany = Array.from({ length: 101 }, (_, i) => String(i).padStart(32, '0'));
    const err = await rejection(h.ecs.send(new DescribeContainerInstancesCommand({ cluster: 'fleet', containerInstances: tooMany })));
    expect(err).toBeInstanceOf(InvalidParameterException);
  });

  it('lists with a cluster query language filter and pages through the results', async () => {
    const byZone = await h.ecs.send(
      new ListContainerInstancesCommand({ cluster: 'fleet', filter: 'attribute:ecs.availability-zone in [us-east-1a, us-east-1c]' }),
    );
    expect(byZone.containerInstanceArns).toEqual([a, c]);
    const byType = await h.ecs.send(
      new ListContainerInstancesCommand({ cluster: 'fleet', filter: 'attribute:ecs.instance-type =~ t3.*' }),
    );
    expect(byType.containerInstanceArns).toEqual([a, c]);
    const byId = await h.ecs.send(new ListContainerInstancesCommand({ cluster: 'fleet', filter: 'ec2InstanceId == i-00000000000000b02' }));
    expect(byId.containerInstanceArns).toEqual([b]);

    const page1 = await h.ecs.send(new ListContainerInstancesCommand({ cluster: 'fleet', maxResults: 2 }));
    expect(page1.containerInstanceArns).toEqual([a, b]);
    const page2 = await h.ecs.send(new ListContainerInstancesCommand({ cluster: 'fleet', maxResults: 2, nextToken: page1.nextToken }));
    expect(page2.containerInstanceArns).toEqual([c]);
    expect(page2.nextToken).toBeUndefined();
  });

  it('rejects a filter that is not valid cluster query language', async () => {
    const err = await rejection(h.ecs.send(new ListContainerInstancesCommand({ cluster: 'fleet', filter: 'attribute:x ==' })));
    expect(err).toBeInstanceOf(InvalidParameterException);
  });

  it('drains and reactivates instances, emitting an event with a higher version each time', async () => {
    const before = h.events('ECS Container Instance State Change').filter((e) => e.resources[0] === b).length;
    const drained = await h.ecs.send(
      new UpdateContainerInstancesStateCommand({ cluster: 'fleet', containerInstances: [b, 'f'.repeat(32)], status: 'DRAINING' }),
    );
    expect(drained.containerInstances?.map((i) => [i.containerInstanceArn, i.status, i.version])).toEqual([[b, 'DRAINING', 2]]);
    expect(drained.failures?.[0]?.reason).toBe('MISSING');
    const draining = await h.ecs.send(new ListContainerInstancesCommand({ cluster: 'fleet', status: 'DRAINING' }));
    expect(draining.containerInstanceArns).toEqual([b]);

    const active = await h.ecs.send(new UpdateContainerInstancesStateCommand({ cluster: 'fleet', containerInstances: [b], status: 'ACTIVE' }));
    expect(active.containerInstances?.[0]).toMatchObject({ status: 'ACTIVE', version: 3 });
    const events = h.events('ECS Container Instance State Change').filter((e) => e.resources[0] === b);
    expect(events.length - before).toBe(2);
    expect(events.slice(-2).map((e) => [e.detail.status, e.detail.version])).toEqual([
      ['DRAINING', 2],
      ['ACTIVE', 3],
    ]);
  });

  it('only takes ACTIVE or DRAINING as the new state', async () => {
    const err = await rejection(
      h.ecs.send(new UpdateContainerInstancesStateCommand({ cluster: 'fleet', containerInstances: [b], status: 'INACTIVE' as ContainerInstanceStatus })),
    );
    expect(err).toBeInstanceOf(InvalidParameterException);
  });

  it('deregisters only with force while tasks run there; then INACTIVE and not listed', async () => {
    await registerTaskDefinition(h.ecs, 'pinned');
    const run = await h.ecs.send(
      new RunTaskCommand({ cluster: 'fleet', taskDefinition: 'pinned', placementConstraints: [{ type: 'memberOf', expression: 'ec2InstanceId == i-00000000000000c03' }] }),
    );
    expect(run.tasks?.[0]?.containerInstanceArn).toBe(c);
    const refused = await rejection(h.ecs.send(new DeregisterContainerInstanceCommand({ cluster: 'fleet', containerInstance: c })));
    expect(refused).toBeInstanceOf(InvalidParameterException);

    const out = await h.ecs.send(new DeregisterContainerInstanceCommand({ cluster: 'fleet', containerInstance: c, force: true }));
    expect(out.containerInstance).toMatchObject({ status: 'INACTIVE', agentConnected: false });
    const listed = await h.ecs.send(new ListContainerInstancesCommand({ cluster: 'fleet' }));
    expect(listed.containerInstanceArns).toEqual([a, b]);
    const described = await h.ecs.send(new DescribeContainerInstancesCommand({ cluster: 'fleet', containerInstances: [c] }));
    expect(described.containerInstances?.[0]?.status).toBe('INACTIVE');
  });
});
