/**
 * What to do when one of a service's tasks stops: replace it now, owe the replacement until a
 * crash-loop backoff ends, or leave it (the service no longer wants it). Pure: the handler loads
 * the service and the stored task, calls this, and carries out the answer.
 */
import { afterCrash, currentBackoff, isCrash, mayStart, type BackoffPolicy } from './backoff';
import type { ObservedTask } from './observed';
import type { Backoff, Service } from './service';

export type StopDecision =
  | { action: 'replace'; reason: string; backoff: Backoff | undefined }
  | { action: 'defer'; reason: string; backoff: Backoff; until: string }
  | { action: 'none'; reason: string; backoff?: Backoff | undefined };

export interface StoppedTask extends ObservedTask {
  /** Shepherd stopped it on purpose (scale-in, deployment, drain): no replacement. */
  stopIntent?: string;
}

/** The service's other tasks as stored: whether it still needs one, and whether there is room. */
export interface Siblings {
  /** Tasks that count towards the desired count: not STOPPED, not being stopped by anyone. */
  live: number;
  /** Tasks that hold a place under maximumPercent: everything not yet STOPPED. */
  occupying: number;
}

export function decideOnStop(input: {
  service: Service | undefined;
  task: StoppedTask;
  now: number;
  policy: BackoffPolicy;
  random: () => number;
  /** Absent: assume it is needed and there is room (the planner corrects later). */
  siblings?: Siblings;
}): StopDecision {
  const { service, task, now, policy, siblings } = input;
  if (!service) return { action: 'none', reason: 'the service no longer exists' };
  if (service.cluster !== task.cluster) return { action: 'none', reason: `the service now runs in cluster ${service.cluster}` };
  if (service.status !== 'ACTIVE') return { action: 'none', reason: task.stopIntent ? `stopped on purpose (${task.stopIntent})` : 'the service is being deleted' };
  if (service.paused) return { action: 'none', reason: task.stopIntent ? `stopped on purpose (${task.stopIntent})` : 'the service is paused' };
  // Stopped for failing its health checks: the planner started (or starts) its replacement; the
  // failure still feeds the crash-loop backoff of the current task definition.
  if (task.stopIntent === 'unhealthy') {
    const td = service.taskDefinition;
    const backoff = sameFamilyRevision(task.taskDefinitionArn, td) ? afterCrash(service.backoff, now, policy, input.random, td) : currentBackoff(service.backoff, now, policy, td);
    return { action: 'none', reason: 'stopped for failing its health checks: the planner replaces it', backoff };
  }
  if (task.stopIntent) return { action: 'none', reason: `stopped on purpose (${task.stopIntent})` };
  if (service.schedulingStrategy === 'DAEMON') return { action: 'none', reason: 'daemon tasks are placed per instance by the instance path and the reconciler' };
  if (service.desiredCount === 0) return { action: 'none', reason: 'the service wants no tasks' };
  // Desired may have dropped while it was stopping, or others were started meanwhile (a pass).
  if (siblings && siblings.live >= service.desiredCount) {
    return { action: 'none', reason: `the service has its ${service.desiredCount} task(s) without it` };
  }
  const maxLive = Math.max(service.desiredCount, Math.floor((service.desiredCount * service.deploymentConfiguration.maximumPercent) / 100));
  if (siblings && siblings.occupying + 1 > maxLive) {
    return { action: 'none', reason: `no room under maximumPercent (${siblings.occupying} of ${maxLive} places taken): the planner starts it when room frees` };
  }

  // A crash of an older task definition says nothing about the current one: no backoff from it.
  const current = sameFamilyRevision(task.taskDefinitionArn, service.taskDefinition);
  const crashed = current && isCrash(task, policy);
  const td = service.taskDefinition;
  const backoff = crashed ? afterCrash(service.backoff, now, policy, input.random, td) : currentBackoff(service.backoff, now, policy, td);
  if (!mayStart(backoff, now, policy, td)) {
    return {
      action: 'defer',
      reason: `crash loop: ${backoff!.consecutiveFailures} quick failures, next start after ${backoff!.nextAttemptAt}`,
      backoff: backoff!,
      until: backoff!.nextAttemptAt,
    };
  }
  return { action: 'replace', reason: crashed ? `replacing a task that crashed (${task.stopCode})` : `replacing a task that stopped (${task.stopCode ?? 'unknown'})`, backoff };
}

/**
 * Does a task definition ARN (`…:task-definition/web:7`) name the same revision as a service's
 * `taskDefinition` (`web:7`, `web`, or a full ARN)? A bare family matches any revision.
 */
export function sameFamilyRevision(taskDefinitionArn: string, wanted: string): boolean {
  const tail = (s: string) => s.slice(s.lastIndexOf('/') + 1);
  const a = tail(taskDefinitionArn);
  const b = tail(wanted);
  if (!b.includes(':')) return a.split(':')[0] === b;
  return a === b;
}
