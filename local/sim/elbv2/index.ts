/**
 * The ELBv2 simulator: target groups on the query API (`Version=2015-12-01`, XML answers), whose
 * targets' health follows the ECS simulator's tasks on the simulator clock. What is and is not
 * modelled: local/sim/README.md.
 */
import { SimError } from '../errors';
import type { QueryProtocolService } from '../server';
import type { SimContext } from '../types';
import { modifyAttributes } from './attributes';
import { describeTargetGroups } from './describe-groups';
import {
  createGroup,
  createTargetGroup,
  deleteTargetGroup,
  describeTargetGroupAttributes,
  modifyTargetGroupAttributes,
} from './group-actions';
import { DEREGISTRATION_DELAY, type Protocol, type TargetState, type TargetType } from './model';
import type { TargetNetwork } from './reachability';
import { TargetGroupStore, type Elbv2Core } from './store';
import { deregisterTargetsAction, describeTargetHealth, registerTargetsAction } from './target-actions';
import { registrationHealth, registrations } from './target-health';

export type { TargetNetwork } from './reachability';

/** The VPC of target groups created through the code API without one. */
export const DEFAULT_VPC_ID = 'vpc-0123456789abcdef0';

/** A target group for createTargetGroup (HTTP, instance targets and AWS's health check defaults unless set). */
export interface TargetGroupSpec {
  name: string;
  port: number;
  protocol?: Protocol;
  vpcId?: string;
  targetType?: TargetType;
  healthCheckPort?: string;
  healthCheckPath?: string;
  healthCheckIntervalSeconds?: number;
  healthCheckTimeoutSeconds?: number;
  healthyThresholdCount?: number;
  unhealthyThresholdCount?: number;
  /** The `deregistration_delay.timeout_seconds` attribute (AWS's default: 300). */
  deregistrationDelaySeconds?: number;
}

/** A registered (or draining) target, for tests and the dashboard. */
export interface TargetView {
  id: string;
  port: number;
  availabilityZone?: string;
  state: TargetState;
  reason?: string;
  description?: string;
  registeredAt: number;
  /** While draining: when the target will be gone. */
  drainingUntil?: number;
}

type Action = (core: Elbv2Core, params: URLSearchParams) => string;

const ACTIONS: Record<string, Action> = {
  CreateTargetGroup: createTargetGroup,
  DescribeTargetGroups: describeTargetGroups,
  DeleteTargetGroup: deleteTargetGroup,
  DescribeTargetGroupAttributes: describeTargetGroupAttributes,
  ModifyTargetGroupAttributes: modifyTargetGroupAttributes,
  RegisterTargets: registerTargetsAction,
  DeregisterTargets: deregisterTargetsAction,
  DescribeTargetHealth: describeTargetHealth,
};

export class Elbv2Simulator implements QueryProtocolService {
  readonly name = 'elbv2' as const;
  readonly apiVersion = '2015-12-01';
  readonly xmlns = 'http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/';

  private readonly core: Elbv2Core;

  constructor(ctx: SimContext, network: TargetNetwork) {
    this.core = { ctx, groups: new TargetGroupStore(), network };
  }

  handle(action: string, params: URLSearchParams): string {
    const fn = ACTIONS[action];
    if (!fn) throw new SimError('InvalidAction', `The action ${action} is not valid for this web service.`);
    return fn(this.core, params);
  }

  /** Creates a target group (as CreateTargetGroup would, with the same checks); returns its ARN. */
  createTargetGroup(spec: TargetGroupSpec): string {
    const { deregistrationDelaySeconds, ...rest } = spec;
    const group = createGroup(this.core, { protocol: 'HTTP', vpcId: DEFAULT_VPC_ID, ...rest });
    if (deregistrationDelaySeconds !== undefined) {
      modifyAttributes(group.attributes, [{ key: DEREGISTRATION_DELAY, value: String(deregistrationDelaySeconds) }]);
    }
    return group.arn;
  }

  /** The group's registered and draining targets with their health now, in registration order. */
  targets(targetGroupArn: string): TargetView[] {
    const group = this.core.groups.require(targetGroupArn);
    const now = this.core.ctx.clock.now();
    const endpoints = this.core.network.taskEndpoints();
    return registrations(group, now).map((r) => ({
      id: r.id,
      port: r.port,
      ...(r.availabilityZone !== undefined ? { availabilityZone: r.availabilityZone } : {}),
      ...registrationHealth(group, r, endpoints, now),
      registeredAt: r.registeredAt,
      ...(r.drainingUntil !== undefined ? { drainingUntil: r.drainingUntil } : {}),
    }));
  }
}
