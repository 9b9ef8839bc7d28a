import {
  ClientException,
  ConflictException,
  CreateClusterCommand,
  DeregisterTaskDefinitionCommand,
  DescribeContainerInstancesCommand,
  DescribeTasksCommand,
  InvalidParameterException,
  ListTasksCommand,
  RunTaskCommand,
  StartTaskCommand,
  UpdateContainerInstancesStateCommand,
  type RunTaskCommandInput,
} from '@aws-sdk/client-ecs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  integerResource,
  registerInstance,
  registerTaskDefinition,
  rejection,
  startEcs,
  type EcsHarness,
} from './ecs-harness';

let h: EcsHarness;
let big: string;

beforeAll(async () => {
  h = await startEcs();
  await h.ecs.send(new CreateClusterCommand({ clusterName: 'run' }));
  big = await registerInstance(h.ecs, { cluster: 'run', instanceId: 'i-0000000000000b001', cpu: 4096, memory: 8192, availabilityZone: 'us-east-1a' });
  await registerTaskDefinition(h.ecs, 'web', { cpu: 256, memory: 512, portMappings: [{ containerPort: 8080 }] });
  await registerTaskDefinition(h.ecs, 'heavy', { cpu: 1024, memory: 1024 });
});
afterAll(() => h.close());

const run = (input: Partial<RunTaskCommandInput>) => h.ecs.send(new RunTaskCommand({ cluster: 'run', taskDefinition: 'web', ...input }));

describe('ECS simulator: RunTask', () => {
  it('starts a task PROVISIONING and walks it to RUNNING on the clock', async () => {
    const t0 = h.clock.now();
    const out = await run({ startedBy: 'shepherd/web', group: 'service:web' });
    expect(out.failures).toEqual([]);
    const task = out.tasks?.[0];
    expect(task?.taskArn).toMatch(/^arn:aws:ecs:us-east-1:123456789012:task\/run\/[0-9a-f]{32}$/);
    expect(task).toMatchObject({
      clusterArn: 'arn:aws:ecs:us-east-1:123456789012:cluster/run',
      containerInstanceArn: big,
      taskDefinitionArn: 'arn:aws:ecs:us-east-1:123456789012:task-definition/web:1',
      availabilityZone: 'us-east-1a',
      launchType: 'EC2',
      lastStatus: 'PROVISIONING',
      desiredStatus: 'RUNNING',
      group: 'service:web',
      startedBy: 'shepherd/web',
      cpu: '256',
      memory: '512',
      version: 1,
      overrides: { containerOverrides: [{ name: 'app' }] },
    });
    expect(task?.createdAt?.getTime()).toBe(t0);
    expect(task?.containers?.[0]).toMatchObject({ name: 'app', image: 'example/app:1', lastStatus: 'PENDING', cpu: '256', memory: '512' });
    const arn = task?.taskArn as string;
    const describe = async () => (await h.ecs.send(new DescribeTasksCommand({ cluster: 'run', tasks: [arn] }))).tasks?.[0];

    await h.advance(999);
    expect((await describe())?.lastStatus).toBe('PROVISIONING');
    await h.advance(1);
    const pending = await describe();
    expect(pending).toMatchObject({ lastStatus: 'PENDING', connectivity: 'CONNECTED', version: 2 });
    expect(pending?.pullStartedAt?.getTime()).toBe(t0 + 1000);
    await h.advance(4000);
    const running = await describe();
    expect(running).toMatchObject({ lastStatus: 'RUNNING', desiredStatus: 'RUNNING', version: 3, healthStatus: 'UNKNOWN' });
    expect(running?.pullStoppedAt?.getTime()).toBe(t0 + 4000);
    expect(running?.startedAt?.getTime()).toBe(t0 + 5000);
    expect(running?.containers?.[0]?.lastStatus).toBe('RUNNING');
    expect(running?.containers?.[0]?.runtimeId).toMatch(/^[0-9a-f]{64}$/);
    // Bridge mode without hostPort: a dynamic port from the ephemeral range.
    expect(running?.containers?.[0]?.networkBindings).toEqual([{ bindIP: '0.0.0.0', containerPort: 8080, hostPort: 32768, protocol: 'tcp' }]);

    const versions = h.events('ECS Task State Change').filter((e) => e.resources[0] === arn).map((e) => [e.detail.lastStatus, e.detail.version]);
    expect(versions).toEqual([
      ['PROVISIONING', 1],
      ['PENDING', 2],
      ['RUNNING', 3],
    ]);
  });

  it('reserves the task resources on its instance and says so in an instance event', async () => {
    const ci = (await h.ecs.send(new DescribeContainerInstancesCommand({ cluster: 'run', containerInstances: [big] }))).containerInstances?.[0];
    expect(integerResource(ci?.remainingResources, 'CPU')).toBe(4096 - 256);
    expect(integerResource(ci?.remainingResources, 'MEMORY')).toBe(8192 - 512);
    expect(ci?.runningTasksCount).toBe(1);
    const last = h.events('ECS Container Instance State Change').filter((e) => e.resources[0] === big).pop();
    const remaining = (last?.detail.remainingResources as { name: string; integerValue?: number }[]).find((r) => r.name === 'CPU');
    expect(remaining?.integerValue).toBe(4096 - 256);
  });

  it('places what fits and reports the rest as failures (partial success)', async () => {
    await h.ecs.send(new CreateClusterCommand({ clusterName: 'partial' }));
    const only = await registerInstance(h.ecs, { cluster: 'partial', instanceId: 'i-0000000000000p001', cpu: 2500, memory: 8192 });
    const out = await run({ cluster: 'partial', taskDefinition: 'heavy', count: 5 });
    // 2500 CPU units hold two 1024-unit tasks.
    expect(out.tasks?.map((t) => t.containerInstanceArn)).toEqual([only, only]);
    expect(out.failures).toEqual([{ arn: only, reason: 'RESOURCE:CPU' }]);
  });

  it.each([0, 11])('refuses count %i', async (count) => {
    expect(await rejection(run({ count }))).toBeInstanceOf(InvalidParameterException);
  });

  it('refuses a task definition that does not exist or is INACTIVE', async () => {
    const missing = await rejection(run({ taskDefinition: 'nope' }));
    expect(missing).toBeInstanceOf(InvalidParameterException);
    expect(missing.message).toBe('TaskDefinition not found.');
    const arn = await registerTaskDefinition(h.ecs, 'retired');
    await h.ecs.send(new DeregisterTaskDefinitionCommand({ taskDefinition: arn }));
    expect(await rejection(run({ taskDefinition: arn }))).toBeInstanceOf(ClientException);
  });

  it('refuses a cluster without container instances', async () => {
    await h.ecs.send(new CreateClusterCommand({ clusterName: 'empty' }));
    const err = await rejection(run({ cluster: 'empty' }));
    expect(err).toBeInstanceOf(InvalidParameterException);
    expect(err.message).toBe('No Container Instances were found in your cluster.');
  });

  it.each([
    ['an invalid startedBy', { startedBy: 'not allowed!' }],
    ['a startedBy over 128 characters', { startedBy: 'x'.repeat(129) }],
    ['a clientToken over 64 characters', { clientToken: 'x'.repeat(65) }],
    ['the Fargate launch type', { launchType: 'FARGATE' as const }],
    ['an override for an unknown container', { overrides: { containerOverrides: [{ name: 'other', memory: 64 }] } }],
    ['six strategies', { placementStrategy: Array.from({ length: 6 }, () => ({ type: 'random' as const })) }],
    ['binpack on disk', { placementStrategy: [{ type: 'binpack' as const, field: 'disk' }] }],
    ['eleven constraints', { placementConstraints: Array.from({ length: 11 }, () => ({ type: 'distinctInstance' as const })) }],
    ['distinctInstance with an expression', { placementConstraints: [{ type: 'distinctInstance' as const, expression: 'x' }] }],
    ['memberOf without an expression', { placementConstraints: [{ type: 'memberOf' as const }] }],
    ['memberOf with a bad expression', { placementConstraints: [{ type: 'memberOf' as const, expression: '(attribute:x == a' }] }],
    ['a network configuration for a bridge task', { networkConfiguration: { awsvpcConfiguration: { subnets: ['subnet-1'] } } }],
    ['propagateTags SERVICE', { propagateTags: 'SERVICE' as const }],
  ])('refuses %s (InvalidParameterException)', async (_why, input) => {
    expect(await rejection(run(input))).toBeInstanceOf(InvalidParameterException);
  });

  it('applies overrides to what the task reserves and shows them', async () => {
    const out = await run({
      overrides: { containerOverrides: [{ name: 'app', memory: 300, environment: [{ name: 'MODE', value: 'x' }] }], taskRoleArn: 'arn:aws:iam::123456789012:role/r' },
    });
    const task = out.tasks?.[0];
    expect(task?.memory).toBe('300');
    expect(task?.containers?.[0]?.memory).toBe('300');
    expect(task?.overrides).toMatchObject({
      containerOverrides: [{ name: 'app', memory: 300, environment: [{ name: 'MODE', value: 'x' }] }],
      taskRoleArn: 'arn:aws:iam::123456789012:role/r',
    });
  });

  it('tags tasks: its own, the task definition’s when propagated, and ECS managed tags', async () => {
    await registerTaskDefinition(h.ecs, 'tagged', {}, { tags: [{ key: 'team', value: 'a' }] });
    const out = await run({ taskDefinition: 'tagged', tags: [{ key: 'job', value: '42' }], propagateTags: 'TASK_DEFINITION', enableECSManagedTags: true });
    const arn = out.tasks?.[0]?.taskArn as string;
    const described = await h.ecs.send(new DescribeTasksCommand({ cluster: 'run', tasks: [arn], include: ['TAGS'] }));
    expect(described.tasks?.[0]?.tags).toEqual(
      expect.arrayContaining([
        { key: 'team', value: 'a' },
        { key: 'job', value: '42' },
        { key: 'aws:ecs:clusterName', value: 'run' },
      ]),
    );
    const plain = await h.ecs.send(new DescribeTasksCommand({ cluster: 'run', tasks: [arn] }));
    expect(plain.tasks?.[0]?.tags).toBeUndefined();
  });

  it('gives awsvpc tasks an ENI in one of their subnets and no host ports', async () => {
    await registerTaskDefinition(h.ecs, 'vpc', { portMappings: [{ containerPort: 443 }] }, { networkMode: 'awsvpc' });
    expect(await rejection(run({ taskDefinition: 'vpc' }))).toBeInstanceOf(InvalidParameterException);
    const out = await run({ taskDefinition: 'vpc', networkConfiguration: { awsvpcConfiguration: { subnets: ['subnet-aaa'], securityGroups: ['sg-1'] } } });
    const task = out.tasks?.[0];
    const eni = task?.attachments?.[0];
    expect(eni?.type).toBe('ElasticNetworkInterface');
    const details = Object.fromEntries((eni?.details ?? []).map((d) => [d.name, d.value]));
    expect(details.subnetId).toBe('subnet-aaa');
    expect(details.privateIPv4Address).toMatch(/^10\.0\.\d+\.\d+$/);
    expect(task?.containers?.[0]?.networkInterfaces).toEqual([{ attachmentId: eni?.id, privateIpv4Address: details.privateIPv4Address }]);
    await h.advance(5000);
    const running = (await h.ecs.send(new DescribeTasksCommand({ cluster: 'run', tasks: [task?.taskArn as string] }))).tasks?.[0];
    expect(running?.attachments?.[0]?.status).toBe('ATTACHED');
    expect(running?.containers?.[0]?.networkBindings).toEqual([]);
  });
});

describe('ECS simulator: RunTask clientToken', () => {
  it('returns the same tasks for the same token and parameters, without starting new ones', async () => {
    const first = await run({ clientToken: 'deploy-1', count: 2, startedBy: 'token-test' });
    const again = await run({ startedBy: 'token-test', count: 2, clientToken: 'deploy-1' });
    expect(again.tasks?.map((t) => t.taskArn)).toEqual(first.tasks?.map((t) => t.taskArn));
    const listed = await h.ecs.send(new ListTasksCommand({ cluster: 'run', startedBy: 'token-test' }));
    expect(listed.taskArns).toHaveLength(2);
  });

  it('answers ConflictException, naming the earlier tasks, for the same token with other parameters', async () => {
    const first = await run({ clientToken: 'deploy-2', startedBy: 'token-test' });
    const err = await rejection(run({ clientToken: 'deploy-2', startedBy: 'token-test', count: 2 }));
    expect(err).toBeInstanceOf(ConflictException);
    expect((err as unknown as ConflictException).resourceIds).toEqual([first.tasks?.[0]?.taskArn]);
  });

  it('forgets a token after 24 hours', async () => {
    const first = await run({ clientToken: 'deploy-3', startedBy: 'token-old' });
    await h.advance(24 * 60 * 60_000);
    const later = await run({ clientToken: 'deploy-3', startedBy: 'token-old' });
    expect(later.tasks?.[0]?.taskArn).not.toBe(first.tasks?.[0]?.taskArn);
  });
});

describe('ECS simulator: StartTask', () => {
  it('starts tasks on the named instances and reports the ones that cannot take it', async () => {
    await h.ecs.send(new CreateClusterCommand({ clusterName: 'manual' }));
    const one = await registerInstance(h.ecs, { cluster: 'manual', instanceId: 'i-0000000000000d001', cpu: 1024 });
    const tiny = await registerInstance(h.ecs, { cluster: 'manual', instanceId: 'i-0000000000000d002', cpu: 128 });
    const drained = await registerInstance(h.ecs, { cluster: 'manual', instanceId: 'i-0000000000000d003', cpu: 1024 });
    await h.ecs.send(new UpdateContainerInstancesStateCommand({ cluster: 'manual', containerInstances: [drained], status: 'DRAINING' }));
    const ghost = 'e'.repeat(32);
    const out = await h.ecs.send(
      new StartTaskCommand({ cluster: 'manual', taskDefinition: 'web', containerInstances: [one, tiny, drained, ghost], startedBy: 'daemon' }),
    );
    expect(out.tasks?.map((t) => t.containerInstanceArn)).toEqual([one]);
    expect(out.failures).toEqual([
      { arn: tiny, reason: 'RESOURCE:CPU' },
      { arn: drained, reason: 'DRAINING' },
      { arn: `arn:aws:ecs:us-east-1:123456789012:container-instance/manual/${ghost}`, reason: 'MISSING' },
    ]);
  });

  it('refuses more than 10 instances', async () => {
    const refs = Array.from({ length: 11 }, (_, i) => String(i).padStart(32, '0'));
    const err = await rejection(h.ecs.send(new StartTaskCommand({ cluster: 'manual', taskDefinition: 'web', containerInstances: refs })));
    expect(err).toBeInstanceOf(InvalidParameterException);
  });
});
