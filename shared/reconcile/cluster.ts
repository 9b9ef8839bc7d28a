/**
 * One level-triggered reconciler pass over one cluster. Whatever events were lost, whatever a
 * handler failed to finish, whatever people changed by hand, a pass leaves every service of the
 * cluster on its way to what it wants:
 *
 * 1. Read, in parallel: the store's view of the cluster (services and live tasks from the
 *    `byCluster` index, instances; 1 MB pages), ListTasks(startedBy = shepherd/<stage>) all pages,
 *    and the cheap instance check (ARNs of ACTIVE, connected instances).
 * 2. Instances: describe only those where the check and the store disagree, and those the store
 *    holds as not usable (draining, disconnected: the planner takes destructive decisions on
 *    them, so they are always confirmed). Recorded with put-if-newer (events win).
 * 3. Tasks, drift in both directions: DescribeTasks (batches of 100) only for ARNs ECS lists that
 *    the store does not know as live, and for tasks the store thinks live that ECS no longer lists
 *    (absent is not gone: they may be STOPPED, or stopping). What ECS says is recorded with
 *    put-if-newer; a task ECS answers MISSING is recorded STOPPED (after a grace period, since
 *    ECS's reads lag its writes). A stop found this way gets its `Task Stopped` history entry
 *    (the same key the event path would have used) and is replaced by the planner, which counts
 *    missing tasks from the recorded state.
 *    Live tasks of services no longer in the store, older than 10 minutes, get a stop intent and
 *    are stopped with the other due stops (./orphans.ts).
 * 4. Per service: the pure planner (shared/core/planner.ts) on the repaired view. Only a service
 *    with something to do takes its lease (a conditional write with an expiry), re-reads its item
 *    and tasks strongly consistently (the index lags), plans again and carries out that plan with
 *    `applyPlan` (idempotency tokens from `planKeyFor`), then releases the lease. A DRAINING
 *    service without tasks left is deleted. Services in sync cost no call at all, so a pass over
 *    a converged cluster is its reads: ListTasks pages + store pages + one instance check.
 * 5. A failure of one service is logged and counted; the pass goes on with the others. ECS
 *    throttling is absorbed by the SDK's adaptive retry (shared/aws/clients.ts).
 */
import { randomUUID } from 'node:crypto';
import type { Task } from '@aws-sdk/client-ecs';
import { startedByFor } from '../core/markers';
import { isTerminal, type ObservedInstance, type ObservedTask } from '../core/observed';
import { judgeDeployment } from '../core/deployment';
import { planService, type PlannerPolicy } from '../core/planner';
import { progressDeployment } from '../handlers/deployment';
import type { Service } from '../core/service';
import {
  chunk,
  DESCRIBE_BATCH,
  describeInstanceBatch,
  describeTaskBatch,
  listTaskArns,
  listUsableInstanceArns,
  observedFromInstance,
  observedFromTask,
} from '../ecs/observe';
import { applyPlan, DEFAULT_PLANNER_POLICY, planKeyFor, type ActDeps } from '../handlers/replan';
import { handleStop } from '../handlers/taskEvents';
import { logger } from '../log';
import { ConflictError, NotFoundError, StaleVersionError, type StoredTask } from '../store';
import { readClusterView } from '../store/clusterView';
import { acquireLease, releaseLease, SERVICE_LEASE_MS } from '../store/leases';
import { dropPendingStart, plannedPending, readServiceTasks, type PendingStartRecord } from '../store/pendingStarts';
import { countCalls, withCallCounts, type CallCounts } from './calls';
import { capacityNow } from '../capacity/trigger';
import { balance, stopDue } from './balance';
import type { CapacityAction, Reservation } from '../core/capacity';
import { markOrphans } from './orphans';
import { mapLimit } from './pool';

export interface ReconcileDeps extends ActDeps {
  /** Who holds the leases this pass takes (default: a random id per call). */
  owner?: string;
  /** How long a service lease lasts if its holder never releases it (default 1 minute). */
  leaseMs?: number;
  /** A pending start is dropped by a pass whose ListTasks began this long after its fence (default 10 s). */
  pendingGraceMs?: number;
  /** A task ECS answers MISSING is recorded STOPPED only once its record is this old (default 2 minutes). */
  missingGraceMs?: number;
  /** Services acted on at once within a cluster (default 8); also the describe/record fan-out. */
  concurrency?: number;
}

export interface ClusterSummary {
  cluster: string;
  /** Services of the cluster in the store. */
  services: number;
  /** Services whose plan had actions and that this pass acted on (under their lease). */
  acted: string[];
  /** Services with work that another pass was acting on (lease held): left to it. */
  busy: string[];
  /** DRAINING services removed because no task was left. */
  deleted: string[];
  started: number;
  stopped: number;
  /** On-purpose stops carried out this pass because they had become due (load balancer draining over). */
  stopsDue: number;
  /** Load-balanced tasks registered by this pass (their event was lost, or registration had failed). */
  targetsRegistered: number;
  /** Tasks whose load balancer target health changed this pass. */
  healthChanged: number;
  /** Starts ECS could not place (recorded as the service's unplaced demand), by service. */
  unplaced: Array<{ service: string; count: number; reasons: string[] }>;
  drift: {
    /** Tasks ECS runs with Shepherd's markers that the store did not know as live, now recorded. */
    unknownRecorded: number;
    /** Tasks the store thought live that ECS reports STOPPED, now recorded. */
    stoppedFound: number;
    /** Tasks the store thought live that ECS no longer knows (MISSING), recorded STOPPED. */
    missing: number;
    /** Recorded tasks whose service is not in the store. */
    orphans: number;
    /** Live tasks whose service is not in the store, older than ORPHAN_GRACE_MS: asked to stop (./orphans.ts). */
    orphansStopped: number;
    /** Tasks described this pass. */
    described: number;
    /** Pending starts of actors that died between announcing and recording, dropped once listed. */
    pendingDropped: number;
  };
  instances: { described: number; recorded: number };
  /** AWS calls this pass made for the cluster, by action (logical calls; SDK retries not counted). */
  calls: CallCounts;
  /** The capacity decision of this pass (clusters with capacity settings, when the function may scale). */
  capacity?: { actions: CapacityAction[]; reservation?: Reservation; notes: string[]; skipped?: string };
  errors: Array<{ service?: string; step: string; error: string }>;
  durationMs: number;
}

const DEFAULT_LEASE_MS = SERVICE_LEASE_MS;
/** ECS's ListTasks may lag a RunTask by a moment: an announcement is dropped only this long after its fence. */
const DEFAULT_PENDING_GRACE_MS = 10_000;
const DEFAULT_MISSING_GRACE_MS = 120_000;
const DEFAULT_CONCURRENCY = 8;

const usable = (i: ObservedInstance) => i.status === 'ACTIVE' && i.agentConnected;
const short = (arn: string) => arn.slice(arn.lastIndexOf('/') + 1);

/** One pass over one cluster. Never throws: a failure is in the summary's `errors`. */
export async function reconcileCluster(deps: ReconcileDeps, cluster: string): Promise<ClusterSummary> {
  const t0 = Date.now();
  const summary: ClusterSummary = {
    cluster,
    services: 0,
    acted: [],
    busy: [],
    deleted: [],
    started: 0,
    stopped: 0,
    stopsDue: 0,
    targetsRegistered: 0,
    healthChanged: 0,
    unplaced: [],
    drift: { unknownRecorded: 0, stoppedFound: 0, missing: 0, orphans: 0, orphansStopped: 0, described: 0, pendingDropped: 0 },
    instances: { described: 0, recorded: 0 },
    calls: {},
    errors: [],
    durationMs: 0,
  };
  countCalls(deps.ecs);
  countCalls(deps.store.ctx.client);
  if (deps.autoScaling) countCalls(deps.autoScaling);
  let managed = false;
  try {
    managed = await withCallCounts(summary.calls, () => pass(deps, cluster, summary));
  } catch (err) {
    summary.errors.push({ step: 'cluster', error: describeError(err) });
    logger.error('reconcile pass failed for cluster', { cluster, error: describeError(err) });
  }
  // Capacity last, on the state the services' actions left (demand they could not place); only
  // for a cluster with capacity settings (its record comes with the pass's reads).
  if (managed) await withCallCounts(summary.calls, async () => {
    const out = await capacityNow(deps, cluster, 'reconcile pass');
    if (!out) return;
    summary.capacity = {
      actions: out.done,
      notes: out.decision?.notes ?? [],
      ...(out.decision ? { reservation: out.decision.reservation } : {}),
      ...(out.skipped ? { skipped: out.skipped } : {}),
    };
    for (const e of out.errors) summary.errors.push({ step: 'capacity', error: e });
  });
  summary.durationMs = Date.now() - t0;
  return summary;
}

/** Returns whether the cluster has capacity settings. */
async function pass(deps: ReconcileDeps, cluster: string, summary: ClusterSummary): Promise<boolean> {
  const stage = deps.config.stage;
  const startedBy = startedByFor(stage);
  const concurrency = deps.concurrency ?? DEFAULT_CONCURRENCY;
  const policy: PlannerPolicy = deps.plannerPolicy ?? DEFAULT_PLANNER_POLICY;

  const listedAt = deps.now().getTime();
  const [view, listed, usableArns] = await Promise.all([
    readClusterView(deps.store.ctx, cluster),
    listTaskArns(deps.ecs, cluster, startedBy),
    listUsableInstanceArns(deps.ecs, cluster),
  ]);
  summary.services = view.services.length;

  const serviceNames = new Set(view.services.map((s) => s.name));
  const tasks = await repairTasks(deps, cluster, view.tasks, listed, serviceNames, summary);
  const pending = await dropResolvedStarts(deps, cluster, view.pending, { at: listedAt, complete: listed.every((arn) => tasks.has(arn)) }, tasks, summary);
  // Hosts that live tasks run on but the store has never seen (e.g. registered while their event was lost, then drained).
  const referenced = new Set<string>();
  for (const t of tasks.values()) if (!isTerminal(t.lastStatus) && t.containerInstanceArn) referenced.add(t.containerInstanceArn);
  const instances = await repairInstances(deps, cluster, view.instances, usableArns, referenced, summary);
  summary.drift.orphansStopped = await markOrphans(deps, tasks, serviceNames);
  // Stops that were waiting (load balancer draining, or a handler that crashed before StopTask, or
  // orphans just marked), then targets and their health.
  summary.stopsDue = await stopDue(deps, cluster, tasks, new Set(listed));
  Object.assign(summary, await balance(deps, view.services, tasks));

  // Plan every service on the repaired view; only those with work go further.
  const byService = new Map<string, StoredTask[]>();
  for (const t of tasks.values()) {
    if (isTerminal(t.lastStatus)) continue;
    const list = byService.get(t.service);
    if (list) list.push(t);
    else byService.set(t.service, [t]);
  }
  const now = deps.now().getTime();
  const work = view.services.filter((service) => {
    const own = byService.get(service.name) ?? [];
    if (service.status !== 'ACTIVE' && own.length === 0) return true; // to delete
    const pendingStarts = plannedPending(pending.filter((p) => p.service === service.name), own);
    // Work: actions to take, or a deployment verdict to record (completed, failed, rolled back).
    return planService({ service, tasks: own, instances, now, policy, pendingStarts }).actions.length > 0 || judgeDeployment(service, own, new Date(now).toISOString()).kind !== 'none';
  });
  const managed = !!view.cluster?.capacity;
  if (work.length === 0) return managed;

  const owner = deps.owner ?? randomUUID();
  await mapLimit(work, concurrency, async (s) => {
    try {
      await actOn(deps, s.name, cluster, instances, owner, policy, summary);
    } catch (err) {
      summary.errors.push({ service: s.name, step: 'act', error: describeError(err) });
      logger.error('reconciling a service failed', { cluster, service: s.name, error: describeError(err) });
    }
  });
  return managed;
}

/** Instances: the cheap check against the store; describe and record only what differs or is at risk. */
async function repairInstances(
  deps: ReconcileDeps,
  cluster: string,
  stored: ObservedInstance[],
  usableArns: string[],
  referenced: Set<string>,
  summary: ClusterSummary,
): Promise<ObservedInstance[]> {
  const byArn = new Map(stored.map((i) => [i.containerInstanceArn, i]));
  const usableNow = new Set(usableArns);
  const check = new Set<string>();
  for (const arn of referenced) if (!byArn.has(arn)) check.add(arn);
  for (const arn of usableArns) {
    const s = byArn.get(arn);
    if (!s || !usable(s)) check.add(arn);
  }
  for (const s of stored) {
    if (s.status === 'INACTIVE') continue;
    // Not usable per the store (draining, disconnected, registering): always confirm; usable per the
    // store but not per ECS: something changed that the store missed.
    if (!usable(s) || !usableNow.has(s.containerInstanceArn)) check.add(s.containerInstanceArn);
  }
  if (check.size === 0) return stored;

  const now = deps.now();
  const batches = await mapLimit(chunk([...check], DESCRIBE_BATCH), 4, (arns) => describeInstanceBatch(deps.ecs, cluster, arns));
  const observed: ObservedInstance[] = [];
  for (const b of batches) {
    summary.instances.described += b.instances.length + b.missing.length;
    for (const ci of b.instances) {
      const o = observedFromInstance(ci, cluster, now);
      if (o) observed.push(o);
    }
    for (const arn of b.missing) {
      const s = byArn.get(arn);
      // ECS no longer knows it at all: it is gone.
      if (s && s.status !== 'INACTIVE') observed.push({ ...s, status: 'INACTIVE', agentConnected: false, version: s.version + 1, updatedAt: now.toISOString() });
    }
  }
  await mapLimit(observed, deps.concurrency ?? DEFAULT_CONCURRENCY, async (o) => {
    try {
      await deps.store.instances.recordObserved(o);
      byArn.set(o.containerInstanceArn, o);
      summary.instances.recorded++;
    } catch (err) {
      if (!(err instanceof StaleVersionError)) throw err;
      // An event recorded a newer state meanwhile: that one is the view.
      const newer = err.current as ObservedInstance | undefined;
      if (newer) byArn.set(o.containerInstanceArn, newer);
    }
  });
  return [...byArn.values()];
}

/** Tasks: drift repair both ways. Returns the repaired view of the cluster's tasks, by ARN. */
async function repairTasks(
  deps: ReconcileDeps,
  cluster: string,
  stored: StoredTask[],
  listed: string[],
  serviceNames: Set<string>,
  summary: ClusterSummary,
): Promise<Map<string, StoredTask>> {
  const startedBy = startedByFor(deps.config.stage);
  const view = new Map(stored.map((t) => [t.taskArn, t]));
  const listedSet = new Set(listed);
  const unknown = listed.filter((arn) => !view.has(arn));
  const vanished = stored.filter((t) => !listedSet.has(t.taskArn)).map((t) => t.taskArn);
  const toDescribe = [...unknown, ...vanished];
  if (toDescribe.length === 0) return view;

  const now = deps.now();
  const batches = await mapLimit(chunk(toDescribe, DESCRIBE_BATCH), 4, (arns) => describeTaskBatch(deps.ecs, cluster, arns));
  const found: Task[] = batches.flatMap((b) => b.tasks);
  const missing = batches.flatMap((b) => b.missing);
  summary.drift.described += found.length + missing.length;

  const writes: Array<{ task: ObservedTask; kind: 'unknown' | 'stopped' | 'missing' | 'update' }> = [];
  for (const t of found) {
    const o = observedFromTask(t, now);
    if (!o || o.startedBy !== startedBy || o.cluster !== cluster) continue;
    const before = view.get(o.taskArn);
    if (!before) writes.push({ task: o, kind: 'unknown' });
    else if (before.version >= o.version) continue; // nothing new
    else writes.push({ task: o, kind: isTerminal(o.lastStatus) ? 'stopped' : 'update' });
  }
  const graceMs = deps.missingGraceMs ?? DEFAULT_MISSING_GRACE_MS;
  for (const arn of missing) {
    const s = view.get(arn);
    if (!s) continue;
    const since = Date.parse(s.updatedAt ?? s.createdAt ?? '');
    if (Number.isFinite(since) && now.getTime() - since < graceMs) continue; // ECS's reads may lag a fresh RunTask
    writes.push({ task: missingAsStopped(s, now), kind: 'missing' });
  }

  // A stop whose event is late or lost goes through the event path's own handling — the same
  // decision, the same RunTask token (replacementToken of the stopped task), the same one
  // transaction — under the service's lease, taken once per service for all its stops. A service
  // another actor holds (e.g. this very stop's event handler) is left to it and the next pass.
  const stops = new Map<string, Array<{ task: ObservedTask; kind: 'stopped' | 'missing' }>>();
  for (const w of writes) {
    if (w.kind !== 'stopped' && w.kind !== 'missing') continue;
    stops.set(w.task.service, [...(stops.get(w.task.service) ?? []), { task: w.task, kind: w.kind }]);
  }
  await mapLimit([...stops], deps.concurrency ?? DEFAULT_CONCURRENCY, async ([service, list]) => {
    const owner = `pass-stops-${randomUUID()}`;
    if (!(await acquireLease(deps.store.ctx, service, owner, deps.leaseMs ?? DEFAULT_LEASE_MS))) {
      summary.busy.push(service);
      return;
    }
    try {
      for (const { task, kind } of list) {
        const out = await handleStop(task, task.stoppedAt ?? now.toISOString(), deps, 'reconciler', owner);
        view.set(task.taskArn, { ...view.get(task.taskArn), ...task } as StoredTask);
        if (out.outcome === 'handled') summary.drift[kind === 'stopped' ? 'stoppedFound' : 'missing']++;
        if (out.outcome === 'handled' && out.replacement) summary.started++;
      }
    } catch (err) {
      summary.errors.push({ service, step: 'stop', error: describeError(err) });
    } finally {
      await releaseLease(deps.store.ctx, service, owner);
    }
  });

  await mapLimit(writes, deps.concurrency ?? DEFAULT_CONCURRENCY, async ({ task, kind }) => {
    if (kind === 'stopped' || kind === 'missing') return;
    let recorded: StoredTask;
    try {
      recorded = await deps.store.tasks.recordObserved(task);
    } catch (err) {
      if (!(err instanceof StaleVersionError)) throw err;
      const newer = err.current as StoredTask | undefined;
      if (newer) view.set(task.taskArn, newer);
      return;
    }
    view.set(task.taskArn, recorded);
    if (kind === 'unknown') {
      summary.drift.unknownRecorded++;
      if (!serviceNames.has(task.service)) summary.drift.orphans++;
    }
    if (kind === 'unknown' && isTerminal(task.lastStatus)) await deps.store.history.append(stoppedHistory(task, kind));
  });
  return view;
}

/** A task ECS no longer knows, as a STOPPED observation one version after the stored one. */
function missingAsStopped(s: StoredTask, now: Date): ObservedTask {
  const at = now.toISOString();
  return {
    taskArn: s.taskArn,
    service: s.service,
    cluster: s.cluster,
    containerInstanceArn: s.containerInstanceArn,
    taskDefinitionArn: s.taskDefinitionArn,
    lastStatus: 'STOPPED',
    desiredStatus: 'STOPPED',
    healthStatus: s.healthStatus,
    stoppedReason: 'ECS no longer knows this task (DescribeTasks: MISSING); recorded stopped by the reconciler',
    containers: s.containers ?? [],
    availabilityZone: s.availabilityZone,
    startedBy: s.startedBy,
    group: s.group,
    version: s.version + 1,
    createdAt: s.createdAt,
    startedAt: s.startedAt,
    stoppingAt: s.stoppingAt,
    stoppedAt: at,
    updatedAt: at,
  };
}

/** The `Task Stopped` entry for a stop the reconciler found; same id and time as the event path's, so at most one is written. */
function stoppedHistory(t: ObservedTask, kind: string) {
  const exits = t.containers.filter((c) => c.exitCode !== undefined).map((c) => `${c.name}=${c.exitCode}`);
  return {
    id: `${t.taskArn}:stopped`,
    type: 'Task Stopped',
    subject: t.service,
    time: t.stoppedAt ?? t.updatedAt,
    message: `task ${short(t.taskArn)} stopped: ${t.stopCode ?? 'unknown'}${t.stoppedReason ? ` (${t.stoppedReason})` : ''}${exits.length ? `; exit codes ${exits.join(', ')}` : ''}; found by the reconciler`,
    detail: {
      taskArn: t.taskArn,
      cluster: t.cluster,
      taskDefinitionArn: t.taskDefinitionArn,
      containerInstanceArn: t.containerInstanceArn,
      stopCode: t.stopCode,
      stoppedReason: t.stoppedReason,
      containers: t.containers,
      foundBy: 'reconciler',
      drift: kind,
    },
  };
}

/**
 * Starts announced by actors that can no longer act (their lease ended before this pass's
 * ListTasks began): whatever they started and ECS still runs, the pass has just recorded — if it
 * recorded every task ECS listed (`listing.complete`). Tasks ECS is already stopping are not in
 * that listing: those that ECS lists as STOPPED and the store does not know are described and
 * recorded first (they hold a place under maximumPercent until STOPPED). Then the announcement is
 * dropped — unless someone announced the same token again since. Returns those still pending.
 */
async function dropResolvedStarts(
  deps: ReconcileDeps,
  cluster: string,
  pending: PendingStartRecord[],
  listing: { at: number; complete: boolean },
  tasks: Map<string, StoredTask>,
  summary: ClusterSummary,
): Promise<PendingStartRecord[]> {
  const graceMs = deps.pendingGraceMs ?? DEFAULT_PENDING_GRACE_MS;
  const resolved = pending.filter((p) => p.fenceUntil + graceMs <= listing.at);
  if (resolved.length === 0 || !listing.complete) return pending;
  const stopping = (await listTaskArns(deps.ecs, cluster, startedByFor(deps.config.stage), 'STOPPED')).filter((arn) => !tasks.has(arn));
  const batches = await mapLimit(chunk(stopping, DESCRIBE_BATCH), 4, (arns) => describeTaskBatch(deps.ecs, cluster, arns));
  if (batches.some((b) => b.missing.length > 0)) return pending; // ECS's reads lag: the next pass
  summary.drift.described += stopping.length;
  const now = deps.now();
  await mapLimit(
    batches.flatMap((b) => b.tasks),
    deps.concurrency ?? DEFAULT_CONCURRENCY,
    async (t) => {
      const o = observedFromTask(t, now);
      if (!o || o.cluster !== cluster) return;
      try {
        tasks.set(o.taskArn, await deps.store.tasks.recordObserved(o));
        summary.drift.unknownRecorded++;
      } catch (err) {
        if (!(err instanceof StaleVersionError)) throw err;
      }
    },
  );
  const dropped = await mapLimit(resolved, deps.concurrency ?? DEFAULT_CONCURRENCY, (p) => dropPendingStart(deps.store.ctx, p.service, p.token, p));
  summary.drift.pendingDropped += dropped.filter(Boolean).length;
  return pending.filter((p) => !resolved.includes(p));
}

/** Under the service's lease: re-read consistently, plan again, act (or delete a drained service). */
async function actOn(
  deps: ReconcileDeps,
  name: string,
  cluster: string,
  instances: ObservedInstance[],
  owner: string,
  policy: PlannerPolicy,
  summary: ClusterSummary,
): Promise<void> {
  const ctx = deps.store.ctx;
  if (!(await acquireLease(ctx, name, owner, deps.leaseMs ?? DEFAULT_LEASE_MS))) {
    summary.busy.push(name);
    return;
  }
  try {
    const [stored, { tasks, pending }] = await Promise.all([deps.store.services.get(name), readServiceTasks(ctx, name)]);
    if (!stored || stored.cluster !== cluster) return;
    // A deployment's verdict comes first: the plan follows it (e.g. a rollback's task definition).
    const service = await progressDeployment(deps, stored, tasks);
    const live = tasks.filter((t) => !isTerminal(t.lastStatus));
    // Not while a start is pending: its tasks may run, and nothing would stop them once the service is gone.
    if (service.status !== 'ACTIVE' && live.length === 0 && pending.length === 0) {
      await deleteDrained(deps, service, summary);
      return;
    }
    const plan = planService({ service, tasks, instances, now: deps.now().getTime(), policy, pendingStarts: plannedPending(pending, tasks) });
    if (plan.actions.length === 0) return;
    const result = await applyPlan(deps, service, plan, { planKey: planKeyFor(service, tasks, pending), why: 'reconciler pass', tasks, owner, leaseMs: deps.leaseMs ?? DEFAULT_LEASE_MS });
    summary.acted.push(name);
    summary.started += result.started.length;
    summary.stopped += result.stopped.length;
    const planned = plan.actions.reduce((n, a) => n + (a.kind === 'start' ? a.count : a.kind === 'startOn' ? a.containerInstanceArns.length : 0), 0);
    if (planned > result.started.length) {
      summary.unplaced.push({ service: name, count: planned - result.started.length, reasons: [...new Set(result.failures.map((f) => f.reason))] });
    }
  } finally {
    try {
      await releaseLease(ctx, name, owner);
    } catch (err) {
      // It expires on its own.
      logger.warn('releasing a service lease failed', { service: name, error: describeError(err) });
    }
  }
}

async function deleteDrained(deps: ReconcileDeps, service: Service, summary: ClusterSummary): Promise<void> {
  try {
    await deps.store.services.delete(service.name, service.revision);
  } catch (err) {
    // Changed or removed meanwhile: the next pass looks again.
    if (err instanceof ConflictError || err instanceof NotFoundError) return;
    throw err;
  }
  summary.deleted.push(service.name);
  const now = deps.now().toISOString();
  await deps.store.history.append({
    id: `${service.name}:deleted:${service.revision}`,
    type: 'Service Deleted',
    subject: service.name,
    time: now,
    message: `service ${service.name} removed: it was being deleted and no task is left`,
    detail: { cluster: service.cluster, revision: service.revision },
  });
}

function describeError(err: unknown): string {
  if (err instanceof Error) return `${err.name}: ${err.message}`;
  return String(err);
}
