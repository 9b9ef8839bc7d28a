/**
 * A whole reconciler pass: every cluster Shepherd schedules on (or the ones asked for), each with
 * `reconcileCluster`, a few clusters at a time, within the invocation's time budget.
 *
 * Fan-out design: in-process, not one invocation per cluster. A pass over a converged installation
 * is only reads — at 2,000 services / 20 clusters / 20,000 tasks about 200 ListTasks pages, 20
 * instance checks and ~60 store pages, a few seconds — and even the worst pass (an empty store
 * after an outage: 200 DescribeTasks + 20,000 conditional writes, or every service's tasks to
 * start: ~2,000 RunTask calls, which ECS's rate limits pace anyway) stays far inside 15 minutes
 * with 4 clusters in flight. Memory is bounded per cluster (its view: ≈ 2 KB per task, 4 KB per
 * instance, ≈ 3 MB for 1,000 tasks) times the clusters in flight, and released after each. So one
 * invocation, no extra IAM (no lambda:InvokeFunction on itself), no queue, and a schedule with
 * reservedConcurrency 1 means passes normally never overlap (leases make it safe when they do).
 * When a pass runs short of time it stops starting clusters and reports them as skipped: the next
 * pass (level-triggered) picks them up. The payload `{cluster}` / `{clusters}` reconciles only
 * those, which is also the hook for a per-cluster asynchronous fan-out should installations
 * outgrow one invocation (≈ 10× today's target).
 */
import { logger } from '../log';
import type { Page } from '../store';
import type { Cluster } from '../core/cluster';
import { countCalls, totalCalls, withCallCounts, type CallCounts } from './calls';
import { reconcileCluster, type ClusterSummary, type ReconcileDeps } from './cluster';
import { mapLimit } from './pool';

export interface PassOptions {
  /** Only these clusters (default: every cluster in the store). */
  clusters?: string[];
  /** Clusters reconciled at once (default 4). */
  clusterConcurrency?: number;
  /** Milliseconds left in this invocation (Lambda's context.getRemainingTimeInMillis). */
  remainingMs?: () => number;
  /** A cluster is started only with at least this much time left (default 2 minutes). */
  reserveMs?: number;
}

export interface PassSummary {
  clusters: ClusterSummary[];
  /** Clusters not reconciled this time because the invocation ran short of time. */
  skipped: string[];
  services: number;
  acted: number;
  started: number;
  stopped: number;
  deleted: number;
  calls: CallCounts;
  totalCalls: number;
  errors: number;
  durationMs: number;
}

export async function listClusterNames(deps: ReconcileDeps): Promise<string[]> {
  const names: string[] = [];
  let nextToken: string | undefined;
  do {
    const page: Page<Cluster> = await deps.store.clusters.list({ limit: 100, ...(nextToken ? { nextToken } : {}) });
    names.push(...page.items.map((c) => c.name));
    nextToken = page.nextToken;
  } while (nextToken);
  return names;
}

export async function reconcileAll(deps: ReconcileDeps, opts: PassOptions = {}): Promise<PassSummary> {
  const t0 = Date.now();
  const own: CallCounts = {};
  countCalls(deps.store.ctx.client);
  const listed = opts.clusters ?? (await withCallCounts(own, () => listClusterNames(deps)));
  // Start each pass at a different cluster, so a pass that runs short of time never leaves the
  // same clusters behind twice in a row.
  const offset = listed.length ? Math.floor(deps.now().getTime() / 60_000) % listed.length : 0;
  const clusters = [...listed.slice(offset), ...listed.slice(0, offset)];
  const reserve = opts.reserveMs ?? 120_000;
  const skipped: string[] = [];
  const results = await mapLimit(clusters, opts.clusterConcurrency ?? 4, async (cluster) => {
    if (opts.remainingMs && opts.remainingMs() < reserve) {
      skipped.push(cluster);
      return undefined;
    }
    return reconcileCluster(deps, cluster);
  });
  const done = results.filter((r): r is ClusterSummary => r !== undefined);
  const calls: CallCounts = { ...own };
  for (const s of done) for (const [k, v] of Object.entries(s.calls)) calls[k] = (calls[k] ?? 0) + v;
  const summary: PassSummary = {
    clusters: done,
    skipped,
    services: done.reduce((n, s) => n + s.services, 0),
    acted: done.reduce((n, s) => n + s.acted.length, 0),
    started: done.reduce((n, s) => n + s.started, 0),
    stopped: done.reduce((n, s) => n + s.stopped, 0),
    deleted: done.reduce((n, s) => n + s.deleted.length, 0),
    calls,
    totalCalls: totalCalls(calls),
    errors: done.reduce((n, s) => n + s.errors.length, 0),
    durationMs: Date.now() - t0,
  };
  if (skipped.length) logger.warn('reconcile pass ran short of time; clusters left for the next pass', { skipped });
  return summary;
}
