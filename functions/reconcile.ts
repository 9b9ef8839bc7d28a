/**
 * The scheduled reconciler: every minute (param `reconcileSchedule`), one level-triggered pass over
 * every cluster in the store — drift repair against ECS, then each service's plan from the same
 * planner the event path uses (shared/reconcile). In-process fan-out over clusters, a few at a
 * time, within the 15-minute budget; why that fits 2,000 services / 20 clusters / 20,000 tasks in
 * 512 MB is in shared/reconcile/pass.ts. A payload `{ "cluster": "prod" }` (or `{ "clusters": [...] }`)
 * reconciles only those, e.g. `aws lambda invoke` by hand.
 */
import type { Context } from 'aws-lambda';
import { autoScalingClient, ecsClient, elbClient } from '../shared/aws/clients';
import { lambda } from '../shared/lambda';
import { logger } from '../shared/log';
import { reconcileAll } from '../shared/reconcile/pass';
import { runtime } from '../shared/runtime';

interface ReconcileEvent {
  cluster?: unknown;
  clusters?: unknown;
}

function requestedClusters(event: ReconcileEvent | undefined): string[] | undefined {
  if (typeof event?.cluster === 'string' && event.cluster) return [event.cluster];
  if (Array.isArray(event?.clusters)) return event.clusters.filter((c): c is string => typeof c === 'string' && c.length > 0);
  return undefined;
}

export const handler = lambda(async (event: ReconcileEvent | undefined, context: Context) => {
  const clusters = requestedClusters(event);
  const summary = await reconcileAll(
    { ...runtime(), ecs: ecsClient(), autoScaling: autoScalingClient(), elb: elbClient() },
    {
      ...(clusters ? { clusters } : {}),
      ...(typeof context?.getRemainingTimeInMillis === 'function' ? { remainingMs: () => context.getRemainingTimeInMillis() } : {}),
    },
  );
  const { clusters: perCluster, ...totals } = summary;
  logger.info('reconcile pass', {
    ...totals,
    perCluster: perCluster.map((c) => ({ cluster: c.cluster, services: c.services, acted: c.acted.length, busy: c.busy.length, started: c.started, stopped: c.stopped, drift: c.drift, errors: c.errors.slice(0, 10), durationMs: c.durationMs })),
  });
  return { ...totals, clusters: perCluster.map((c) => c.cluster) };
});
