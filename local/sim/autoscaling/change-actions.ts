import { uuid } from '../random';
import type { SimContext } from '../types';
import { listParam } from '../xml';
import type { Fleet } from './fleet';
import type { GroupTag, LaunchTemplateRef } from './model';
import { checkSizes, newGroup } from './new-group';
import { optBool, optInt, optString, reqBool, reqInt, reqString, stringList, structList, validationError } from './params';
import * as render from './render';

function templateAt(params: URLSearchParams, prefix: string): LaunchTemplateRef | undefined {
  const ref: LaunchTemplateRef = {};
  const id = params.get(`${prefix}.LaunchTemplateId`);
  const name = params.get(`${prefix}.LaunchTemplateName`);
  const version = params.get(`${prefix}.Version`);
  if (id !== null) ref.LaunchTemplateId = id;
  if (name !== null) ref.LaunchTemplateName = name;
  if (version !== null) ref.Version = version;
  return id === null && name === null ? undefined : ref;
}

/**
 * CreateAutoScalingGroup, minimal: name, sizes, zones (AvailabilityZones, or one zone per subnet of
 * VPCZoneIdentifier: `<region>a`, `<region>b`, …), tags, and a launch source. The simulator's
 * conventions: the `sim:ecs-cluster` tag names the ECS cluster the agents join (default "default");
 * the instance type is the first MixedInstancesPolicy override, else the `sim:instance-type` tag,
 * else m5.large.
 */
export function createAutoScalingGroup(fleet: Fleet, ctx: SimContext, params: URLSearchParams, warmupMs: number): string {
  const name = reqString(params, 'AutoScalingGroupName');
  const launchTemplate = templateAt(params, 'LaunchTemplate');
  const mixedTemplate = templateAt(params, 'MixedInstancesPolicy.LaunchTemplate.LaunchTemplateSpecification');
  const overrides = structList(params, 'MixedInstancesPolicy.LaunchTemplate.Overrides')
    .map((o) => o.get('InstanceType'))
    .filter((t): t is string => t !== undefined);
  if (!launchTemplate && !mixedTemplate && !params.get('LaunchConfigurationName') && !params.get('InstanceId')) {
    throw validationError('Valid requests must contain either LaunchTemplate, LaunchConfigurationName, InstanceId or MixedInstancesPolicy parameter.');
  }
  const vpcZoneIdentifier = optString(params, 'VPCZoneIdentifier');
  const subnets = vpcZoneIdentifier?.split(',').map((s) => s.trim()).filter(Boolean) ?? [];
  const zones = stringList(params, 'AvailabilityZones');
  const tags: GroupTag[] = structList(params, 'Tags').map((t) => ({
    Key: t.get('Key') ?? '',
    Value: t.get('Value') ?? '',
    PropagateAtLaunch: t.get('PropagateAtLaunch') === 'true',
  }));
  const desired = optInt(params, 'DesiredCapacity');
  const protect = optBool(params, 'NewInstancesProtectedFromScaleIn');
  const group = newGroup(ctx, fleet.groups, {
    name,
    min: reqInt(params, 'MinSize'),
    max: reqInt(params, 'MaxSize'),
    ...(desired !== undefined ? { desired } : {}),
    availabilityZones: zones.length > 0 ? zones : subnets.map((_, i) => `${ctx.region}${'abcdef'[i % 6]}`),
    ...(vpcZoneIdentifier !== undefined ? { vpcZoneIdentifier } : {}),
    tags,
    warmupMs,
    ...(protect !== undefined ? { newInstancesProtectedFromScaleIn: protect } : {}),
    ...(launchTemplate ? { launchTemplate } : {}),
    ...(mixedTemplate ? { mixedInstancesTemplate: { template: mixedTemplate, instanceTypes: overrides } } : {}),
  });
  fleet.add(group);
  return '';
}

/** UpdateAutoScalingGroup (sizes, zones, new-instance protection); other fields are accepted and ignored. */
export function updateAutoScalingGroup(fleet: Fleet, params: URLSearchParams): string {
  const group = fleet.group(reqString(params, 'AutoScalingGroupName'));
  const min = optInt(params, 'MinSize') ?? group.min;
  const max = optInt(params, 'MaxSize') ?? group.max;
  const asked = optInt(params, 'DesiredCapacity');
  if (min > max) throw validationError(`Max bound, ${max}, must be greater than or equal to min bound, ${min}`);
  // Without a DesiredCapacity, AWS moves the current one inside the new bounds.
  const desired = asked ?? Math.min(max, Math.max(min, group.desired));
  checkSizes(min, max, desired);
  const zones = listParam(params, 'AvailabilityZones');
  const protect = optBool(params, 'NewInstancesProtectedFromScaleIn');
  Object.assign(group, { min, max, desired });
  if (zones.length > 0) group.availabilityZones = zones;
  if (protect !== undefined) group.newInstancesProtectedFromScaleIn = protect;
  fleet.converge(group);
  return '';
}

export function setDesiredCapacity(fleet: Fleet, params: URLSearchParams): string {
  const group = fleet.group(reqString(params, 'AutoScalingGroupName'));
  const desired = reqInt(params, 'DesiredCapacity');
  if (desired > group.max) {
    throw validationError(`New SetDesiredCapacity value ${desired} is above max value ${group.max} for the AutoScalingGroup.`);
  }
  if (desired < group.min) {
    throw validationError(`New SetDesiredCapacity value ${desired} is below min value ${group.min} for the AutoScalingGroup.`);
  }
  group.desired = desired;
  fleet.converge(group);
  return '';
}

export function setInstanceProtection(fleet: Fleet, params: URLSearchParams): string {
  const group = fleet.group(reqString(params, 'AutoScalingGroupName'));
  const ids = stringList(params, 'InstanceIds', 50);
  if (ids.length === 0) throw validationError("1 validation error detected: Value null at 'instanceIds' failed to satisfy constraint: Member must not be null");
  const protect = reqBool(params, 'ProtectedFromScaleIn');
  const instances = ids.map((id) => {
    const inst = group.instances.get(id);
    if (!inst) throw validationError(`The instance ${id} is not part of Auto Scaling group ${group.name}.`);
    // As AWS: the whole call fails when one instance is, e.g., still Pending.
    if (!['InService', 'EnteringStandby', 'Standby'].includes(inst.lifecycle)) {
      throw validationError(`The instance ${id} is not in InService or EnteringStandby or Standby.`);
    }
    return inst;
  });
  for (const inst of instances) inst.protectedFromScaleIn = protect;
  // Lifting protection can let a scale-in that was held up go ahead.
  fleet.converge(group);
  return '';
}

/**
 * TerminateInstanceInAutoScalingGroup. Scale-in protection does not stop it (as in AWS). Asking
 * again for an instance already terminating answers a new activity and changes nothing.
 */
export function terminateInstanceInAutoScalingGroup(fleet: Fleet, ctx: SimContext, params: URLSearchParams): string {
  const id = reqString(params, 'InstanceId');
  const decrement = reqBool(params, 'ShouldDecrementDesiredCapacity');
  const inst = fleet.instance(id);
  if (!inst) throw validationError(`Instance Id not found - No managed instance found for instance ID: ${id}`);
  const group = fleet.group(inst.groupName);
  const now = ctx.clock.now();
  const at = new Date(now).toISOString().replace(/\.\d{3}Z$/, 'Z');
  let cause = `At ${at} instance ${id} was taken out of service in response to a user request.`;
  if (inst.lifecycle === 'Pending' || inst.lifecycle === 'InService') {
    if (decrement) {
      if (group.desired <= group.min) {
        throw validationError(
          `Currently, desiredSize equals minSize (${group.min}). Terminating instance without replacement will violate group's min size constraint. ` +
            "Either set shouldDecrementDesiredCapacity flag to false or lower group's min size.",
        );
      }
      cause = `At ${at} instance ${id} was taken out of service in response to a user request, shrinking the capacity from ${group.desired} to ${group.desired - 1}.`;
      group.desired -= 1;
    }
    fleet.beginTermination(inst);
    fleet.converge(group);
  }
  const activity = render.activity({
    id: uuid(ctx.random),
    group,
    description: `Terminating EC2 instance: ${id}`,
    cause,
    startTime: now,
    details: JSON.stringify({ 'Availability Zone': inst.availabilityZone }),
  });
  return `<Activity>${activity}</Activity>`;
}
