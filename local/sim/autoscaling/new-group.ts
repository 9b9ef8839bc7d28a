import { SimError } from '../errors';
import { uuid } from '../random';
import { INSTANCE_TYPES, type SimContext } from '../types';
import type { GroupTag, LaunchTemplateRef, SimGroup } from './model';
import { validationError } from './params';

/** Tag naming the ECS cluster a group's instances join (the ECS agent's own default is "default"). */
export const CLUSTER_TAG = 'sim:ecs-cluster';
/** Tag naming the instances' type, when no MixedInstancesPolicy override gives one. */
export const INSTANCE_TYPE_TAG = 'sim:instance-type';
export const DEFAULT_INSTANCE_TYPE = 'm5.large';

export interface NewGroup {
  name: string;
  min: number;
  max: number;
  desired?: number;
  availabilityZones: string[];
  vpcZoneIdentifier?: string;
  tags: GroupTag[];
  cluster?: string;
  instanceType?: string;
  warmupMs: number;
  newInstancesProtectedFromScaleIn?: boolean;
  launchTemplate?: LaunchTemplateRef;
  mixedInstancesTemplate?: { template: LaunchTemplateRef; instanceTypes: string[] };
}

export function checkSizes(min: number, max: number, desired: number): void {
  if (min > max) throw validationError(`Max bound, ${max}, must be greater than or equal to min bound, ${min}`);
  if (desired < min || desired > max) {
    throw validationError(`Desired capacity:${desired} must be between the specified min size:${min} and max size:${max}`);
  }
}

/** Builds a group record from a CreateAutoScalingGroup request or createGroup(), validating as AWS does. */
export function newGroup(ctx: SimContext, existing: ReadonlyMap<string, SimGroup>, spec: NewGroup): SimGroup {
  if (existing.has(spec.name)) {
    throw new SimError('AlreadyExists', `AutoScalingGroup by this name already exists - A group with the name ${spec.name} already exists`);
  }
  const desired = spec.desired ?? spec.min;
  checkSizes(spec.min, spec.max, desired);
  if (spec.availabilityZones.length === 0) throw validationError('At least one Availability Zone or VPC Subnet is required.');
  const tag = (key: string) => spec.tags.find((t) => t.Key === key)?.Value;
  const instanceType = spec.instanceType ?? spec.mixedInstancesTemplate?.instanceTypes[0] ?? tag(INSTANCE_TYPE_TAG) ?? DEFAULT_INSTANCE_TYPE;
  if (!(instanceType in INSTANCE_TYPES)) {
    throw validationError(`The instance type ${instanceType} is not one the simulator knows: ${Object.keys(INSTANCE_TYPES).join(', ')}`);
  }
  const group: SimGroup = {
    name: spec.name,
    arn: `arn:aws:autoscaling:${ctx.region}:${ctx.accountId}:autoScalingGroup:${uuid(ctx.random)}:autoScalingGroupName/${spec.name}`,
    cluster: spec.cluster ?? tag(CLUSTER_TAG) ?? 'default',
    instanceType,
    availabilityZones: [...spec.availabilityZones],
    min: spec.min,
    max: spec.max,
    desired,
    tags: spec.tags,
    warmupMs: spec.warmupMs,
    createdAt: ctx.clock.now(),
    newInstancesProtectedFromScaleIn: spec.newInstancesProtectedFromScaleIn ?? false,
    instances: new Map(),
    policies: [],
  };
  if (spec.vpcZoneIdentifier !== undefined) group.vpcZoneIdentifier = spec.vpcZoneIdentifier;
  if (spec.launchTemplate) group.launchTemplate = spec.launchTemplate;
  if (spec.mixedInstancesTemplate) group.mixedInstancesTemplate = spec.mixedInstancesTemplate;
  return group;
}
