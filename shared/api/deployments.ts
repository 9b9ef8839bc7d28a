/**
 * Recording a deployment: the new task definition becomes the PRIMARY deployment (id
 * `d<revision>`, IN_PROGRESS), the previous PRIMARY becomes ACTIVE, and at most
 * MAX_DEPLOYMENTS_KEPT are kept (INACTIVE ones go first, then the oldest). The reconciler
 * carries it out.
 */
import { MAX_DEPLOYMENTS_KEPT, type Deployment, type Service } from '../core/service';
import { sameTaskDefinition } from './ecs';

export function primaryDeployment(s: Pick<Service, 'deployments'>): Deployment | undefined {
  return s.deployments.find((d) => d.status === 'PRIMARY');
}

/** Whether the service already runs (or is rolling out) this task definition. */
export function isCurrentTaskDefinition(s: Pick<Service, 'deployments' | 'taskDefinition'>, taskDefinition: string): boolean {
  const primary = primaryDeployment(s);
  return sameTaskDefinition(primary?.taskDefinition ?? s.taskDefinition, taskDefinition);
}

const seq = (d: Deployment): number => Number(d.id.replace(/^d/, '')) || 0;

/** The deployments after recording `taskDefinition` as revision `revision`'s PRIMARY, newest first. */
export function recordDeployment(existing: readonly Deployment[], taskDefinition: string, revision: number, now: string): Deployment[] {
  const primary: Deployment = {
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
    for (let i = older.length - 1; i >= 0; i--) if (older[i]?.status === 'INACTIVE') { drop = i; break; }
    older.splice(drop >= 0 ? drop : older.length - 1, 1);
  }
  return [primary, ...older];
}

/**
 * The store changes that deploy `taskDefinition` on `s` (its next revision is `s.revision + 1`).
 * A new task definition also clears crash-loop backoff, as ECS resets its throttle.
 */
export function deploymentChanges(s: Service, taskDefinition: string, now: string) {
  return {
    taskDefinition,
    deployments: recordDeployment(s.deployments, taskDefinition, s.revision + 1, now),
    backoff: undefined,
  };
}
