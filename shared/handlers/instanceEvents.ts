/**
 * ECS Container Instance State Change. The observation is recorded only if newer (one conditional
 * write that also returns what was stored before). Then, on a transition that changes where tasks
 * may run, the affected services are re-planned at once with the reconciler's planner:
 * - DRAINING: services with tasks there start replacements elsewhere (within maximumPercent) and
 *   stop the drained tasks once enough others are healthy (make-before-break);
 * - a new ACTIVE instance, or one back to ACTIVE / reconnected: daemon services place their task
 *   on it, and services with unplaced demand try again.
 * An agent that disconnects is only recorded: seconds-long disconnects are normal; the planner
 * treats its tasks as at risk once the grace period has passed (the reconciler's pass).
 */
import type { ObservedInstance } from '../core/observed';
import { instanceStateChangeEvent, toObservedInstance } from '../events/ecs';
import { logger } from '../log';
import { StaleVersionError, type StoredTask } from '../store';
import { queryAll } from '../store/query';
import { KEY, PREFIX } from '../store/table';
import type { Service } from '../core/service';
import { parkMalformed, parseEvent, type Outcome } from './outcome';
import { replanService, type ActDeps } from './replan';
import { capacityNow } from '../capacity/trigger';

export type InstanceOutcome = Outcome | { outcome: 'replanned'; key: string; transition: string; services: string[] };

export function transitionOf(previous: ObservedInstance | undefined, current: ObservedInstance): 'draining' | 'available' | undefined {
  if (current.status === 'DRAINING' && previous?.status !== 'DRAINING') return 'draining';
  const usable = current.status === 'ACTIVE' && current.agentConnected;
  const wasUsable = previous?.status === 'ACTIVE' && previous.agentConnected;
  if (usable && !wasUsable) return 'available';
  return undefined;
}

export async function recordInstanceEvent(event: unknown, deps: ActDeps): Promise<InstanceOutcome> {
  const parsed = parseEvent(instanceStateChangeEvent, event, 'ECS Container Instance State Change');
  if (!parsed.ok) return parkMalformed(deps, parsed.outcome, event, 'ECS Container Instance State Change');
  const instance = toObservedInstance(parsed.data);
  let previous: ObservedInstance | undefined;
  try {
    ({ previous } = await deps.store.instances.recordObserved(instance));
  } catch (err) {
    if (!(err instanceof StaleVersionError)) throw err;
    const stored = err.current as { version?: number } | undefined;
    return { outcome: 'stale', key: instance.containerInstanceArn, ...(stored?.version !== undefined ? { storedVersion: stored.version } : {}) };
  }
  const transition = transitionOf(previous, instance);
  // A task left a draining host: if Shepherd drained it to scale in and it is now empty of all
  // but daemon tasks, it can go at once (one cluster read when it is not Shepherd's drain).
  const count = (i: ObservedInstance | undefined) => (i ? i.runningTasksCount + i.pendingTasksCount : Infinity);
  if (instance.status === 'DRAINING' && instance.ec2InstanceId && count(instance) < count(previous)) {
    await capacityNow(deps, instance.cluster, `a task left draining instance ${instance.ec2InstanceId}`, [], { ifDraining: instance.ec2InstanceId });
  }
  if (!transition) return { outcome: 'recorded', key: instance.containerInstanceArn };

  const services = await affectedServices(deps, instance, transition);
  // A host joined (or came back): the cluster's capacity picture changed (protection, reservation).
  const recount = async () => {
    if (transition === 'available') await capacityNow(deps, instance.cluster, `instance ${instance.ec2InstanceId ?? instance.containerInstanceArn} is available`);
  };
  if (services.length === 0) {
    await recount();
    return { outcome: 'recorded', key: instance.containerInstanceArn };
  }
  for (const name of services) {
    try {
      await replanService(deps, name, `container instance ${instance.ec2InstanceId ?? instance.containerInstanceArn} ${transition}`, {
        ...(transition === 'available' ? { onlyInstance: instance.containerInstanceArn } : {}),
      });
    } catch (err) {
      // One service's failure must not starve the others; throwing makes Lambda retry the event,
      // and re-planning is idempotent (same view → same tokens → same tasks).
      logger.error('re-planning failed', { service: name, error: String(err) });
      throw err;
    }
  }
  await recount();
  return { outcome: 'replanned', key: instance.containerInstanceArn, transition, services };
}

async function affectedServices(deps: ActDeps, instance: ObservedInstance, transition: 'draining' | 'available'): Promise<string[]> {
  if (transition === 'draining') {
    const tasks = await queryAll<StoredTask>(deps.store.ctx, { index: 'byCluster', partition: KEY.clusterPk(instance.cluster), sortPrefix: PREFIX.task });
    return [...new Set(tasks.filter((t) => t.containerInstanceArn === instance.containerInstanceArn && t.lastStatus !== 'STOPPED').map((t) => t.service))].sort();
  }
  const services = await queryAll<Service>(deps.store.ctx, { index: 'byCluster', partition: KEY.clusterPk(instance.cluster), sortPrefix: PREFIX.service });
  return services.filter((s) => s.schedulingStrategy === 'DAEMON' || (s.unplaced?.count ?? 0) > 0).map((s) => s.name).sort();
}
