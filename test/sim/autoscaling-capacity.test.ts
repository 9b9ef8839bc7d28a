import {
  AutoScalingServiceException,
  DescribeAutoScalingGroupsCommand,
  SetDesiredCapacityCommand,
  SetInstanceProtectionCommand,
  TerminateInstanceInAutoScalingGroupCommand,
} from '@aws-sdk/client-auto-scaling';
import { afterEach, describe, expect, it } from 'vitest';
import { startAutoScaling, type AutoScalingHarness } from './autoscaling-harness';

const WARMUP = 60_000;
const SHUTDOWN = 30_000;
const HEALTH_CHECK = 20_000;

let h: AutoScalingHarness;
afterEach(async () => h.close());

async function withGroup(desired: number, opts: { min?: number; max?: number; zones?: string[] } = {}): Promise<void> {
  h = await startAutoScaling({ warmupMs: WARMUP, terminateDelayMs: SHUTDOWN, healthCheckMs: HEALTH_CHECK });
  h.autoscaling.createGroup({
    name: 'ecs',
    cluster: 'prod',
    instanceType: 'c5.large',
    availabilityZones: opts.zones ?? ['us-east-1a', 'us-east-1b'],
    min: opts.min ?? 0,
    max: opts.max ?? 10,
    desired,
  });
}

const states = () => h.autoscaling.instances('ecs').map((i) => i.lifecycleState);
const ids = () => h.autoscaling.instances('ecs').map((i) => i.instanceId);
const zoneCounts = () => {
  const counts: Record<string, number> = {};
  for (const i of h.autoscaling.instances('ecs')) if (i.lifecycleState !== 'Terminating') counts[i.availabilityZone] = (counts[i.availabilityZone] ?? 0) + 1;
  return counts;
};
const setDesired = (n: number) => h.client.send(new SetDesiredCapacityCommand({ AutoScalingGroupName: 'ecs', DesiredCapacity: n }));

describe('launching', () => {
  it('launches to the desired capacity, spread evenly over the zones, and registers each host with ECS after warm-up', async () => {
    await withGroup(3);
    expect(states()).toEqual(['Pending', 'Pending', 'Pending']);
    expect(zoneCounts()).toEqual({ 'us-east-1a': 2, 'us-east-1b': 1 });
    await h.clock.advance(WARMUP - 1);
    expect(h.ecs.hosts.size).toBe(0);
    await h.clock.advance(1);
    expect(states()).toEqual(['InService', 'InService', 'InService']);
    expect([...h.ecs.hosts.values()].map((x) => x.ec2InstanceId).sort()).toEqual([...ids()].sort());
    const first = h.autoscaling.instances('ecs')[0];
    expect(h.ecs.hosts.get(first?.instanceId ?? '')).toEqual({
      ec2InstanceId: first?.instanceId,
      instanceType: 'c5.large',
      availabilityZone: first?.availabilityZone,
      cluster: 'prod',
    });
    expect(first?.containerInstanceArn).toBe(`arn:aws:ecs:us-east-1:123456789012:container-instance/prod/${first?.instanceId.slice(2)}`);
  });

  it('scales out on SetDesiredCapacity, keeping the zones balanced', async () => {
    await withGroup(1, { zones: ['us-east-1a', 'us-east-1b', 'us-east-1c'] });
    await setDesired(6);
    expect(zoneCounts()).toEqual({ 'us-east-1a': 2, 'us-east-1b': 2, 'us-east-1c': 2 });
    const out = await h.client.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: ['ecs'] }));
    expect(out.AutoScalingGroups?.[0]?.DesiredCapacity).toBe(6);
    expect(out.AutoScalingGroups?.[0]?.Instances).toHaveLength(6);
  });

  it('keeps an instance whose agent cannot register InService, with the reason', async () => {
    h = await startAutoScaling({ warmupMs: WARMUP });
    h.ecs.missingClusters.add('ghost');
    h.autoscaling.createGroup({ name: 'ecs', cluster: 'ghost', instanceType: 'm5.large', availabilityZones: ['us-east-1a'], min: 0, max: 1, desired: 1 });
    await h.clock.advance(WARMUP);
    expect(h.autoscaling.instances('ecs')[0]).toMatchObject({ lifecycleState: 'InService', registrationError: 'Cluster not found: ghost' });
  });
});

describe('scaling in', () => {
  it('terminates from the fullest zone, oldest first; instances leave ECS after the shutdown delay', async () => {
    await withGroup(4);
    await h.clock.advance(WARMUP);
    const [a1, b1, a2, b2] = h.autoscaling.instances('ecs');
    expect([a1, b1, a2, b2].map((i) => i?.availabilityZone)).toEqual(['us-east-1a', 'us-east-1b', 'us-east-1a', 'us-east-1b']);
    await setDesired(1);
    // 2/2 → take a1 (zone a listed first, oldest) → 1/2 → take b1 → 1/1 → take a2.
    expect(h.autoscaling.instances('ecs').map((i) => [i.instanceId, i.lifecycleState])).toEqual([
      [a1?.instanceId, 'Terminating'],
      [b1?.instanceId, 'Terminating'],
      [a2?.instanceId, 'Terminating'],
      [b2?.instanceId, 'InService'],
    ]);
    expect(h.ecs.terminated).toEqual([]);
    await h.clock.advance(SHUTDOWN);
    expect(ids()).toEqual([b2?.instanceId]);
    expect(h.ecs.terminated.sort()).toEqual([a1, b1, a2].map((i) => i?.instanceId).sort());
    expect([...h.ecs.hosts.keys()]).toEqual([b2?.instanceId]);
  });

  it('never terminates instances protected from scale-in; desired stays unmet until protection is lifted', async () => {
    await withGroup(3);
    await h.clock.advance(WARMUP);
    const [p1, p2, free] = ids();
    await h.client.send(new SetInstanceProtectionCommand({ AutoScalingGroupName: 'ecs', InstanceIds: [p1 ?? '', p2 ?? ''], ProtectedFromScaleIn: true }));
    await setDesired(0);
    await h.clock.advance(SHUTDOWN);
    expect(ids()).toEqual([p1, p2]);
    expect(h.ecs.terminated).toEqual([free]);
    const out = await h.client.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: ['ecs'] }));
    expect(out.AutoScalingGroups?.[0]?.DesiredCapacity).toBe(0);
    expect(out.AutoScalingGroups?.[0]?.Instances?.map((i) => i.ProtectedFromScaleIn)).toEqual([true, true]);

    await h.client.send(new SetInstanceProtectionCommand({ AutoScalingGroupName: 'ecs', InstanceIds: [p1 ?? ''], ProtectedFromScaleIn: false }));
    await h.clock.advance(SHUTDOWN);
    expect(ids()).toEqual([p2]);
  });

  it('rejects protection for an instance of another group', async () => {
    await withGroup(1);
    const err = await h.client
      .send(new SetInstanceProtectionCommand({ AutoScalingGroupName: 'ecs', InstanceIds: ['i-0123456789abcdef0'], ProtectedFromScaleIn: true }))
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AutoScalingServiceException);
    expect(err).toMatchObject({ name: 'ValidationError', message: 'The instance i-0123456789abcdef0 is not part of Auto Scaling group ecs.' });
  });
});

describe('TerminateInstanceInAutoScalingGroup', () => {
  it('with ShouldDecrementDesiredCapacity=true shrinks the group and launches no replacement', async () => {
    await withGroup(3, { min: 1 });
    await h.clock.advance(WARMUP);
    const [victim] = ids();
    const out = await h.client.send(new TerminateInstanceInAutoScalingGroupCommand({ InstanceId: victim, ShouldDecrementDesiredCapacity: true }));
    expect(out.Activity).toMatchObject({
      AutoScalingGroupName: 'ecs',
      Description: `Terminating EC2 instance: ${victim}`,
      Cause: `At 2026-01-01T00:01:00Z instance ${victim} was taken out of service in response to a user request, shrinking the capacity from 3 to 2.`,
      StatusCode: 'InProgress',
      StartTime: new Date(h.clock.now()),
    });
    expect(h.autoscaling.capacity('ecs').desired).toBe(2);
    await h.clock.advance(SHUTDOWN);
    expect(ids()).toHaveLength(2);
    expect(ids()).not.toContain(victim);
    expect(h.ecs.terminated).toEqual([victim]);
  });

  it('with ShouldDecrementDesiredCapacity=false keeps the capacity and launches a replacement', async () => {
    await withGroup(2);
    await h.clock.advance(WARMUP);
    const [victim, kept] = ids();
    const out = await h.client.send(new TerminateInstanceInAutoScalingGroupCommand({ InstanceId: victim, ShouldDecrementDesiredCapacity: false }));
    expect(out.Activity?.Cause).toBe(`At 2026-01-01T00:01:00Z instance ${victim} was taken out of service in response to a user request.`);
    expect(h.autoscaling.capacity('ecs').desired).toBe(2);
    const now = h.autoscaling.instances('ecs');
    expect(now.map((i) => i.lifecycleState)).toEqual(['Terminating', 'InService', 'Pending']);
    expect(now[2]?.availabilityZone).toBe(now[0]?.availabilityZone);
    await h.clock.advance(WARMUP);
    expect(ids()).toEqual([kept, now[2]?.instanceId]);
    expect(states()).toEqual(['InService', 'InService']);
  });

  it('terminates a protected instance when asked by id (protection covers scale-in only)', async () => {
    await withGroup(1);
    const [only] = ids();
    // Protection is refused while the instance is Pending (as AWS does), accepted once it is InService.
    const early = await h.client.send(new SetInstanceProtectionCommand({ AutoScalingGroupName: 'ecs', InstanceIds: [only ?? ''], ProtectedFromScaleIn: true })).catch((e: unknown) => e);
    expect(early).toMatchObject({ name: 'ValidationError', message: `The instance ${only} is not in InService or EnteringStandby or Standby.` });
    await h.clock.advance(WARMUP);
    await h.client.send(new SetInstanceProtectionCommand({ AutoScalingGroupName: 'ecs', InstanceIds: [only ?? ''], ProtectedFromScaleIn: true }));
    await h.client.send(new TerminateInstanceInAutoScalingGroupCommand({ InstanceId: only, ShouldDecrementDesiredCapacity: true }));
    expect(states()).toEqual(['Terminating']);
  });

  it('refuses to go below the minimum, and answers unknown instances as AWS does', async () => {
    await withGroup(1, { min: 1 });
    const [only] = ids();
    const below = await h.client.send(new TerminateInstanceInAutoScalingGroupCommand({ InstanceId: only, ShouldDecrementDesiredCapacity: true })).catch((e: unknown) => e);
    expect(below).toMatchObject({
      name: 'ValidationError',
      message:
        "Currently, desiredSize equals minSize (1). Terminating instance without replacement will violate group's min size constraint. Either set shouldDecrementDesiredCapacity flag to false or lower group's min size.",
    });
    expect(states()).toEqual(['Pending']);
    const unknown = await h.client
      .send(new TerminateInstanceInAutoScalingGroupCommand({ InstanceId: 'i-00000000000000000', ShouldDecrementDesiredCapacity: false }))
      .catch((e: unknown) => e);
    expect(unknown).toMatchObject({ name: 'ValidationError', message: 'Instance Id not found - No managed instance found for instance ID: i-00000000000000000' });
  });
});

describe('killInstance', () => {
  it('takes the host out of ECS at once; a health check then replaces the instance', async () => {
    await withGroup(2);
    await h.clock.advance(WARMUP);
    const [dead, alive] = ids();
    h.autoscaling.killInstance(dead ?? '');
    expect(h.ecs.terminated).toEqual([dead]);
    expect(h.autoscaling.instances('ecs')[0]).toMatchObject({ instanceId: dead, healthStatus: 'Unhealthy', lifecycleState: 'InService' });

    await h.clock.advance(HEALTH_CHECK);
    expect(states()).toEqual(['Terminating', 'InService', 'Pending']);
    const replacement = ids()[2];
    await h.clock.advance(WARMUP);
    expect(ids()).toEqual([alive, replacement]);
    expect(h.ecs.hosts.has(replacement ?? '')).toBe(true);
    // The dead host was reported once, not again when it reached Terminated.
    expect(h.ecs.terminated).toEqual([dead]);
  });

  it('kills a host still booting without ever registering it', async () => {
    await withGroup(1);
    const [booting] = ids();
    h.autoscaling.killInstance(booting ?? '');
    await h.clock.advance(WARMUP);
    expect(h.ecs.hosts.has(booting ?? '')).toBe(false);
    expect(h.ecs.terminated).toEqual([]);
    expect(ids()).not.toContain(booting);
    expect(h.autoscaling.instances('ecs')).toHaveLength(1);
  });
});
