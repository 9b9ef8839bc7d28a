/**
 * Deployments: recording a new one, judging a rolling one (completed, or failed by the circuit
 * breaker) and rolling back. Pure.
 *
 * Circuit breaker as ECS documents it: a deployment fails once the tasks of its task definition
 * that failed (did not reach a steady state: failed to start, or crashed soon after starting)
 * reach 0.5 × desired count, with a minimum threshold of 3 and a maximum of 200. With rollback
 * on, the service goes back to the last deployment that completed.
 */
import { isCrash, type BackoffPolicy } from './backoff';
import type { ObservedTask } from './observed';
import { healthOf, type PlannedTask } from './planner';
import { sameFamilyRevision } from './replacement';
import { MAX_DEPLOYMENTS_KEPT, type Deployment, type Service } from './service';

const seq = (d: Deployment): number => Number(d.id.replace(/^d/, '')) || 0;

/** The deployments after recording `taskDefinition` as revision `revision`'s PRIMARY, newest first. */
export function recordDeployment(existing: readonly Deployment[], taskDefinition: string, revision: number, now: string, healthChecked = false): Deployment[] {
  const primary: Deployment = {
    ...(healthChecked ? { healthChecked: true } : {}),
    id: `d${revision}`,
    taskDefinition,
    status: 'PRIMARY',
    rolloutState: 'IN_PROGRESS',
    createdAt: now,
    updatedAt: now,
    failedTasks: 0,
  };
  const older = existing
    .map((d): Deployment => (d.status === 'PRIMARY' ? { ...d, status: 'ACTIVE', updatedAt: now } : d))
    .sort((a, b) => seq(b) - seq(a));
  while (older.length > MAX_DEPLOYMENTS_KEPT - 1) {
    let drop = -1;
    for (let i = older.length - 1; i >= 0; i--) {
      if (older[i]?.status === 'INACTIVE') {
        drop = i;
        break;
      }
    }
    older.splice(drop >= 0 ? drop : older.length - 1, 1);
  }
  return [primary, ...older];
}

export function breakerThreshold(desiredCount: number): number {
  return Math.min(200, Math.max(3, Math.ceil(0.5 * desiredCount)));
}

export const primaryOf = (s: Pick<Service, 'deployments'>): Deployment | undefined => s.deployments.find((d) => d.status === 'PRIMARY');

/**
 * The deployments after one of the service's tasks stopped: a failure of the PRIMARY's task
 * definition while it rolls out counts towards the circuit breaker. Undefined when nothing changes.
 */
export function countFailure(service: Service, task: Pick<ObservedTask, 'taskDefinitionArn' | 'stopCode' | 'startedAt' | 'stoppedAt' | 'stoppingAt'> & { stopIntent?: string }, policy: BackoffPolicy, now: string): Deployment[] | undefined {
  const primary = primaryOf(service);
  if (!primary || primary.rolloutState !== 'IN_PROGRESS') return undefined;
  if (!sameFamilyRevision(task.taskDefinitionArn, primary.taskDefinition) || !isCrash(task, policy)) return undefined;
  return service.deployments.map((d) => (d === primary ? { ...d, failedTasks: d.failedTasks + 1, updatedAt: now } : d));
}

export type DeploymentVerdict =
  | { kind: 'none' }
  | { kind: 'completed'; deployments: Deployment[]; message: string }
  | { kind: 'failed'; deployments: Deployment[]; message: string; rollbackTo?: string };

/** Judges the PRIMARY deployment from the service's tasks: completed, failed, or still going. */
export function judgeDeployment(service: Service, tasks: PlannedTask[], now: string): DeploymentVerdict {
  const primary = primaryOf(service);
  if (!primary || primary.rolloutState !== 'IN_PROGRESS' || service.status !== 'ACTIVE') return { kind: 'none' };
  const breaker = service.deploymentConfiguration.deploymentCircuitBreaker;
  const threshold = breakerThreshold(service.desiredCount);
  if (breaker.enable && primary.failedTasks >= threshold) {
    const lastGood = service.deployments.find((d) => d !== primary && d.rolloutState === 'COMPLETED');
    const failed = service.deployments.map((d) => (d === primary ? { ...d, rolloutState: 'FAILED' as const, updatedAt: now } : d));
    const message = `deployment ${primary.id} failed: ${primary.failedTasks} task(s) of ${primary.taskDefinition} failed (threshold ${threshold})`;
    return breaker.rollback && lastGood ? { kind: 'failed', deployments: failed, message, rollbackTo: lastGood.taskDefinition } : { kind: 'failed', deployments: failed, message };
  }
  const live = tasks.filter((t) => t.lastStatus !== 'STOPPED' && t.desiredStatus !== 'STOPPED' && !t.stopIntent);
  const current = live.filter((t) => sameFamilyRevision(t.taskDefinitionArn, primary.taskDefinition));
  const healthy = current.filter(healthOf(service));
  const others = live.length - current.length;
  const steady = service.schedulingStrategy === 'DAEMON' ? others === 0 && current.length > 0 && healthy.length === current.length : healthy.length >= service.desiredCount && others === 0 && current.length === service.desiredCount;
  if (!steady) return { kind: 'none' };
  const deployments = service.deployments.map((d): Deployment =>
    d === primary ? { ...d, rolloutState: 'COMPLETED', updatedAt: now } : d.status === 'ACTIVE' ? { ...d, status: 'INACTIVE', updatedAt: now } : d,
  );
  return { kind: 'completed', deployments, message: `deployment ${primary.id} completed: ${healthy.length} task(s) of ${primary.taskDefinition} running` };
}
