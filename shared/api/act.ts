/**
 * Acting on a change at once: after the API has stored a new desired state (created, scaled,
 * resumed, deployed, patched, deleting), the service is planned and acted on in the same request —
 * the same planner and executor as the event path and the reconciler, under the service's lease,
 * tried once. If another actor holds the lease, or acting fails, the answer is unchanged: the
 * desired state is stored, and that actor or the next reconciler pass (≤ 1 minute) converges.
 */
import { logger } from '../log';
import type { ApiDeps } from './deps';

export async function actNow(deps: ApiDeps, service: string, why: string): Promise<void> {
  if (!deps.act) return;
  try {
    await deps.act(service, `api: ${why}`);
  } catch (err) {
    logger.warn('acting on an API change failed; the reconciler will converge', { service, why, error: String(err) });
  }
}
