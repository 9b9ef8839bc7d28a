/**
 * Moves a service's rolling deployment along: marks it COMPLETED when every task runs the new
 * task definition and is healthy, or FAILED when the circuit breaker trips — rolling back to the
 * last completed task definition when the service asks for it. Each verdict is one conditional
 * write plus a history entry (published on Shepherd's bus by the outbox).
 */
import { judgeDeployment, primaryOf, recordDeployment } from '../core/deployment';
import type { PlannedTask } from '../core/planner';
import type { Service } from '../core/service';
import type { Runtime } from '../runtime';
import { ConflictError } from '../store';

/**
 * `Deployment Started` for the service's PRIMARY deployment. Idempotent (keyed by the deployment's
 * id and creation time): the API writes it when it records a deployment, and a verdict writes it
 * again first, so it is never missing before its `Completed` / `Failed`.
 */
export async function recordDeploymentStarted(store: Runtime['store'], service: Service): Promise<void> {
  const primary = primaryOf(service);
  if (!primary) return;
  await store.history.append({
    id: `${primary.id}:started`,
    type: 'Deployment Started',
    subject: service.name,
    time: primary.createdAt,
    message: `deployment ${primary.id} of ${primary.taskDefinition} started`,
    detail: { deploymentId: primary.id, taskDefinition: primary.taskDefinition, desiredCount: service.desiredCount },
  });
}

export async function progressDeployment(deps: Runtime, service: Service, tasks: PlannedTask[]): Promise<Service> {
  const now = deps.now().toISOString();
  const verdict = judgeDeployment(service, tasks, now);
  if (verdict.kind === 'none') return service;
  const primary = primaryOf(service)!;
  await recordDeploymentStarted(deps.store, service);
  try {
    if (verdict.kind === 'completed') {
      const updated = await deps.store.services.setRuntime(service.name, { deployments: verdict.deployments }, { ifRevision: service.revision, ifRuntimeRevision: service.runtimeRevision ?? 0 });
      await deps.store.history.append({ id: `${primary.id}:completed`, type: 'Deployment Completed', subject: service.name, time: now, message: verdict.message, detail: { deploymentId: primary.id, taskDefinition: primary.taskDefinition } });
      return updated;
    }
    if (!verdict.rollbackTo) {
      const updated = await deps.store.services.setRuntime(service.name, { deployments: verdict.deployments }, { ifRevision: service.revision, ifRuntimeRevision: service.runtimeRevision ?? 0 });
      await deps.store.history.append({ id: `${primary.id}:failed`, type: 'Deployment Failed', subject: service.name, time: now, message: verdict.message, detail: { deploymentId: primary.id, taskDefinition: primary.taskDefinition, failedTasks: primary.failedTasks } });
      return updated;
    }
    // Roll back: the last completed task definition becomes a new PRIMARY deployment (a spec change).
    const deployments = recordDeployment(verdict.deployments, verdict.rollbackTo, service.revision + 1, now);
    const updated = await deps.store.services.update(service.name, service.revision, { taskDefinition: verdict.rollbackTo, deployments, backoff: undefined });
    await deps.store.history.append({ id: `${primary.id}:failed`, type: 'Deployment Failed', subject: service.name, time: now, message: verdict.message, detail: { deploymentId: primary.id, taskDefinition: primary.taskDefinition, failedTasks: primary.failedTasks } });
    await deps.store.history.append({ id: `${primary.id}:rolled-back`, type: 'Deployment Rolled Back', subject: service.name, time: now, message: `rolled back to ${verdict.rollbackTo}`, detail: { deploymentId: primary.id, from: primary.taskDefinition, to: verdict.rollbackTo, newDeploymentId: deployments[0]!.id } });
    return updated;
  } catch (err) {
    // Someone else changed the service first (a user's deploy, another handler's verdict): the
    // next pass judges again on fresh state.
    if (err instanceof ConflictError) return (await deps.store.services.get(service.name)) ?? service;
    throw err;
  }
}
