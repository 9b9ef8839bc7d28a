import {
  CreateClusterCommand,
  DescribeContainerInstancesCommand,
  DescribeTasksCommand,
  InvalidParameterException,
  ListTagsForResourceCommand,
  ListTasksCommand,
  RunTaskCommand,
  StopTaskCommand,
  TagResourceCommand,
  UntagResourceCommand,
} from '@aws-sdk/client-ecs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { integerResource, portsResource, registerInstance, registerTaskDefinition, rejection, startEcs, type EcsHarness } from './ecs-harness';

let h: EcsHarness;
let ci: string;
let other: string;

beforeAll(async () => {
  h = await startEcs();
  await h.ecs.send(new CreateClusterCommand({ clusterName: 'work' }));
  ci = await registerInstance(h.ecs, { cluster: 'work', instanceId: 'i-0000000000000a001', cpu: 4096, memory: 8192 });
  other = await registerInstance(h.ecs, { cluster: 'work', instanceId: 'i-0000000000000a002', cpu: 4096, memory: 8192 });
  await registerTaskDefinition(h.ecs, 'svc', { cpu: 512, memory: 1024, portMappings: [{ containerPort: 80, hostPort: 8080 }] });
  await registerTaskDefinition(h.ecs, 'batch', { cpu: 128, memory: 128 });
});
afterAll(() => h.close());

async function runOn(instance: string, taskDefinition: string, startedBy?: string): Promise<string> {
  const out = await h.ecs.send(
    new RunTaskCommand({
      cluster: 'work',
      taskDefinition,
      startedBy,
      placementConstraints: [{ type: 'memberOf', expression: `ec2InstanceId == ${instance === ci ? 'i-0000000000000a001' : 'i-0000000000000a002'}` }],
    }),
  );
  return out.tasks?.[0]?.taskArn as string;
}

const describeTask = async (arn: string) => (await h.ecs.send(new DescribeTasksCommand({ cluster: 'work', tasks: [arn] }))).tasks?.[0];
const remaining = async (arn: string) =>
  (await h.ecs.send(new DescribeContainerInstancesCommand({ cluster: 'work', containerInstances: [arn] }))).containerInstances?.[0]
    ?.remainingResources;

describe('ECS simulator: StopTask', () => {
  it('sets desired STOPPED at once, stops after the stop delay, then frees the resources', async () => {
    const arn = await runOn(ci, 'svc', 'stopper');
    await h.advance(10_000);
    expect(integerResource(await remaining(ci), 'CPU')).toBe(4096 - 512);
    expect(portsResource(await remaining(ci), 'PORTS')).toContain(8080);

    const t0 = h.clock.now();
    const out = await h.ecs.send(new StopTaskCommand({ cluster: 'work', task: arn, reason: 'Scaling in' }));
    // As ECS answers StopTask: desired STOPPED at once, the agent has not acted yet.
    expect(out.task).toMatchObject({ desiredStatus: 'STOPPED', lastStatus: 'RUNNING', stopCode: 'UserInitiated', stoppedReason: 'Scaling in', version: 4 });
    await h.advance(0);
    const stopping = await describeTask(arn);
    expect(stopping).toMatchObject({ lastStatus: 'STOPPING', version: 5 });
    expect(stopping?.stoppingAt?.getTime()).toBe(t0);
    // STOPPING still holds the resources.
    expect(integerResource(await remaining(ci), 'CPU')).toBe(4096 - 512);

    await h.advance(2000);
    const stopped = await describeTask(arn);
    expect(stopped).toMatchObject({ lastStatus: 'STOPPED', version: 6 });
    expect(stopped?.stoppedAt?.getTime()).toBe(t0 + 2000);
    expect(stopped?.containers?.[0]).toMatchObject({ lastStatus: 'STOPPED', exitCode: 0 });
    expect(integerResource(await remaining(ci), 'CPU')).toBe(4096);
    expect(portsResource(await remaining(ci), 'PORTS')).not.toContain(8080);

    const stops = h.events('ECS Task State Change').filter((e) => e.resources[0] === arn).slice(-3);
    expect(stops.map((e) => [e.detail.lastStatus, e.detail.desiredStatus, e.detail.version])).toEqual([
      ['RUNNING', 'STOPPED', 4],
      ['STOPPING', 'STOPPED', 5],
      ['STOPPED', 'STOPPED', 6],
    ]);
  });

  it('stopping a stopped task changes nothing', async () => {
    const arn = await runOn(ci, 'batch');
    await h.ecs.send(new StopTaskCommand({ cluster: 'work', task: arn }));
    await h.advance(5000);
    const out = await h.ecs.send(new StopTaskCommand({ cluster: 'work', task: arn, reason: 'again' }));
    expect(out.task).toMatchObject({ lastStatus: 'STOPPED', stoppedReason: 'Task stopped by user' });
  });

  it('refuses an unknown task', async () => {
    const err = await rejection(h.ecs.send(new StopTaskCommand({ cluster: 'work', task: '0'.repeat(32) })));
    expect(err).toBeInstanceOf(InvalidParameterException);
    expect(err.message).toBe('The referenced task was not found.');
  });
});

describe('ECS simulator: ListTasks and DescribeTasks', () => {
  let a1: string;
  let a2: string;
  let b1: string;
  let stopped: string;

  beforeAll(async () => {
    a1 = await runOn(ci, 'batch', 'job-a');
    a2 = await runOn(other, 'batch', 'job-a');
    b1 = await runOn(other, 'svc', 'job-b');
    stopped = await runOn(ci, 'batch', 'job-a');
    await h.ecs.send(new StopTaskCommand({ cluster: 'work', task: stopped }));
    await h.advance(10_000);
  });

  it('lists tasks whose desired status is RUNNING unless STOPPED is asked', async () => {
    const running = await h.ecs.send(new ListTasksCommand({ cluster: 'work', startedBy: 'job-a' }));
    expect(running.taskArns).toEqual([a1, a2]);
    const gone = await h.ecs.send(new ListTasksCommand({ cluster: 'work', startedBy: 'job-a', desiredStatus: 'STOPPED' }));
    expect(gone.taskArns).toEqual([stopped]);
    const pending = await h.ecs.send(new ListTasksCommand({ cluster: 'work', desiredStatus: 'PENDING' }));
    expect(pending.taskArns).toEqual([]);
  });

  it('filters by family, container instance, launch type and service name', async () => {
    expect((await h.ecs.send(new ListTasksCommand({ cluster: 'work', family: 'svc' }))).taskArns).toEqual([b1]);
    const onOther = await h.ecs.send(new ListTasksCommand({ cluster: 'work', containerInstance: other.split('/').pop() }));
    expect(onOther.taskArns).toEqual([a2, b1]);
    expect((await h.ecs.send(new ListTasksCommand({ cluster: 'work', launchType: 'FARGATE' }))).taskArns).toEqual([]);
    expect((await h.ecs.send(new ListTasksCommand({ cluster: 'work', serviceName: 'web' }))).taskArns).toEqual([]);
  });

  it('pages with maxResults and nextToken, and refuses maxResults over 100', async () => {
    const all = (await h.ecs.send(new ListTasksCommand({ cluster: 'work' }))).taskArns ?? [];
    expect(all.length).toBeGreaterThanOrEqual(3);
    const seen: string[] = [];
    let token: string | undefined;
    do {
      const page = await h.ecs.send(new ListTasksCommand({ cluster: 'work', maxResults: 2, nextToken: token }));
      expect(page.taskArns?.length).toBeLessThanOrEqual(2);
      seen.push(...(page.taskArns ?? []));
      token = page.nextToken;
    } while (token);
    expect(seen).toEqual(all);
    expect(await rejection(h.ecs.send(new ListTasksCommand({ cluster: 'work', maxResults: 101 })))).toBeInstanceOf(InvalidParameterException);
    expect(await rejection(h.ecs.send(new ListTasksCommand({ cluster: 'work', nextToken: 'garbage!' })))).toBeInstanceOf(InvalidParameterException);
  });

  it('describes by id or ARN, reports unknown tasks as MISSING, and refuses more than 100', async () => {
    const id = a1.split('/').pop() as string;
    const out = await h.ecs.send(new DescribeTasksCommand({ cluster: 'work', tasks: [id, b1, 'f'.repeat(32)] }));
    expect(out.tasks?.map((t) => t.taskArn)).toEqual([a1, b1]);
    expect(out.failures).toEqual([{ arn: `arn:aws:ecs:us-east-1:123456789012:task/work/${'f'.repeat(32)}`, reason: 'MISSING' }]);
    const tooMany = Array.from({ length: 101 }, (_, i) => String(i).padStart(32, '0'));
    expect(await rejection(h.ecs.send(new DescribeTasksCommand({ cluster: 'work', tasks: tooMany })))).toBeInstanceOf(InvalidParameterException);
    expect(await rejection(h.ecs.send(new DescribeTasksCommand({ cluster: 'work', tasks: [] })))).toBeInstanceOf(InvalidParameterException);
  });

  it('keeps a stopped task describable for an hour, then it is gone', async () => {
    await h.advance(60 * 60_000 - 20_000);
    expect((await describeTask(stopped))?.lastStatus).toBe('STOPPED');
    await h.advance(20_000);
    const out = await h.ecs.send(new DescribeTasksCommand({ cluster: 'work', tasks: [stopped] }));
    expect(out.failures).toEqual([{ arn: stopped, reason: 'MISSING' }]);
    const list = await h.ecs.send(new ListTasksCommand({ cluster: 'work', desiredStatus: 'STOPPED', startedBy: 'job-a' }));
    expect(list.taskArns).toEqual([]);
  });
});

describe('ECS simulator: tags', () => {
  it('tags and untags tasks, container instances, clusters and task definitions', async () => {
    const task = await runOn(ci, 'batch');
    const resources = [task, ci, 'arn:aws:ecs:us-east-1:123456789012:cluster/work', 'arn:aws:ecs:us-east-1:123456789012:task-definition/batch:1'];
    for (const resourceArn of resources) {
      await h.ecs.send(new TagResourceCommand({ resourceArn, tags: [{ key: 'env', value: 'test' }, { key: 'tmp', value: '1' }] }));
      await h.ecs.send(new UntagResourceCommand({ resourceArn, tagKeys: ['tmp'] }));
      const out = await h.ecs.send(new ListTagsForResourceCommand({ resourceArn }));
      expect(out.tags).toEqual([{ key: 'env', value: 'test' }]);
    }
    const described = await h.ecs.send(new DescribeTasksCommand({ cluster: 'work', tasks: [task], include: ['TAGS'] }));
    expect(described.tasks?.[0]?.tags).toEqual([{ key: 'env', value: 'test' }]);
  });

  it('answers ResourceNotFoundException for an unknown task and InvalidParameterException for a malformed ARN', async () => {
    const missing = await rejection(
      h.ecs.send(new ListTagsForResourceCommand({ resourceArn: `arn:aws:ecs:us-east-1:123456789012:task/work/${'0'.repeat(32)}` })),
    );
    expect(missing.name).toBe('ResourceNotFoundException');
    const malformed = await rejection(h.ecs.send(new ListTagsForResourceCommand({ resourceArn: 'not-an-arn' })));
    expect(malformed).toBeInstanceOf(InvalidParameterException);
  });
});
