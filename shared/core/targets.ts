/**
 * Load balancer targets of a service's tasks (ELBv2 target groups), and what their health means
 * to the planner. Pure.
 *
 * A target is where the load balancer sends traffic for one (target group, task): for awsvpc tasks
 * the task's private IP and the container port (target type `ip`); for bridge and host networking
 * the EC2 instance id and the host port bound to the container port (target type `instance`).
 */
import type { ObservedTask } from './observed';
import type { LoadBalancerTarget } from './service';

export interface Target {
  targetGroupArn: string;
  id: string;
  port: number;
}

/** ELBv2's target states (TargetHealthStateEnum). */
export type TargetState = 'initial' | 'healthy' | 'unhealthy' | 'unused' | 'draining' | 'unavailable' | 'unhealthy.draining';

/**
 * The targets of one task for the service's load balancers; `missing` names what is not known
 * yet (no binding for the container port, no instance id) — the task cannot be registered then.
 */
export function targetsOf(
  loadBalancers: LoadBalancerTarget[],
  task: Pick<ObservedTask, 'network'>,
  ec2InstanceId: string | undefined,
): { targets: Target[]; missing: string[] } {
  const targets: Target[] = [];
  const missing: string[] = [];
  for (const lb of loadBalancers) {
    const ip = task.network?.privateIp;
    if (ip) {
      targets.push({ targetGroupArn: lb.targetGroupArn, id: ip, port: lb.containerPort });
      continue;
    }
    const binding = task.network?.bindings.find((b) => b.containerName === lb.containerName && b.containerPort === lb.containerPort);
    if (!binding) missing.push(`no host port bound to ${lb.containerName}:${lb.containerPort}`);
    else if (!ec2InstanceId) missing.push('the EC2 instance id of its container instance is not known');
    else targets.push({ targetGroupArn: lb.targetGroupArn, id: ec2InstanceId, port: binding.hostPort });
  }
  return { targets, missing };
}

/**
 * One state for a task over all its target groups: healthy only when healthy in every one; the
 * worst otherwise (unhealthy before draining before initial before unused).
 */
export function combinedState(states: TargetState[]): TargetState | undefined {
  if (states.length === 0) return undefined;
  const order: TargetState[] = ['unhealthy', 'unhealthy.draining', 'unavailable', 'draining', 'initial', 'unused', 'healthy'];
  return order.find((s) => states.includes(s));
}

/** Seconds to wait after deregistering before stopping: the longest deregistration delay of the task's groups. */
export function drainSeconds(targets: Target[], delays: Map<string, number>): number {
  return targets.reduce((max, t) => Math.max(max, delays.get(t.targetGroupArn) ?? 300), 0);
}
