import { el, members, xmlEscape } from '../xml';
import type { LaunchTemplateRef, SimGroup, SimInstance, StoredPolicy } from './model';

/** Query-protocol XML for Auto Scaling's result shapes (element names as in the API Reference). */

const iso = (ms: number): string => new Date(ms).toISOString();

function launchTemplate(name: string, t: LaunchTemplateRef | undefined): string {
  if (!t) return '';
  return `<${name}>${el('LaunchTemplateId', t.LaunchTemplateId)}${el('LaunchTemplateName', t.LaunchTemplateName)}${el('Version', t.Version)}</${name}>`;
}

function groupTemplate(g: SimGroup): string {
  return launchTemplate('LaunchTemplate', g.launchTemplate ?? g.mixedInstancesTemplate?.template);
}

function mixedInstancesPolicy(g: SimGroup): string {
  const m = g.mixedInstancesTemplate;
  if (!m) return '';
  return (
    '<MixedInstancesPolicy><LaunchTemplate>' +
    launchTemplate('LaunchTemplateSpecification', m.template) +
    members('Overrides', m.instanceTypes, (t) => el('InstanceType', t)) +
    '</LaunchTemplate></MixedInstancesPolicy>'
  );
}

/** An instance as DescribeAutoScalingGroups lists it. */
export function groupInstance(g: SimGroup, i: SimInstance): string {
  return (
    el('InstanceId', i.id) +
    el('InstanceType', i.instanceType) +
    el('AvailabilityZone', i.availabilityZone) +
    el('LifecycleState', i.lifecycle) +
    el('HealthStatus', i.health) +
    groupTemplate(g) +
    el('ProtectedFromScaleIn', i.protectedFromScaleIn)
  );
}

/** An instance as DescribeAutoScalingInstances reports it (health in capitals there, as in AWS). */
export function instanceDetails(g: SimGroup, i: SimInstance): string {
  return (
    el('InstanceId', i.id) +
    el('InstanceType', i.instanceType) +
    el('AutoScalingGroupName', g.name) +
    el('AvailabilityZone', i.availabilityZone) +
    el('LifecycleState', i.lifecycle) +
    el('HealthStatus', i.health.toUpperCase()) +
    groupTemplate(g) +
    el('ProtectedFromScaleIn', i.protectedFromScaleIn)
  );
}

export function group(g: SimGroup): string {
  return (
    el('AutoScalingGroupName', g.name) +
    el('AutoScalingGroupARN', g.arn) +
    (g.mixedInstancesTemplate ? mixedInstancesPolicy(g) : launchTemplate('LaunchTemplate', g.launchTemplate)) +
    el('MinSize', g.min) +
    el('MaxSize', g.max) +
    el('DesiredCapacity', g.desired) +
    el('DefaultCooldown', 300) +
    members('AvailabilityZones', g.availabilityZones, xmlEscape) +
    members('LoadBalancerNames', [], () => '') +
    members('TargetGroupARNs', [], () => '') +
    el('HealthCheckType', 'EC2') +
    el('HealthCheckGracePeriod', 300) +
    members('Instances', [...g.instances.values()], (i) => groupInstance(g, i)) +
    el('CreatedTime', iso(g.createdAt)) +
    members('SuspendedProcesses', [], () => '') +
    el('VPCZoneIdentifier', g.vpcZoneIdentifier) +
    members('EnabledMetrics', [], () => '') +
    members('Tags', g.tags, (t) =>
      el('ResourceId', g.name) + el('ResourceType', 'auto-scaling-group') + el('Key', t.Key) + el('Value', t.Value) + el('PropagateAtLaunch', t.PropagateAtLaunch),
    ) +
    members('TerminationPolicies', ['Default'], xmlEscape) +
    el('NewInstancesProtectedFromScaleIn', g.newInstancesProtectedFromScaleIn) +
    el('CapacityRebalance', false) +
    members('TrafficSources', [], () => '')
  );
}

export interface ActivityView {
  id: string;
  group: SimGroup;
  description: string;
  cause: string;
  startTime: number;
  details?: string;
}

export function activity(a: ActivityView): string {
  return (
    el('ActivityId', a.id) +
    el('AutoScalingGroupName', a.group.name) +
    el('AutoScalingGroupARN', a.group.arn) +
    el('Description', a.description) +
    el('Cause', a.cause) +
    el('StartTime', iso(a.startTime)) +
    el('StatusCode', 'InProgress') +
    el('Progress', 0) +
    el('Details', a.details)
  );
}

export function policy(p: StoredPolicy): string {
  const tt = p.TargetTrackingConfiguration;
  return (
    el('AutoScalingGroupName', p.AutoScalingGroupName) +
    el('PolicyName', p.PolicyName) +
    el('PolicyARN', p.PolicyARN) +
    el('PolicyType', p.PolicyType) +
    el('AdjustmentType', p.AdjustmentType) +
    el('MinAdjustmentMagnitude', p.MinAdjustmentMagnitude) +
    el('ScalingAdjustment', p.ScalingAdjustment) +
    el('Cooldown', p.Cooldown) +
    (p.StepAdjustments
      ? members('StepAdjustments', p.StepAdjustments, (s) =>
          el('MetricIntervalLowerBound', s.MetricIntervalLowerBound) + el('MetricIntervalUpperBound', s.MetricIntervalUpperBound) + el('ScalingAdjustment', s.ScalingAdjustment),
        )
      : '') +
    el('MetricAggregationType', p.MetricAggregationType) +
    el('EstimatedInstanceWarmup', p.EstimatedInstanceWarmup) +
    members('Alarms', p.Alarms ?? [], (a) => el('AlarmName', a.AlarmName) + el('AlarmARN', a.AlarmARN)) +
    (tt
      ? '<TargetTrackingConfiguration>' +
        (tt.PredefinedMetricSpecification
          ? '<PredefinedMetricSpecification>' +
            el('PredefinedMetricType', tt.PredefinedMetricSpecification.PredefinedMetricType) +
            el('ResourceLabel', tt.PredefinedMetricSpecification.ResourceLabel) +
            '</PredefinedMetricSpecification>'
          : '') +
        el('TargetValue', tt.TargetValue) +
        el('DisableScaleIn', tt.DisableScaleIn) +
        '</TargetTrackingConfiguration>'
      : '') +
    el('Enabled', p.Enabled ?? true)
  );
}
