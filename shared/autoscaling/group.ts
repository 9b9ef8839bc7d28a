/**
 * The Auto Scaling calls of the capacity controller: read one group (instances, lifecycle, scale-in
 * protection), set its desired capacity, protect instances, terminate one instance. Every call is
 * idempotent by nature (absolute desired capacity, absolute protection flag; terminating an
 * instance already terminating answers a new activity and changes nothing).
 */
import {
  DescribeAutoScalingGroupsCommand,
  SetDesiredCapacityCommand,
  SetInstanceProtectionCommand,
  TerminateInstanceInAutoScalingGroupCommand,
  type AutoScalingClient,
} from '@aws-sdk/client-auto-scaling';

export interface GroupInstance {
  instanceId: string;
  lifecycle: 'Pending' | 'InService' | 'Terminating' | 'Other';
  protectedFromScaleIn: boolean;
  availabilityZone?: string;
}

export interface GroupView {
  name: string;
  desired: number;
  min: number;
  max: number;
  instances: GroupInstance[];
}

/** Auto Scaling's own limit for SetInstanceProtection. */
const PROTECTION_BATCH = 50;

export function foldLifecycle(state: string | undefined): GroupInstance['lifecycle'] {
  if (!state) return 'Other';
  if (state === 'InService') return 'InService';
  if (state.startsWith('Pending')) return 'Pending';
  if (state.startsWith('Terminating') || state === 'Terminated') return 'Terminating';
  return 'Other';
}

export async function describeGroup(client: AutoScalingClient, name: string): Promise<GroupView | undefined> {
  const out = await client.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [name] }));
  const g = out.AutoScalingGroups?.find((x) => x.AutoScalingGroupName === name);
  if (!g) return undefined;
  return {
    name,
    desired: g.DesiredCapacity ?? 0,
    min: g.MinSize ?? 0,
    max: g.MaxSize ?? 0,
    instances: (g.Instances ?? [])
      .filter((i) => i.InstanceId)
      .map((i) => ({
        instanceId: i.InstanceId!,
        lifecycle: foldLifecycle(i.LifecycleState),
        protectedFromScaleIn: i.ProtectedFromScaleIn ?? false,
        ...(i.AvailabilityZone ? { availabilityZone: i.AvailabilityZone } : {}),
      })),
  };
}

export async function setDesiredCapacity(client: AutoScalingClient, name: string, desired: number): Promise<void> {
  // HonorCooldown false: Shepherd decides from demand it has counted, not from a cooldown timer.
  await client.send(new SetDesiredCapacityCommand({ AutoScalingGroupName: name, DesiredCapacity: desired, HonorCooldown: false }));
}

export async function setProtection(client: AutoScalingClient, name: string, instanceIds: string[], protect: boolean): Promise<void> {
  for (let i = 0; i < instanceIds.length; i += PROTECTION_BATCH) {
    await client.send(
      new SetInstanceProtectionCommand({ AutoScalingGroupName: name, InstanceIds: instanceIds.slice(i, i + PROTECTION_BATCH), ProtectedFromScaleIn: protect }),
    );
  }
}

/** Removes one instance and lowers desired capacity by one (the group does not replace it). */
export async function terminateInstance(client: AutoScalingClient, instanceId: string): Promise<void> {
  await client.send(new TerminateInstanceInAutoScalingGroupCommand({ InstanceId: instanceId, ShouldDecrementDesiredCapacity: true }));
}
