/**
 * Recording a deployment: the new task definition becomes the PRIMARY deployment (id
 * `d<revision>`, IN_PROGRESS), the previous PRIMARY becomes ACTIVE, and at most
 * MAX_DEPLOYMENTS_KEPT are kept (INACTIVE ones go first, then the oldest). The reconciler
 * carries it out.
 */
import { recordDeployment } from '../core/deployment';
import type { Deployment, Service } from '../core/service';
import { sameTaskDefinition } from './ecs';

export function primaryDeployment(s: Pick<Service, 'deployments'>): Deployment | undefined {
  return s.deployments.find((d) => d.status === 'PRIMARY');
}

/** Whether the service already runs (or is rolling out) this task definition. */
export function isCurrentTaskDefinition(s: Pick<Service, 'deployments' | 'taskDefinition'>, taskDefinition: string): boolean {
  const primary = primaryDeployment(s);
  return sameTaskDefinition(primary?.taskDefinition ?? s.taskDefinition, taskDefinition);
}

export { recordDeployment };

/**
 * The store changes that deploy `taskDefinition` on `s` (its next revision is `s.revision + 1`).
 * A new task definition also clears crash-loop backoff, as ECS resets its throttle.
 */
export function deploymentChanges(s: Service, taskDefinition: string, now: string, healthChecked = false) {
  return {
    taskDefinition,
    deployments: recordDeployment(s.deployments, taskDefinition, s.revision + 1, now, healthChecked),
    backoff: undefined,
  };
}
