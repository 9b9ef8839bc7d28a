/**
 * ELBv2 simulator: instance targets whose health follows real ECS simulator tasks on the virtual
 * clock. Groups check every 5 s; 2 successes make a target healthy, 3 failures unhealthy.
 */
import {
  DeregisterTargetsCommand,
  DescribeTargetHealthCommand,
  ModifyTargetGroupAttributesCommand,
  RegisterTargetsCommand,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { CreateClusterCommand, DescribeTasksCommand, RunTaskCommand, StopTaskCommand } from '@aws-sdk/client-ecs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerInstance, registerTaskDefinition, rejection } from './ecs-harness';
import { startElb, targetHealth, type ElbHarness } from './elbv2-harness';

const INTERVAL = 5_000;
const HEALTHY_AFTER = 2 * INTERVAL;
/** Task start in the ECS simulator with default delays: provisioning 1 s, pull 3 s, start 1 s. */
const START = 5_000;
const HOST = 'i-0e1b0000000000001';
const OTHER_HOST = 'i-0e1b0000000000002';
const STATIC_PORT = 8080;

let h: ElbHarness;
beforeAll(async () => {
  h = await startElb();
  await h.ecs.send(new CreateClusterCommand({ clusterName: 'lb' }));
  await registerInstance(h.ecs, { cluster: 'lb', instanceId: HOST, cpu: 8192, memory: 16384 });
  await registerInstance(h.ecs, { cluster: 'lb', instanceId: OTHER_HOST, cpu: 8192, memory: 16384 });
  await registerTaskDefinition(h.ecs, 'web', { cpu: 128, memory: 128, portMappings: [{ containerPort: 80, hostPort: STATIC_PORT }] });
  await registerTaskDefinition(h.ecs, 'dyn', { cpu: 128, memory: 128, portMappings: [{ containerPort: 80 }] });
  await registerTaskDefinition(h.ecs, 'sick', { cpu: 128, memory: 128, portMappings: [{ containerPort: 80 }] });
  h.sim.ecs.setFailureModel('sick', { kind: 'unhealthy', afterMs: 30_000 });
});
afterAll(() => h.close());

const group = (name: string, deregistrationDelaySeconds = 300) =>
  h.sim.elbv2.createTargetGroup({
    name,
    port: 80,
    healthCheckIntervalSeconds: INTERVAL / 1000,
    healthyThresholdCount: 2,
    unhealthyThresholdCount: 3,
    deregistrationDelaySeconds,
  });

/** Runs one task on the host and waits until it is RUNNING; returns its ARN and TCP host port. */
async function runOn(host: string, family: string): Promise<{ taskArn: string; hostPort: number }> {
  const ci = h.sim.ecs.snapshot().instances.find((i) => i.ec2InstanceId === host)?.arn;
  const out = await h.ecs.send(new RunTaskCommand({ cluster: 'lb', taskDefinition: family, placementConstraints: [{ type: 'memberOf', expression: `ec2InstanceId == ${host}` }] }));
  const taskArn = out.tasks?.[0]?.taskArn ?? '';
  expect(out.tasks?.[0]?.containerInstanceArn).toBe(ci);
  await h.advance(START);
  const described = await h.ecs.send(new DescribeTasksCommand({ cluster: 'lb', tasks: [taskArn] }));
  expect(described.tasks?.[0]?.lastStatus).toBe('RUNNING');
  return { taskArn, hostPort: described.tasks?.[0]?.containers?.[0]?.networkBindings?.[0]?.hostPort ?? -1 };
}

const register = (arn: string, Id: string, Port: number) => h.elb.send(new RegisterTargetsCommand({ TargetGroupArn: arn, Targets: [{ Id, Port }] }));
const deregister = (arn: string, Id: string, Port: number) =>
  h.elb.send(new DeregisterTargetsCommand({ TargetGroupArn: arn, Targets: [{ Id, Port }] }));
const health = async (arn: string, Id: string, Port: number) => (await targetHealth(h.elb, arn, [{ Id, Port }]))[0];
const stop = async (taskArn: string) => {
  await h.ecs.send(new StopTaskCommand({ cluster: 'lb', task: taskArn }));
  await h.advance(0);
};

describe('instance targets', () => {
  it('are initial while registering and checking, healthy after interval × healthy threshold, unhealthy after a stop', async () => {
    const arn = group('life');
    const { taskArn } = await runOn(HOST, 'web');
    const t0 = h.clock.now();
    await register(arn, HOST, STATIC_PORT);
    expect(await health(arn, HOST, STATIC_PORT)).toEqual({ id: HOST, port: STATIC_PORT, state: 'initial', reason: 'Elb.RegistrationInProgress' });

    await h.advance(INTERVAL);
    expect(await health(arn, HOST, STATIC_PORT)).toMatchObject({ state: 'initial', reason: 'Elb.InitialHealthChecking' });
    await h.advance(HEALTHY_AFTER - INTERVAL - 1);
    expect((await health(arn, HOST, STATIC_PORT))?.state).toBe('initial');
    await h.advance(1);
    expect(await health(arn, HOST, STATIC_PORT)).toEqual({ id: HOST, port: STATIC_PORT, state: 'healthy' });
    expect(h.sim.elbv2.targets(arn)).toEqual([{ id: HOST, port: STATIC_PORT, state: 'healthy', registeredAt: t0 }]);

    // Stopped 2 s after turning healthy: checks at t0+15, +20 and +25 s fail; the third makes it unhealthy.
    await h.advance(2_000);
    await stop(taskArn);
    const third = t0 + 25_000;
    await h.advance(third - h.clock.now() - 1);
    expect((await health(arn, HOST, STATIC_PORT))?.state).toBe('healthy');
    await h.advance(1);
    expect(await health(arn, HOST, STATIC_PORT)).toEqual({ id: HOST, port: STATIC_PORT, state: 'unhealthy', reason: 'Target.FailedHealthChecks' });
  });

  it('turn unhealthy after interval × unhealthy threshold when nothing listens, and health follows the port', async () => {
    const arn = group('ports');
    const { hostPort } = await runOn(HOST, 'dyn');
    expect(hostPort).toBeGreaterThanOrEqual(32768);
    await register(arn, HOST, hostPort);
    await register(arn, HOST, hostPort + 1);
    await h.advance(3 * INTERVAL);
    expect(await targetHealth(h.elb, arn)).toEqual([
      { id: HOST, port: hostPort, state: 'healthy' },
      { id: HOST, port: hostPort + 1, state: 'unhealthy', reason: 'Target.FailedHealthChecks' },
    ]);
  });

  it('turn unhealthy when the failure model makes the task unhealthy', async () => {
    const arn = group('sick');
    const { hostPort } = await runOn(HOST, 'sick');
    const t0 = h.clock.now();
    await register(arn, HOST, hostPort);
    await h.advance(HEALTHY_AFTER);
    expect((await health(arn, HOST, hostPort))?.state).toBe('healthy');
    // Unhealthy from 30 s after RUNNING (t0+30 s): the checks at t0+30, +35 and +40 s fail.
    await h.advance(t0 + 40_000 - h.clock.now() - 1);
    expect((await health(arn, HOST, hostPort))?.state).toBe('healthy');
    await h.advance(1);
    expect((await health(arn, HOST, hostPort))?.state).toBe('unhealthy');
  });

  it('turn unhealthy when their host is terminated', async () => {
    const arn = group('host-loss');
    const { hostPort } = await runOn(OTHER_HOST, 'dyn');
    await register(arn, OTHER_HOST, hostPort);
    await h.advance(HEALTHY_AFTER);
    expect((await health(arn, OTHER_HOST, hostPort))?.state).toBe('healthy');
    h.sim.ecs.terminateHost(OTHER_HOST);
    await h.advance(3 * INTERVAL);
    expect((await health(arn, OTHER_HOST, hostPort))?.state).toBe('unhealthy');
  });
});

describe('deregistration', () => {
  it('drains for exactly the deregistration delay, then the target is unused', async () => {
    const arn = group('drain');
    await h.elb.send(
      new ModifyTargetGroupAttributesCommand({ TargetGroupArn: arn, Attributes: [{ Key: 'deregistration_delay.timeout_seconds', Value: '45' }] }),
    );
    const { hostPort } = await runOn(HOST, 'dyn');
    await register(arn, HOST, hostPort);
    await h.advance(HEALTHY_AFTER);
    const td = h.clock.now();
    await deregister(arn, HOST, hostPort);
    expect(await health(arn, HOST, hostPort)).toEqual({ id: HOST, port: hostPort, state: 'draining', reason: 'Target.DeregistrationInProgress' });
    expect(h.sim.elbv2.targets(arn)[0]?.drainingUntil).toBe(td + 45_000);

    await h.advance(45_000 - 1);
    expect((await targetHealth(h.elb, arn)).map((t) => t.state)).toEqual(['draining']);
    await h.advance(1);
    expect(await targetHealth(h.elb, arn)).toEqual([]);
    expect(await health(arn, HOST, hostPort)).toEqual({ id: HOST, port: hostPort, state: 'unused', reason: 'Target.NotRegistered' });
  });

  it('leaves a target at once with a zero delay', async () => {
    const arn = group('no-drain', 0);
    await register(arn, HOST, STATIC_PORT);
    await deregister(arn, HOST, STATIC_PORT);
    expect(await targetHealth(h.elb, arn)).toEqual([]);
  });

  it('starts a draining target over as initial when it is registered again; a registered one is left as it is', async () => {
    const arn = group('again');
    const { hostPort } = await runOn(HOST, 'dyn');
    await register(arn, HOST, hostPort);
    await h.advance(HEALTHY_AFTER);
    await register(arn, HOST, hostPort);
    expect((await health(arn, HOST, hostPort))?.state).toBe('healthy');

    await deregister(arn, HOST, hostPort);
    await h.advance(1_000);
    await deregister(arn, HOST, hostPort);
    expect(h.sim.elbv2.targets(arn)[0]?.drainingUntil).toBe(h.clock.now() - 1_000 + 300_000);

    await register(arn, HOST, hostPort);
    expect((await health(arn, HOST, hostPort))?.reason).toBe('Elb.RegistrationInProgress');
    await h.advance(HEALTHY_AFTER);
    expect((await health(arn, HOST, hostPort))?.state).toBe('healthy');
  });
});

describe('errors and unknown targets', () => {
  it('refuses instance ids the simulator does not know with InvalidTarget, registering none of the targets', async () => {
    const arn = group('invalid');
    const err = await rejection(
      h.elb.send(new RegisterTargetsCommand({ TargetGroupArn: arn, Targets: [{ Id: HOST, Port: 80 }, { Id: 'i-0fffffffffffffff0', Port: 80 }] })),
    );
    expect(err.name).toBe('InvalidTargetException');
    expect(err.message).toBe('The specified target does not exist, is not in the same VPC as the target group, or has an unsupported instance type.');
    expect(await targetHealth(h.elb, arn)).toEqual([]);
  });

  it('answers unused / Target.NotRegistered for targets asked for that are not registered', async () => {
    const arn = group('asked');
    await register(arn, HOST, 9000);
    const rows = await targetHealth(h.elb, arn, [{ Id: OTHER_HOST, Port: 9000 }, { Id: HOST }, { Id: HOST, Port: 9001 }]);
    expect(rows).toEqual([
      { id: OTHER_HOST, port: 9000, state: 'unused', reason: 'Target.NotRegistered' },
      { id: HOST, port: 9000, state: 'initial', reason: 'Elb.RegistrationInProgress' },
      { id: HOST, port: 9001, state: 'unused', reason: 'Target.NotRegistered' },
    ]);
    // Deregistering what is not registered changes nothing.
    await deregister(arn, HOST, 9001);
    expect((await targetHealth(h.elb, arn)).map((r) => r.port)).toEqual([9000]);
  });

  it('answers TargetGroupNotFound for a group that does not exist and ValidationError without targets', async () => {
    const arn = group('gone');
    const missing = arn.replace(/[0-9a-f]{16}$/, '0123456789abcdef');
    for (const call of [
      h.elb.send(new DescribeTargetHealthCommand({ TargetGroupArn: missing })),
      register(missing, HOST, 80),
      deregister(missing, HOST, 80),
    ]) {
      expect((await rejection(call)).name).toBe('TargetGroupNotFoundException');
    }
    expect((await rejection(h.elb.send(new RegisterTargetsCommand({ TargetGroupArn: arn, Targets: [] })))).name).toBe('ValidationError');
    expect((await rejection(register(arn, HOST, 70_000))).name).toBe('ValidationError');
  });
});
