import type { TimerId } from '../clock';

export type LifecycleState = 'Pending' | 'InService' | 'Terminating' | 'Terminated';
export type HealthStatus = 'Healthy' | 'Unhealthy';

export interface GroupTag {
  Key: string;
  Value: string;
  PropagateAtLaunch: boolean;
}

export interface LaunchTemplateRef {
  LaunchTemplateId?: string;
  LaunchTemplateName?: string;
  Version?: string;
}

/** A scaling policy as DescribePolicies reports it (the simulator stores them; it does not act on them). */
export interface ScalingPolicySpec {
  PolicyName: string;
  PolicyType: 'SimpleScaling' | 'StepScaling' | 'TargetTrackingScaling' | 'PredictiveScaling';
  AdjustmentType?: string;
  ScalingAdjustment?: number;
  Cooldown?: number;
  MinAdjustmentMagnitude?: number;
  MetricAggregationType?: string;
  EstimatedInstanceWarmup?: number;
  StepAdjustments?: Array<{ MetricIntervalLowerBound?: number; MetricIntervalUpperBound?: number; ScalingAdjustment: number }>;
  Alarms?: Array<{ AlarmName: string; AlarmARN: string }>;
  TargetTrackingConfiguration?: {
    PredefinedMetricSpecification?: { PredefinedMetricType: string; ResourceLabel?: string };
    TargetValue: number;
    DisableScaleIn?: boolean;
  };
  Enabled?: boolean;
}

export interface StoredPolicy extends ScalingPolicySpec {
  PolicyARN: string;
  AutoScalingGroupName: string;
}

export interface SimInstance {
  id: string;
  groupName: string;
  instanceType: string;
  availabilityZone: string;
  lifecycle: LifecycleState;
  health: HealthStatus;
  protectedFromScaleIn: boolean;
  launchedAt: number;
  /** Launch order within the simulator (ties of launchedAt). */
  seq: number;
  /** Set once the host's ECS agent registered. */
  containerInstanceArn?: string;
  /** Why registration failed, if it did (e.g. the cluster does not exist). */
  registrationError?: string;
  /** The host is already gone from ECS (killInstance); Terminated must not report it again. */
  hostGone: boolean;
  /** The warm-up, health-check or shutdown timer under way. */
  timer?: TimerId;
}

export interface SimGroup {
  name: string;
  arn: string;
  /** ECS cluster the instances' agents register with. */
  cluster: string;
  instanceType: string;
  availabilityZones: string[];
  vpcZoneIdentifier?: string;
  min: number;
  max: number;
  desired: number;
  tags: GroupTag[];
  warmupMs: number;
  createdAt: number;
  newInstancesProtectedFromScaleIn: boolean;
  launchTemplate?: LaunchTemplateRef;
  /** Set when the group was created with a MixedInstancesPolicy (its first override gives the instance type). */
  mixedInstancesTemplate?: { template: LaunchTemplateRef; instanceTypes: string[] };
  /** In launch order. */
  instances: Map<string, SimInstance>;
  policies: StoredPolicy[];
}

export const isLive = (i: SimInstance): boolean => i.lifecycle === 'Pending' || i.lifecycle === 'InService';
