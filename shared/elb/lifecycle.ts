/**
 * A load-balanced task's life with its target groups, as Shepherd runs it:
 * - RUNNING: register its targets (instance id + host port, or private IP + container port) and
 *   remember them on the task;
 * - an on-purpose stop (scale-in, deployment, drain, capacity): deregister first, and stop only once
 *   the longest deregistration delay of its groups has passed (`stopAfter`; the reconciler's pass
 *   issues the StopTask when it is due), so connections drain;
 * - an unexpected stop: deregister at once;
 * - health: the targets' state, read each pass, is the task's health for the planner.
 */
import type { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import type { ObservedInstance } from '../core/observed';
import type { Service } from '../core/service';
import { combinedState, drainSeconds, targetsOf } from '../core/targets';
import { logger } from '../log';
import type { Runtime } from '../runtime';
import type { StoredTask } from '../store';
import { deregisterTargets, deregistrationDelays, registerTargets, targetKey, targetStates } from './targets';

export interface BalancingDeps extends Runtime {
  elb?: ElasticLoadBalancingV2Client;
}

const balanced = (s: Pick<Service, 'loadBalancers'> | undefined) => (s?.loadBalancers?.length ?? 0) > 0;

/** Registers a RUNNING task's targets; returns them, or undefined when there is nothing to register. */
export async function registerRunning(deps: BalancingDeps, task: StoredTask, service?: Service): Promise<StoredTask['targets']> {
  if (!deps.elb || task.lastStatus !== 'RUNNING' || task.stopIntent) return undefined;
  const s = service ?? (await deps.store.services.get(task.service));
  if (!s || !balanced(s)) return undefined;
  let instance: ObservedInstance | undefined;
  if (!task.network?.privateIp && task.containerInstanceArn) instance = await deps.store.instances.get(task.cluster, task.containerInstanceArn);
  const { targets, missing } = targetsOf(s.loadBalancers, task, instance?.ec2InstanceId);
  if (missing.length) logger.warn('task cannot be registered with its load balancers yet', { taskArn: task.taskArn, missing });
  if (targets.length === 0) return undefined;
  // Remembered first, and only while no stop is intended: whoever stops the task later finds the
  // targets to deregister. Then registered; then checked again, since a stop may have been decided
  // (and its deregistration made) while the registration was on its way.
  if (!(await deps.store.tasks.setBalancing(task.service, task.taskArn, { targets, targetHealth: 'initial' }, { unlessStopping: true }))) return undefined;
  await registerTargets(deps.elb, targets);
  const after = await deps.store.tasks.get(task.service, task.taskArn);
  if (!after || after.stopIntent || after.lastStatus === 'STOPPED') {
    await deregisterTargets(deps.elb, targets);
    return undefined;
  }
  return targets;
}

/**
 * Before an on-purpose stop: deregister the task's targets and say when it may stop (now when it
 * has none). The caller records the intent with that time first, so a crash in between is
 * finished by the reconciler.
 */
export async function stopAfterFor(deps: BalancingDeps, task: StoredTask | undefined): Promise<string> {
  const now = deps.now().getTime();
  if (!deps.elb || !task?.targets?.length) return new Date(now).toISOString();
  const delays = await deregistrationDelays(deps.elb, task.targets.map((t) => t.targetGroupArn));
  return new Date(now + drainSeconds(task.targets, delays) * 1000).toISOString();
}

export async function deregister(deps: BalancingDeps, task: StoredTask | undefined): Promise<void> {
  if (!deps.elb || !task?.targets?.length) return;
  await deregisterTargets(deps.elb, task.targets);
}

/**
 * Reads the health of the service's registered, live tasks (one DescribeTargetHealth per target
 * group) and records what changed; returns the tasks with their current target health.
 */
export async function refreshTargetHealth(deps: BalancingDeps, service: Service, tasks: StoredTask[]): Promise<StoredTask[]> {
  if (!deps.elb || !balanced(service)) return tasks;
  const watched = tasks.filter((t) => t.lastStatus === 'RUNNING' && !t.stopIntent && t.targets?.length);
  if (watched.length === 0) return tasks;
  const states = await targetStates(deps.elb, watched.flatMap((t) => t.targets!));
  const updated = new Map<string, Pick<StoredTask, 'targetHealth' | 'targetHealthyAt'>>();
  const now = deps.now().toISOString();
  for (const t of watched) {
    const state = combinedState(t.targets!.map((x) => states.get(targetKey(x)) ?? 'unused'));
    if (state && state !== t.targetHealth) {
      // The first healthy read ends the task's grace: later `unhealthy` reads fail it at once.
      const firstHealthy = state === 'healthy' && !t.targetHealthyAt ? { targetHealthyAt: now } : {};
      updated.set(t.taskArn, { targetHealth: state, ...firstHealthy });
      await deps.store.tasks.setBalancing(service.name, t.taskArn, { targetHealth: state, ...firstHealthy });
    }
  }
  return tasks.map((t) => (updated.has(t.taskArn) ? { ...t, ...updated.get(t.taskArn)! } : t));
}
