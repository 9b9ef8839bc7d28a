/**
 * The reconciler's load balancer and stop-intent duties for one cluster, before planning:
 * - on-purpose stops that are due: tasks Shepherd means to stop (stop intent recorded) that ECS
 *   still wants RUNNING (listed by ListTasks) once their `stopAfter` has passed — the end of a
 *   load balancer deregistration delay, or a StopTask a crashed handler never made;
 * - load-balanced services: register RUNNING tasks that have no targets yet (their event was lost,
 *   or registration failed), and read target health (one DescribeTargetHealth per target group),
 *   which the planner counts as the tasks' health.
 */
import { isTerminal } from '../core/observed';
import type { Service } from '../core/service';
import { deregister, refreshTargetHealth, registerRunning } from '../elb/lifecycle';
import { stopTask } from '../ecs/startStop';
import { logger } from '../log';
import type { StoredTask } from '../store';
import type { ReconcileDeps } from './cluster';
import { mapLimit } from './pool';

export interface BalanceSummary {
  stopsDue: number;
  targetsRegistered: number;
  healthChanged: number;
}

export async function stopDue(deps: ReconcileDeps, cluster: string, tasks: Map<string, StoredTask>, listed: Set<string>): Promise<number> {
  const now = deps.now().getTime();
  const due = [...tasks.values()].filter((t) => t.stopIntent && !isTerminal(t.lastStatus) && listed.has(t.taskArn) && Date.parse(t.stopAfter ?? '1970-01-01T00:00:00Z') <= now);
  // Found stopped by this pass (their event lost): their targets go too.
  const gone = [...tasks.values()].filter((t) => isTerminal(t.lastStatus) && t.targets?.length);
  let done = 0;
  await mapLimit([...due, ...gone], deps.concurrency ?? 8, async (t) => {
    try {
      await deregister(deps, t); // again: a no-op unless the handler that meant to stop it crashed first
      if (isTerminal(t.lastStatus)) return;
      await stopTask(deps.ecs, cluster, t.taskArn, `Shepherd ${t.stopIntent}: ${(t as { stopIntentReason?: string }).stopIntentReason ?? 'stop intended'}`);
      done++;
    } catch (err) {
      // One task's failure never holds up the pass; the next pass tries again.
      logger.error('a due stop failed', { taskArn: t.taskArn, error: String(err) });
    }
  });
  return done;
}

/**
 * A service's target groups changed (PATCH loadBalancers): running tasks leave the groups the
 * service no longer names at once, and are registered afresh (below) in the ones it names now.
 */
async function regroup(deps: ReconcileDeps, services: Service[], tasks: Map<string, StoredTask>): Promise<void> {
  const groups = new Map(services.map((s) => [s.name, new Set((s.loadBalancers ?? []).map((l) => l.targetGroupArn))]));
  const moved = [...tasks.values()].filter((t) => {
    const want = groups.get(t.service);
    if (!want || isTerminal(t.lastStatus) || t.stopIntent || !t.targets?.length) return false;
    const have = new Set(t.targets.map((x) => x.targetGroupArn));
    return have.size !== want.size || [...have].some((g) => !want.has(g));
  });
  await mapLimit(moved, deps.concurrency ?? 8, async (t) => {
    try {
      const want = groups.get(t.service)!;
      const stale = t.targets!.filter((x) => !want.has(x.targetGroupArn));
      await deregister(deps, { ...t, targets: stale });
      if (await deps.store.tasks.setBalancing(t.service, t.taskArn, { targets: [] })) tasks.set(t.taskArn, { ...t, targets: [] });
    } catch (err) {
      logger.error('moving a task between target groups failed', { taskArn: t.taskArn, error: String(err) });
    }
  });
}

/** Registers what is missing and refreshes target health; updates `tasks` in place. */
export async function balance(deps: ReconcileDeps, services: Service[], tasks: Map<string, StoredTask>): Promise<Omit<BalanceSummary, 'stopsDue'>> {
  const out = { targetsRegistered: 0, healthChanged: 0 };
  if (!deps.elb) return out;
  await regroup(deps, services, tasks);
  const balanced = services.filter((s) => (s.loadBalancers?.length ?? 0) > 0);
  await mapLimit(balanced, deps.concurrency ?? 8, async (service) => {
    try {
      const own = [...tasks.values()].filter((t) => t.service === service.name && !isTerminal(t.lastStatus));
      for (const t of own) {
        if (t.lastStatus !== 'RUNNING' || t.stopIntent || t.targets?.length) continue;
        const targets = await registerRunning(deps, t, service);
        if (targets) {
          out.targetsRegistered++;
          tasks.set(t.taskArn, { ...t, targets, targetHealth: 'initial' });
        }
      }
      const before = [...tasks.values()].filter((t) => t.service === service.name && !isTerminal(t.lastStatus));
      for (const t of await refreshTargetHealth(deps, service, before)) {
        if (t.targetHealth !== tasks.get(t.taskArn)?.targetHealth) out.healthChanged++;
        tasks.set(t.taskArn, t);
      }
    } catch (err) {
      logger.error('load balancer upkeep failed', { service: service.name, error: String(err) });
    }
  });
  return out;
}
