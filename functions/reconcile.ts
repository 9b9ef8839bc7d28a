/**
 * The scheduled reconciler (level-triggered convergence of every service). Its planner and
 * fan-out arrive with the "Scheduled reconciler" issue; until then a pass only reports the
 * clusters it would visit.
 */
import { lambda } from '../shared/lambda';
import { logger } from '../shared/log';
import { runtime } from '../shared/runtime';

export const handler = lambda(async (): Promise<{ clusters: string[] }> => {
  const page = await runtime().store.clusters.list({ limit: 100 });
  const clusters = page.items.map((c) => c.name);
  logger.info('reconcile pass (planner not yet enabled)', { clusters });
  return { clusters };
});
