/**
 * The Auto Scaling simulator: the query API (`Version=2011-01-01`, XML answers) for the calls
 * Shepherd makes, and groups whose instances boot, register with the ECS simulator, and leave it.
 * What is and is not modelled: local/sim/autoscaling/README.md.
 */
import { SimError } from '../errors';
import type { QueryProtocolService } from '../server';
import type { EcsHostRegistry, SimContext } from '../types';
import { uuid } from '../random';
import {
  createAutoScalingGroup,
  setDesiredCapacity,
  setInstanceProtection,
  terminateInstanceInAutoScalingGroup,
  updateAutoScalingGroup,
} from './change-actions';
import { describeAutoScalingGroups, describeAutoScalingInstances, describePolicies } from './describe-actions';
import { Fleet, type FleetTimings } from './fleet';
import type { HealthStatus, LifecycleState, ScalingPolicySpec } from './model';
import { CLUSTER_TAG, INSTANCE_TYPE_TAG, newGroup } from './new-group';

export { CLUSTER_TAG, INSTANCE_TYPE_TAG } from './new-group';
export type { ScalingPolicySpec } from './model';

export interface AutoScalingSimOptions {
  /** Launch to InService and ECS registration (default 60 s). */
  warmupMs?: number;
  /** Terminating to Terminated and removal from ECS (default 30 s). */
  terminateDelayMs?: number;
  /** Death of an instance (killInstance) to its replacement starting (default 30 s). */
  healthCheckMs?: number;
}

export interface GroupSpec {
  name: string;
  cluster: string;
  instanceType: string;
  availabilityZones: string[];
  min: number;
  max: number;
  desired: number;
  tags?: Record<string, string>;
  warmupMs?: number;
  newInstancesProtectedFromScaleIn?: boolean;
}

/** A snapshot of one instance, for tests and the dashboard. */
export interface InstanceView {
  instanceId: string;
  groupName: string;
  instanceType: string;
  availabilityZone: string;
  lifecycleState: LifecycleState;
  healthStatus: HealthStatus;
  protectedFromScaleIn: boolean;
  containerInstanceArn?: string;
  registrationError?: string;
}

export class AutoScalingSimulator implements QueryProtocolService {
  readonly name = 'autoscaling' as const;
  readonly apiVersion = '2011-01-01';
  readonly xmlns = 'http://autoscaling.amazonaws.com/doc/2011-01-01/';

  private readonly fleet: Fleet;
  private readonly timings: FleetTimings;

  constructor(
    private readonly ctx: SimContext,
    ecs: EcsHostRegistry,
    opts: AutoScalingSimOptions = {},
  ) {
    this.timings = {
      warmupMs: opts.warmupMs ?? 60_000,
      terminateDelayMs: opts.terminateDelayMs ?? 30_000,
      healthCheckMs: opts.healthCheckMs ?? 30_000,
    };
    this.fleet = new Fleet(ctx, ecs, this.timings);
  }

  handle(action: string, params: URLSearchParams): string {
    const { fleet, ctx } = this;
    switch (action) {
      case 'DescribeAutoScalingGroups':
        return describeAutoScalingGroups(fleet, params);
      case 'DescribeAutoScalingInstances':
        return describeAutoScalingInstances(fleet, params);
      case 'DescribePolicies':
        return describePolicies(fleet, params);
      case 'CreateAutoScalingGroup':
        return createAutoScalingGroup(fleet, ctx, params, this.timings.warmupMs);
      case 'UpdateAutoScalingGroup':
        return updateAutoScalingGroup(fleet, params);
      case 'SetDesiredCapacity':
        return setDesiredCapacity(fleet, params);
      case 'SetInstanceProtection':
        return setInstanceProtection(fleet, params);
      case 'TerminateInstanceInAutoScalingGroup':
        return terminateInstanceInAutoScalingGroup(fleet, ctx, params);
      default:
        throw new SimError('InvalidAction', `The action ${action} is not valid for this web service.`);
    }
  }

  /** Creates a group directly (as CreateAutoScalingGroup would); it starts converging at once. */
  createGroup(g: GroupSpec): void {
    const tags = { ...(g.tags ?? {}), [CLUSTER_TAG]: g.cluster, [INSTANCE_TYPE_TAG]: g.instanceType };
    const group = newGroup(this.ctx, this.fleet.groups, {
      name: g.name,
      min: g.min,
      max: g.max,
      desired: g.desired,
      availabilityZones: g.availabilityZones,
      tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value, PropagateAtLaunch: true })),
      cluster: g.cluster,
      instanceType: g.instanceType,
      warmupMs: g.warmupMs ?? this.timings.warmupMs,
      ...(g.newInstancesProtectedFromScaleIn !== undefined ? { newInstancesProtectedFromScaleIn: g.newInstancesProtectedFromScaleIn } : {}),
    });
    this.fleet.add(group);
  }

  /** Simulates an instance dying outside Auto Scaling's control (e.g. hardware loss); the group replaces it. */
  killInstance(ec2InstanceId: string): void {
    this.fleet.kill(ec2InstanceId);
  }

  /** The group's instances that are not yet terminated, in launch order. */
  instances(groupName: string): InstanceView[] {
    return [...this.fleet.group(groupName).instances.values()].map((i) => ({
      instanceId: i.id,
      groupName: i.groupName,
      instanceType: i.instanceType,
      availabilityZone: i.availabilityZone,
      lifecycleState: i.lifecycle,
      healthStatus: i.health,
      protectedFromScaleIn: i.protectedFromScaleIn,
      ...(i.containerInstanceArn !== undefined ? { containerInstanceArn: i.containerInstanceArn } : {}),
      ...(i.registrationError !== undefined ? { registrationError: i.registrationError } : {}),
    }));
  }

  /** The group's sizes, as DescribeAutoScalingGroups would report them. */
  capacity(groupName: string): { min: number; max: number; desired: number } {
    const g = this.fleet.group(groupName);
    return { min: g.min, max: g.max, desired: g.desired };
  }

  /** Adds a scaling policy for DescribePolicies to report (the simulator does not act on it). Returns its ARN. */
  addPolicy(groupName: string, policy: ScalingPolicySpec): string {
    const g = this.fleet.group(groupName);
    const arn =
      `arn:aws:autoscaling:${this.ctx.region}:${this.ctx.accountId}:scalingPolicy:${uuid(this.ctx.random)}:` +
      `autoScalingGroupName/${g.name}:policyName/${policy.PolicyName}`;
    g.policies = g.policies.filter((p) => p.PolicyName !== policy.PolicyName);
    g.policies.push({ ...policy, PolicyARN: arn, AutoScalingGroupName: g.name });
    return arn;
  }
}
