/**
 * Tasks of this stack whose service is no longer in the store (deleted by hand, say): nobody plans
 * for them, so they would run forever. Once older than a grace period (a younger one may belong to
 * a write still in flight), each gets the stop intent `service-deleted`, recorded first as every
 * on-purpose stop is; `stopDue` (./balance.ts) then deregisters its targets and stops it in the
 * same pass.
 */
import { isTerminal } from '../core/observed';
import type { StoredTask } from '../store';
import { markStopIntent } from '../store/intents';
import type { ReconcileDeps } from './cluster';
import { mapLimit } from './pool';

/** A task without a service is left alone this long after it was created. */
export const ORPHAN_GRACE_MS = 10 * 60_000;

/** Marks the orphans in `tasks` (updating the map) and returns how many. */
export async function markOrphans(deps: ReconcileDeps, tasks: Map<string, StoredTask>, services: Set<string>): Promise<number> {
  const now = deps.now();
  const at = now.toISOString();
  const orphans = [...tasks.values()].filter(
    (t) => !isTerminal(t.lastStatus) && t.desiredStatus !== 'STOPPED' && !t.stopIntent && !services.has(t.service) && now.getTime() - Date.parse(t.createdAt ?? '') >= ORPHAN_GRACE_MS,
  );
  let marked = 0;
  await mapLimit(orphans, deps.concurrency ?? 8, async (t) => {
    const reason = `its service ${t.service} no longer exists`;
    if (!(await markStopIntent(deps.store.ctx, t.service, t.taskArn, 'service-deleted', reason, { stopAfter: at }))) return;
    tasks.set(t.taskArn, { ...t, stopIntent: 'service-deleted', stopAfter: at, stopIntentReason: reason } as StoredTask);
    marked++;
  });
  return marked;
}
