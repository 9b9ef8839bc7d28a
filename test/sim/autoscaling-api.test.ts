import {
  AlreadyExistsFault,
  AutoScalingServiceException,
  CreateAutoScalingGroupCommand,
  DescribeAutoScalingGroupsCommand,
  DescribeAutoScalingInstancesCommand,
  DescribePoliciesCommand,
  SetDesiredCapacityCommand,
  UpdateAutoScalingGroupCommand,
} from '@aws-sdk/client-auto-scaling';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAutoScaling, type AutoScalingHarness } from './autoscaling-harness';

let h: AutoScalingHarness;
beforeAll(async () => {
  h = await startAutoScaling();
  h.autoscaling.createGroup({
    name: 'ecs-a',
    cluster: 'prod',
    instanceType: 'm5.large',
    availabilityZones: ['us-east-1a', 'us-east-1b'],
    min: 1,
    max: 4,
    desired: 2,
    tags: { team: 'payments' },
  });
});
afterAll(async () => h.close());

async function rejection(p: Promise<unknown>): Promise<AutoScalingServiceException> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(AutoScalingServiceException);
  return err as AutoScalingServiceException;
}

describe('CreateAutoScalingGroup and DescribeAutoScalingGroups', () => {
  it('creates a group the SDK describes in full', async () => {
    await h.client.send(
      new CreateAutoScalingGroupCommand({
        AutoScalingGroupName: 'ecs-b',
        MinSize: 0,
        MaxSize: 5,
        DesiredCapacity: 2,
        AvailabilityZones: ['us-east-1a', 'us-east-1c'],
        MixedInstancesPolicy: {
          LaunchTemplate: { LaunchTemplateSpecification: { LaunchTemplateName: 'ecs-node', Version: '$Latest' }, Overrides: [{ InstanceType: 'c5.xlarge' }] },
        },
        Tags: [{ Key: 'sim:ecs-cluster', Value: 'batch', PropagateAtLaunch: true }],
        NewInstancesProtectedFromScaleIn: true,
      }),
    );
    const out = await h.client.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: ['ecs-b'] }));
    const g = out.AutoScalingGroups?.[0];
    expect(g).toMatchObject({
      AutoScalingGroupName: 'ecs-b',
      MinSize: 0,
      MaxSize: 5,
      DesiredCapacity: 2,
      AvailabilityZones: ['us-east-1a', 'us-east-1c'],
      HealthCheckType: 'EC2',
      NewInstancesProtectedFromScaleIn: true,
      MixedInstancesPolicy: {
        LaunchTemplate: { LaunchTemplateSpecification: { LaunchTemplateName: 'ecs-node', Version: '$Latest' }, Overrides: [{ InstanceType: 'c5.xlarge' }] },
      },
      Tags: [{ ResourceId: 'ecs-b', ResourceType: 'auto-scaling-group', Key: 'sim:ecs-cluster', Value: 'batch', PropagateAtLaunch: true }],
    });
    expect(g?.AutoScalingGroupARN).toMatch(/^arn:aws:autoscaling:us-east-1:123456789012:autoScalingGroup:[0-9a-f-]{36}:autoScalingGroupName\/ecs-b$/);
    expect(g?.CreatedTime).toEqual(new Date(h.clock.now()));
    expect(g?.Instances).toHaveLength(2);
    for (const i of g?.Instances ?? []) {
      expect(i).toMatchObject({ InstanceType: 'c5.xlarge', LifecycleState: 'Pending', HealthStatus: 'Healthy', ProtectedFromScaleIn: true });
      expect(i.InstanceId).toMatch(/^i-[0-9a-f]{17}$/);
    }
    expect(new Set(g?.Instances?.map((i) => i.AvailabilityZone))).toEqual(new Set(['us-east-1a', 'us-east-1c']));
  });

  it('refuses a duplicate name, bad sizes, and a group without a launch source', async () => {
    const base = { MinSize: 0, MaxSize: 1, AvailabilityZones: ['us-east-1a'], LaunchTemplate: { LaunchTemplateName: 'lt' } };
    const dup = await rejection(h.client.send(new CreateAutoScalingGroupCommand({ ...base, AutoScalingGroupName: 'ecs-a' })));
    expect(dup).toBeInstanceOf(AlreadyExistsFault);
    const sizes = await rejection(h.client.send(new CreateAutoScalingGroupCommand({ ...base, AutoScalingGroupName: 'x', MinSize: 2, MaxSize: 1 })));
    expect(sizes).toMatchObject({ name: 'ValidationError', message: 'Max bound, 1, must be greater than or equal to min bound, 2' });
    const desired = await rejection(h.client.send(new CreateAutoScalingGroupCommand({ ...base, AutoScalingGroupName: 'x', DesiredCapacity: 3 })));
    expect(desired.message).toBe('Desired capacity:3 must be between the specified min size:0 and max size:1');
    const noSource = await rejection(
      h.client.send(new CreateAutoScalingGroupCommand({ AutoScalingGroupName: 'x', MinSize: 0, MaxSize: 1, AvailabilityZones: ['us-east-1a'] })),
    );
    expect(noSource.name).toBe('ValidationError');
    const noZone = await rejection(h.client.send(new CreateAutoScalingGroupCommand({ ...base, AutoScalingGroupName: 'x', AvailabilityZones: [] })));
    expect(noZone.message).toBe('At least one Availability Zone or VPC Subnet is required.');
  });

  it('filters by name and by tag, returns nothing for unknown names, and pages', async () => {
    const none = await h.client.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: ['nope'] }));
    expect(none.AutoScalingGroups).toEqual([]);
    const byTag = await h.client.send(new DescribeAutoScalingGroupsCommand({ Filters: [{ Name: 'tag:team', Values: ['payments'] }] }));
    expect(byTag.AutoScalingGroups?.map((g) => g.AutoScalingGroupName)).toEqual(['ecs-a']);
    const byKey = await h.client.send(new DescribeAutoScalingGroupsCommand({ Filters: [{ Name: 'tag-key', Values: ['sim:ecs-cluster'] }] }));
    expect(byKey.AutoScalingGroups?.map((g) => g.AutoScalingGroupName)).toEqual(['ecs-a', 'ecs-b']);
    const first = await h.client.send(new DescribeAutoScalingGroupsCommand({ MaxRecords: 1 }));
    expect(first.AutoScalingGroups?.map((g) => g.AutoScalingGroupName)).toEqual(['ecs-a']);
    const second = await h.client.send(new DescribeAutoScalingGroupsCommand({ MaxRecords: 1, NextToken: first.NextToken }));
    expect(second.AutoScalingGroups?.map((g) => g.AutoScalingGroupName)).toEqual(['ecs-b']);
    expect(second.NextToken).toBeUndefined();
    const tooMany = await rejection(h.client.send(new DescribeAutoScalingGroupsCommand({ MaxRecords: 101 })));
    expect(tooMany.name).toBe('ValidationError');
  });
});

describe('SetDesiredCapacity and UpdateAutoScalingGroup validation', () => {
  it('rejects a desired capacity outside [min, max] in AWS’s words', async () => {
    const above = await rejection(h.client.send(new SetDesiredCapacityCommand({ AutoScalingGroupName: 'ecs-a', DesiredCapacity: 5 })));
    expect(above).toMatchObject({ name: 'ValidationError', message: 'New SetDesiredCapacity value 5 is above max value 4 for the AutoScalingGroup.' });
    expect(above.$fault).toBe('client');
    const below = await rejection(h.client.send(new SetDesiredCapacityCommand({ AutoScalingGroupName: 'ecs-a', DesiredCapacity: 0 })));
    expect(below.message).toBe('New SetDesiredCapacity value 0 is below min value 1 for the AutoScalingGroup.');
    const missing = await rejection(h.client.send(new SetDesiredCapacityCommand({ AutoScalingGroupName: 'nope', DesiredCapacity: 1 })));
    expect(missing).toMatchObject({ name: 'ValidationError', message: 'AutoScalingGroup name not found - AutoScalingGroup nope not found' });
  });

  it('moves the desired capacity inside new bounds when only min or max changes', async () => {
    await h.client.send(new CreateAutoScalingGroupCommand({ AutoScalingGroupName: 'upd', MinSize: 0, MaxSize: 6, DesiredCapacity: 4, AvailabilityZones: ['us-east-1a'], LaunchTemplate: { LaunchTemplateName: 'lt' } }));
    await h.client.send(new UpdateAutoScalingGroupCommand({ AutoScalingGroupName: 'upd', MaxSize: 2 }));
    expect(h.autoscaling.capacity('upd')).toEqual({ min: 0, max: 2, desired: 2 });
    await h.client.send(new UpdateAutoScalingGroupCommand({ AutoScalingGroupName: 'upd', MinSize: 2, MaxSize: 3, DesiredCapacity: 3 }));
    expect(h.autoscaling.capacity('upd')).toEqual({ min: 2, max: 3, desired: 3 });
    const bad = await rejection(h.client.send(new UpdateAutoScalingGroupCommand({ AutoScalingGroupName: 'upd', MinSize: 4 })));
    expect(bad.message).toBe('Max bound, 3, must be greater than or equal to min bound, 4');
    const badDesired = await rejection(h.client.send(new UpdateAutoScalingGroupCommand({ AutoScalingGroupName: 'upd', DesiredCapacity: 9 })));
    expect(badDesired.message).toBe('Desired capacity:9 must be between the specified min size:2 and max size:3');
  });
});

describe('DescribeAutoScalingInstances and DescribePolicies', () => {
  it('reports instances with their group, in capital-letter health, filtered by id and paged', async () => {
    const all = await h.client.send(new DescribeAutoScalingInstancesCommand({}));
    const mine = all.AutoScalingInstances?.filter((i) => i.AutoScalingGroupName === 'ecs-a') ?? [];
    expect(mine).toHaveLength(2);
    expect(mine[0]).toMatchObject({ InstanceType: 'm5.large', LifecycleState: 'Pending', HealthStatus: 'HEALTHY', ProtectedFromScaleIn: false });
    const one = await h.client.send(new DescribeAutoScalingInstancesCommand({ InstanceIds: [mine[0]?.InstanceId ?? '', 'i-00000000000000000'] }));
    expect(one.AutoScalingInstances?.map((i) => i.InstanceId)).toEqual([mine[0]?.InstanceId]);
    const page1 = await h.client.send(new DescribeAutoScalingInstancesCommand({ MaxRecords: 1 }));
    expect(page1.AutoScalingInstances).toHaveLength(1);
    expect(page1.NextToken).toBeDefined();
  });

  it('lists the policies added to a group, filtered by type', async () => {
    h.autoscaling.addPolicy('ecs-a', {
      PolicyName: 'cpu-target',
      PolicyType: 'TargetTrackingScaling',
      TargetTrackingConfiguration: { PredefinedMetricSpecification: { PredefinedMetricType: 'ASGAverageCPUUtilization' }, TargetValue: 50 },
    });
    h.autoscaling.addPolicy('ecs-a', { PolicyName: 'step', PolicyType: 'StepScaling', AdjustmentType: 'ChangeInCapacity', StepAdjustments: [{ MetricIntervalLowerBound: 0, ScalingAdjustment: 1 }] });
    const out = await h.client.send(new DescribePoliciesCommand({ AutoScalingGroupName: 'ecs-a' }));
    expect(out.ScalingPolicies?.map((p) => p.PolicyName)).toEqual(['cpu-target', 'step']);
    expect(out.ScalingPolicies?.[0]).toMatchObject({
      AutoScalingGroupName: 'ecs-a',
      PolicyType: 'TargetTrackingScaling',
      Enabled: true,
      TargetTrackingConfiguration: { PredefinedMetricSpecification: { PredefinedMetricType: 'ASGAverageCPUUtilization' }, TargetValue: 50 },
    });
    expect(out.ScalingPolicies?.[1]?.StepAdjustments).toEqual([{ MetricIntervalLowerBound: 0, ScalingAdjustment: 1 }]);
    const targetOnly = await h.client.send(new DescribePoliciesCommand({ AutoScalingGroupName: 'ecs-a', PolicyTypes: ['TargetTrackingScaling'] }));
    expect(targetOnly.ScalingPolicies?.map((p) => p.PolicyName)).toEqual(['cpu-target']);
    const other = await h.client.send(new DescribePoliciesCommand({ AutoScalingGroupName: 'ecs-b' }));
    expect(other.ScalingPolicies).toEqual([]);
  });
});
