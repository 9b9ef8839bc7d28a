/**
 * The API's task and instance actions end to end: the API handler on the world of
 * test/helpers/world.ts (the simulator on a virtual clock, DynamoDB Local, and Shepherd's task and
 * instance handlers subscribed as serverless.yml subscribes them). What a user sees: the task they
 * stop is replaced, the instance they drain is emptied, the instance they terminate is replaced by
 * its group and its tasks run elsewhere.
 */
import { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import { DescribeTasksCommand } from '@aws-sdk/client-ecs';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiHandler } from '../../shared/api/handler';
import { answer, apiEvent, type ApiAnswer, type ApiRequest } from '../helpers/api';
import { makeWorld, STAGE, type World } from '../helpers/world';

let w: World;
let autoScaling: AutoScalingClient;
let handler: ReturnType<typeof createApiHandler>;

const ALICE = 'arn:aws:iam::123456789012:user/alice';

/** A request as API Gateway passes it on once IAM has authorised `userArn`. */
async function call(req: ApiRequest, userArn?: string): Promise<ApiAnswer> {
  const event = await apiEvent(req);
  if (!userArn) return answer(handler, event);
  const authorised = { ...event, requestContext: { ...event.requestContext, authorizer: { iam: { accessKey: 'AKIAEXAMPLE', accountId: '123456789012', userArn } } } };
  return answer(handler, authorised as APIGatewayProxyEventV2);
}

const idOf = (arn: string) => arn.slice(arn.lastIndexOf('/') + 1);
const live = (service: string) => w.liveTasks(service);
const liveOn = (service: string, instanceArn: string) =>
  w.sim.ecs.snapshot().tasks.filter((t) => t.group === `shepherd:${service}` && t.lastStatus !== 'STOPPED' && t.containerInstanceArn === instanceArn);
const instances = () => w.sim.ecs.snapshot().instances;

beforeAll(async () => {
  w = await makeWorld({ instances: 3 });
  autoScaling = new AutoScalingClient({ endpoint: w.sim.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' }, maxAttempts: 1 });
  handler = createApiHandler({ store: w.store, ecs: w.ecs, autoScaling, now: () => new Date(w.clock.now()), stage: STAGE });
  await w.launchService({ name: 'web', desiredCount: 6 });
  await w.launchService({ name: 'api', taskDefinition: 'api:1', desiredCount: 1 });
});
afterAll(async () => {
  autoScaling?.destroy();
  await w?.close();
});

describe('GET /services/{name}/tasks', () => {
  it("lists the service's tasks with their ids, as last observed; 404 for an unknown service", async () => {
    const a = await call({ method: 'GET', path: '/services/web/tasks' });
    expect(a.status).toBe(200);
    const running = a.body.items.filter((t: { lastStatus: string }) => t.lastStatus === 'RUNNING');
    expect(running.map((t: { taskArn: string }) => t.taskArn).sort()).toEqual(live('web').map((t) => t.arn).sort());
    for (const t of a.body.items) expect(t.taskArn.endsWith(`/${t.taskId}`)).toBe(true);
    const page = await call({ method: 'GET', path: '/services/web/tasks', query: { limit: '2' } });
    expect(page.body.items).toHaveLength(2);
    expect(page.body.nextToken).toEqual(expect.any(String));
    expect((await call({ method: 'GET', path: '/services/ghost/tasks' })).status).toBe(404);
  });
});

describe('POST /services/{name}/tasks/{taskId}/stop', () => {
  it('stops the task with a reason naming the caller, and the service replaces it', async () => {
    const victim = live('web')[0]!.arn;
    const a = await call({ method: 'POST', path: `/services/web/tasks/${idOf(victim)}/stop`, body: { reason: 'stuck on a bad connection' } }, ALICE);
    expect(a.status).toBe(202);
    const reason = `Stopped through Shepherd's API by ${ALICE}: stuck on a bad connection`;
    expect(a.body).toMatchObject({ service: 'web', cluster: 'prod', taskArn: victim, taskId: idOf(victim), desiredStatus: 'STOPPED', stoppedReason: reason });

    await w.settle(60_000);
    const described = await w.ecs.send(new DescribeTasksCommand({ cluster: 'prod', tasks: [victim] }));
    expect(described.tasks?.[0]).toMatchObject({ lastStatus: 'STOPPED', stoppedReason: reason });
    // Not one of Shepherd's own stops: no stop intent, a replacement instead.
    const stored = await w.store.tasks.get('web', victim);
    expect(stored?.stopIntent).toBeUndefined();
    expect(stored?.replacedBy).toEqual(expect.any(String));
    expect(live('web')).toHaveLength(6);
    expect(live('web').map((t) => t.arn)).not.toContain(victim);

    // Asking again once it has stopped changes nothing.
    const again = await call({ method: 'POST', path: `/services/web/tasks/${idOf(victim)}/stop` });
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ taskArn: victim, lastStatus: 'STOPPED' });
  });

  it('without an IAM identity (the open local API) the reason says so', async () => {
    const victim = live('web')[1]!.arn;
    const a = await call({ method: 'POST', path: `/services/web/tasks/${idOf(victim)}/stop`, body: {} });
    expect(a.status).toBe(202);
    expect(a.body.stoppedReason).toBe("Stopped through Shepherd's API by an unauthenticated caller (127.0.0.1)");
    await w.settle(30_000);
    expect(live('web')).toHaveLength(6);
  });

  it("404 for a task of another service, an unknown id or service; 400 for what is not a task id or a bad body", async () => {
    const apiTask = live('api')[0]!.arn;
    const other = await call({ method: 'POST', path: `/services/web/tasks/${idOf(apiTask)}/stop` });
    expect(other.status).toBe(404);
    expect(other.body.detail).toMatch(/service web has no task/);
    expect((await call({ method: 'POST', path: `/services/web/tasks/${'0'.repeat(32)}/stop` })).status).toBe(404);
    expect((await call({ method: 'POST', path: `/services/ghost/tasks/${idOf(apiTask)}/stop` })).status).toBe(404);
    const bad = await call({ method: 'POST', path: '/services/web/tasks/not-a-task/stop' });
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].field).toBe('path.taskId');
    const long = await call({ method: 'POST', path: `/services/api/tasks/${idOf(apiTask)}/stop`, body: { reason: 'x'.repeat(101) } });
    expect(long.status).toBe(400);
    expect((await call({ method: 'POST', path: `/services/api/tasks/${idOf(apiTask)}/stop`, body: { force: true } })).status).toBe(400);
    // Nothing was stopped by the refused requests.
    expect(live('api').map((t) => t.arn)).toContain(apiTask);
  });
});

describe('POST /clusters/{name}/instances/{id}/drain and /activate', () => {
  it('drains an instance named by its EC2 id: Shepherd moves the tasks off it; activate (by container instance id) reopens it', async () => {
    const host = instances().find((i) => i.status === 'ACTIVE' && liveOn('web', i.arn).length > 0)!;
    const a = await call({ method: 'POST', path: `/clusters/prod/instances/${host.ec2InstanceId}/drain` });
    expect(a.status).toBe(202);
    expect(a.body).toMatchObject({ cluster: 'prod', containerInstanceArn: host.arn, ec2InstanceId: host.ec2InstanceId, status: 'DRAINING' });
    await w.settle(120_000);
    expect(liveOn('web', host.arn)).toHaveLength(0);
    expect(live('web').filter((t) => t.lastStatus === 'RUNNING')).toHaveLength(6);

    const back = await call({ method: 'POST', path: `/clusters/prod/instances/${idOf(host.arn)}/activate`, body: {} });
    expect(back.status).toBe(200);
    expect(back.body.status).toBe('ACTIVE');
    expect(instances().find((i) => i.arn === host.arn)?.status).toBe('ACTIVE');
  });

  it('404 for an instance the cluster does not have, 400 for what is not an instance id', async () => {
    expect((await call({ method: 'POST', path: '/clusters/prod/instances/i-0123456789abcdef0/drain' })).status).toBe(404);
    expect((await call({ method: 'POST', path: `/clusters/other/instances/${instances()[0]!.ec2InstanceId}/drain` })).status).toBe(404);
    const bad = await call({ method: 'POST', path: '/clusters/prod/instances/web-1/drain' });
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].field).toBe('path.id');
    expect((await call({ method: 'GET', path: '/clusters/prod/instances/i-0123456789abcdef0/drain' })).status).toBe(405);
  });
});

describe('POST /clusters/{name}/instances/{id}/terminate', () => {
  it('409 while the cluster has no capacity settings; nothing is terminated', async () => {
    const host = instances().find((i) => i.status === 'ACTIVE')!;
    const a = await call({ method: 'POST', path: `/clusters/prod/instances/${host.ec2InstanceId}/terminate` });
    expect(a.status).toBe(409);
    expect(a.body.detail).toMatch(/no capacity settings/);
    expect(w.sim.autoscaling.instances('prod-asg').filter((i) => i.lifecycleState === 'InService')).toHaveLength(3);
  });

  it("terminates an instance of the cluster's group: the group replaces it and Shepherd runs its tasks elsewhere", async () => {
    const cluster = await w.store.clusters.ensure('prod');
    await w.store.clusters.setCapacity('prod', cluster.revision, { autoScalingGroupName: 'prod-asg', minSize: 3, maxSize: 6, targetUtilizationPercent: 80 });
    const host = instances().find((i) => i.status === 'ACTIVE' && liveOn('web', i.arn).length > 0)!;

    const a = await call({ method: 'POST', path: `/clusters/prod/instances/${idOf(host.arn)}/terminate` });
    expect(a.status).toBe(202);
    expect(a.body).toMatchObject({ cluster: 'prod', ec2InstanceId: host.ec2InstanceId, containerInstanceArn: host.arn, autoScalingGroupName: 'prod-asg', lifecycleState: 'InService' });
    expect(a.body.activity.description).toBe(`Terminating EC2 instance: ${host.ec2InstanceId}`);
    const again = await call({ method: 'POST', path: `/clusters/prod/instances/${host.ec2InstanceId}/terminate` });
    expect(again.status).toBe(200);
    expect(again.body.lifecycleState).toMatch(/^Terminating/);
    expect(again.body.activity).toBeUndefined();

    await w.settle(120_000);
    expect(instances().find((i) => i.arn === host.arn)?.status).toBe('INACTIVE');
    expect(w.sim.autoscaling.instances('prod-asg').filter((i) => i.lifecycleState === 'InService')).toHaveLength(3);
    expect(w.sim.autoscaling.capacity('prod-asg').desired).toBe(3);
    expect(liveOn('web', host.arn)).toHaveLength(0);
    expect(live('web').filter((t) => t.lastStatus === 'RUNNING')).toHaveLength(6);

    // A gone instance can be neither drained nor terminated again.
    expect((await call({ method: 'POST', path: `/clusters/prod/instances/${host.ec2InstanceId}/drain` })).status).toBe(409);
  });

  it("409 for an instance of another group, even in the same cluster", async () => {
    w.sim.autoscaling.createGroup({ name: 'side-asg', cluster: 'prod', instanceType: 'm5.large', availabilityZones: ['us-east-1a'], min: 1, max: 1, desired: 1, warmupMs: 1000 });
    await w.settle(5_000);
    const side = w.sim.autoscaling.instances('side-asg')[0]!;
    const a = await call({ method: 'POST', path: `/clusters/prod/instances/${side.instanceId}/terminate` });
    expect(a.status).toBe(409);
    expect(a.body.detail).toBe(`${side.instanceId} is in the Auto Scaling group side-asg, not in prod-asg, the group of cluster prod`);
    expect(w.sim.autoscaling.instances('side-asg')[0]?.lifecycleState).toBe('InService');
  });
});
