/** ELBv2 simulator: ip targets of awsvpc tasks, and a group's fixed health check port. */
import { CreateTargetGroupCommand, DescribeTargetHealthCommand, RegisterTargetsCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import { CreateClusterCommand, DescribeTasksCommand, RunTaskCommand, StopTaskCommand } from '@aws-sdk/client-ecs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerInstance, registerTaskDefinition, rejection } from './ecs-harness';
import { startElb, targetHealth, type ElbHarness } from './elbv2-harness';

const HOST = 'i-0a0b000000000000a';
const APP_PORT = 8080;
/** Task start in the ECS simulator with default delays. */
const START = 5_000;
/** Groups below check every 5 s; 2 successes make healthy, 2 failures unhealthy. */
const INTERVAL = 5_000;

let h: ElbHarness;
beforeAll(async () => {
  h = await startElb();
  await h.ecs.send(new CreateClusterCommand({ clusterName: 'vpc' }));
  await registerInstance(h.ecs, { cluster: 'vpc', instanceId: HOST, availabilityZone: 'us-east-1c', cpu: 4096, memory: 8192 });
  await registerTaskDefinition(h.ecs, 'api', { cpu: 256, memory: 256, portMappings: [{ containerPort: APP_PORT }] }, { networkMode: 'awsvpc' });
});
afterAll(() => h.close());

async function ipGroup(name: string, extra: { Port?: number; HealthCheckPort?: string; TargetType?: 'ip' | 'instance' } = {}): Promise<string> {
  const out = await h.elb.send(
    new CreateTargetGroupCommand({
      Name: name,
      Protocol: 'HTTP',
      Port: extra.Port ?? APP_PORT,
      VpcId: 'vpc-0abc1234def567890',
      TargetType: extra.TargetType ?? 'ip',
      HealthCheckIntervalSeconds: INTERVAL / 1000,
      HealthyThresholdCount: 2,
      UnhealthyThresholdCount: 2,
      ...(extra.HealthCheckPort ? { HealthCheckPort: extra.HealthCheckPort } : {}),
    }),
  );
  return out.TargetGroups?.[0]?.TargetGroupArn ?? '';
}

/** Runs an awsvpc task until RUNNING; returns its ARN and its ENI's private address. */
async function runApi(): Promise<{ taskArn: string; ip: string }> {
  const out = await h.ecs.send(
    new RunTaskCommand({ cluster: 'vpc', taskDefinition: 'api', networkConfiguration: { awsvpcConfiguration: { subnets: ['subnet-0c'] } } }),
  );
  const taskArn = out.tasks?.[0]?.taskArn ?? '';
  await h.advance(START);
  const task = (await h.ecs.send(new DescribeTasksCommand({ cluster: 'vpc', tasks: [taskArn] }))).tasks?.[0];
  expect(task?.lastStatus).toBe('RUNNING');
  const ip = task?.containers?.[0]?.networkInterfaces?.[0]?.privateIpv4Address ?? '';
  expect(ip).toMatch(/^10\.\d+\.\d+\.\d+$/);
  return { taskArn, ip };
}

const register = (arn: string, Id: string, Port?: number) =>
  h.elb.send(new RegisterTargetsCommand({ TargetGroupArn: arn, Targets: [{ Id, ...(Port ? { Port } : {}) }] }));

describe('ip targets', () => {
  it('follow the awsvpc task holding the address: healthy after the checks, unhealthy once it stops', async () => {
    const arn = await ipGroup('api-ip');
    const { taskArn, ip } = await runApi();
    await register(arn, ip);
    const described = await targetHealth(h.elb, arn);
    expect(described).toEqual([{ id: ip, port: APP_PORT, state: 'initial', reason: 'Elb.RegistrationInProgress' }]);
    const raw = await h.elb.send(new DescribeTargetHealthCommand({ TargetGroupArn: arn }));
    expect(raw.TargetHealthDescriptions?.[0]?.Target).toEqual({ Id: ip, Port: APP_PORT, AvailabilityZone: 'us-east-1c' });
    expect(raw.TargetHealthDescriptions?.[0]?.HealthCheckPort).toBe(String(APP_PORT));

    await h.advance(2 * INTERVAL);
    expect(await targetHealth(h.elb, arn)).toEqual([{ id: ip, port: APP_PORT, state: 'healthy' }]);

    await h.ecs.send(new StopTaskCommand({ cluster: 'vpc', task: taskArn }));
    await h.advance(2 * INTERVAL);
    expect(await targetHealth(h.elb, arn)).toEqual([{ id: ip, port: APP_PORT, state: 'unhealthy', reason: 'Target.FailedHealthChecks' }]);
  });

  it('accept private addresses nothing holds (they fail their checks) and refuse public ones and instance ids', async () => {
    const arn = await ipGroup('api-free');
    await register(arn, '10.250.0.9');
    await h.advance(2 * INTERVAL);
    expect(await targetHealth(h.elb, arn)).toEqual([{ id: '10.250.0.9', port: APP_PORT, state: 'unhealthy', reason: 'Target.FailedHealthChecks' }]);
    for (const id of ['8.8.8.8', HOST, '10.0.0.300']) {
      expect((await rejection(register(arn, id))).name, id).toBe('InvalidTargetException');
    }
  });

  it('are not reachable as instance targets on the host: an awsvpc task holds no host port', async () => {
    const arn = await ipGroup('api-instance', { TargetType: 'instance' });
    await runApi();
    await register(arn, HOST);
    await h.advance(2 * INTERVAL);
    expect((await targetHealth(h.elb, arn))[0]?.state).toBe('unhealthy');
  });
});

describe('a fixed health check port', () => {
  it('is probed instead of the traffic port, and reported with each target', async () => {
    const arn = await ipGroup('api-hc-port', { Port: 9999, HealthCheckPort: String(APP_PORT) });
    const { ip } = await runApi();
    await register(arn, ip);
    await h.advance(2 * INTERVAL);
    expect(await targetHealth(h.elb, arn)).toEqual([{ id: ip, port: 9999, state: 'healthy' }]);
    const raw = await h.elb.send(new DescribeTargetHealthCommand({ TargetGroupArn: arn }));
    expect(raw.TargetHealthDescriptions?.[0]?.HealthCheckPort).toBe(String(APP_PORT));
  });
});
