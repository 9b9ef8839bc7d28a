/**
 * Plan and act for one service now, from the store's view: the same planner the reconciler runs
 * (shared/core/planner.ts), carried out through the ECS adapter. Used by the event path when an
 * instance drains, joins or comes back, and when a replacement it was waiting for is RUNNING.
 */
import { createHash, randomUUID } from 'node:crypto';
import type { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import type { ECSClient } from '@aws-sdk/client-ecs';
import { capacityNow } from '../capacity/trigger';
import { DEFAULT_BACKOFF_POLICY } from '../core/backoff';
import { groupFor, startedByFor } from '../core/markers';
import type { ObservedInstance } from '../core/observed';
import { DEFAULT_DISCONNECT_GRACE_MS, planService, type Plan, type PlannedTask, type PlannerPolicy } from '../core/planner';
import type { PendingStart } from '../core/pendingStarts';
import type { Service } from '../core/service';
import { isCapacityFailure, runServiceTasks, startedNothing, type StartOutcome } from '../ecs/runTask';
import { startOnInstances, stopTask } from '../ecs/startStop';
import { planToken } from '../ecs/token';
import type { Runtime } from '../runtime';
import { deregister, stopAfterFor, type BalancingDeps } from '../elb/lifecycle';
import { markStopIntent, recordStarts } from '../store/intents';
import { acquireLease, releaseLease, SERVICE_LEASE_MS } from '../store/leases';
import { announceStart, dropPendingStart, plannedPending, readServiceTasks, type PendingStartRecord } from '../store/pendingStarts';
import { progressDeployment } from './deployment';
import { queryAll } from '../store/query';
import { KEY, PREFIX } from '../store/table';
import type { StoredTask } from '../store';

export interface ActDeps extends BalancingDeps {
  ecs: ECSClient;
  /** Present where the function may size clusters (capacity decisions on unplaced demand). */
  autoScaling?: AutoScalingClient;
  plannerPolicy?: PlannerPolicy;
}

export interface ApplyResult {
  started: string[];
  stopped: string[];
  /** Stops waiting for their load balancer targets to drain (deregistered; stopped by a later pass). */
  draining: string[];
  failures: Array<{ reason: string; detail?: string }>;
}

export const DEFAULT_PLANNER_POLICY: PlannerPolicy = { backoff: DEFAULT_BACKOFF_POLICY, disconnectGraceMs: DEFAULT_DISCONNECT_GRACE_MS };

/** What the planner needs of the store for one service: its tasks and pending starts (one read), the cluster's instances. */
export async function loadPlanInput(
  deps: { store: Runtime['store'] },
  service: Service,
): Promise<{ tasks: StoredTask[]; instances: ObservedInstance[]; pending: PendingStartRecord[]; pendingStarts: PendingStart[] }> {
  const [{ tasks, pending }, instances] = await Promise.all([
    readServiceTasks(deps.store.ctx, service.name),
    queryAll<ObservedInstance>(deps.store.ctx, { partition: KEY.clusterPk(service.cluster), sortPrefix: PREFIX.instance }),
  ]);
  return { tasks, instances, pending, pendingStarts: plannedPending(pending, tasks) };
}

/**
 * A key for this exact situation: the same service revision and the same set of wanted tasks give
 * the same RunTask tokens, so two handlers acting on the same view start the same tasks once.
 */
export function planKeyFor(service: Service, tasks: PlannedTask[], pending: Array<{ token: string }> = []): string {
  // Every task the store holds (stopped ones too) and the runtime revision: an attempt whose tasks
  // have since stopped, or that placed nothing (unplaced demand was recorded), never repeats its
  // token — ECS would answer a repeated token with the old attempt's result for 24 hours. The
  // pending starts too: a plan made while another actor's start is outstanding (counted in it)
  // never reuses that start's token, so never rewrites its announcement.
  const all = tasks.map((t) => `${t.taskArn}:${t.lastStatus === 'STOPPED' ? 'S' : 'L'}${t.stopIntent ? 'I' : ''}`).sort();
  const announced = pending.map((p) => p.token).sort();
  return createHash('sha256')
    .update(`${service.revision}|${service.runtimeRevision ?? 0}|${service.taskDefinition}|${service.desiredCount}|${all.join(',')}|${announced.join(',')}`)
    .digest('base64url')
    .slice(0, 32);
}

/**
 * `onlyInstance`: place daemon tasks only on this instance (an instance event acts for its own
 * instance; concurrent events for other instances act for theirs, so none starts a daemon twice).
 */
export async function replanService(
  deps: ActDeps,
  name: string,
  why: string,
  opts: { onlyInstance?: string; tryOnce?: boolean; maxStarts?: number } = {},
): Promise<{ plan?: Plan; result?: ApplyResult; busy?: boolean }> {
  // One actor per service at a time (event handlers and reconciler passes alike): a second one
  // waits, then plans on the state the first left behind, so two views never both start tasks.
  // `tryOnce` (the API): if another actor holds the lease, leave it to that one.
  const owner = `event-${randomUUID()}`;
  if (opts.tryOnce) {
    if (!(await acquireLease(deps.store.ctx, name, owner, LEASE_MS))) return { busy: true };
  } else await takeLease(deps, name, owner);
  try {
    return await replanHeld(deps, name, why, owner, opts);
  } finally {
    await releaseLease(deps.store.ctx, name, owner);
  }
}

export class ServiceBusyError extends Error {
  override readonly name = 'ServiceBusyError';
}

const LEASE_MS = SERVICE_LEASE_MS;

/** Waits (up to ~15 s) for the service's lease; ServiceBusyError when another actor keeps it. */
export async function takeLease(deps: Pick<ActDeps, 'store'>, name: string, owner: string): Promise<void> {
  for (let attempt = 0; attempt < 40; attempt++) {
    if (await acquireLease(deps.store.ctx, name, owner, LEASE_MS)) return;
    await new Promise((r) => setTimeout(r, Math.min(500, 25 * 2 ** Math.min(attempt, 5)) * (0.5 + Math.random())));
  }
  // Retryable: Lambda retries the event, and the holder will have moved the service along by then.
  throw new ServiceBusyError(`service ${name} is being acted on by another handler or pass`);
}

async function replanHeld(deps: ActDeps, name: string, why: string, owner: string, opts: { onlyInstance?: string; maxStarts?: number }): Promise<{ plan?: Plan; result?: ApplyResult }> {
  const stored = await deps.store.services.get(name);
  if (!stored) return {};
  const { tasks, instances, pending, pendingStarts } = await loadPlanInput(deps, stored);
  // A deployment's verdict (completed, failed, rolled back) comes first: the plan follows it.
  const service = await progressDeployment(deps, stored, tasks);
  const full = planService({ service, tasks, instances, pendingStarts, now: deps.now().getTime(), policy: deps.plannerPolicy ?? DEFAULT_PLANNER_POLICY });
  const plan = opts.onlyInstance ? { ...full, actions: full.actions.flatMap((a) => onlyOn(a, opts.onlyInstance!)) } : full;
  if (plan.actions.length === 0) return { plan };
  // A caller with a time budget (the API, inside API Gateway's 30 s) leaves big plans to the reconciler.
  const starts = plan.actions.reduce((n, a) => n + (a.kind === 'start' ? a.count : a.kind === 'startOn' ? a.containerInstanceArns.length : 0), 0);
  if (opts.maxStarts !== undefined && starts > opts.maxStarts) return { plan: { ...plan, notes: [...plan.notes, `${starts} starts: left to the reconciler's pass`] } };
  const result = await applyPlan(deps, service, plan, { planKey: planKeyFor(service, tasks, pending), why, tasks, owner });
  return { plan, result };
}

/**
 * Carries out a plan under the service's lease, held by `owner`. Every start is announced first
 * (fenced by the lease; LeaseLostError if it lapsed) and resolved when its tasks are recorded.
 * `tasks`: the stored tasks the plan was made from (their load balancer targets are deregistered before they stop).
 */
export async function applyPlan(
  deps: ActDeps,
  service: Service,
  plan: Plan,
  opts: { planKey: string; why: string; tasks?: StoredTask[]; owner: string; leaseMs?: number },
): Promise<ApplyResult> {
  const stage = deps.config.stage;
  const result: ApplyResult = { started: [], stopped: [], draining: [], failures: [] };
  const now = deps.now().toISOString();
  // Replacements started while on-purpose stops still wait: re-plan when they are RUNNING.
  const waiting = plan.notes.some((n) => n.includes('wait'));
  const held = { owner: opts.owner, ...(opts.leaseMs ? { leaseMs: opts.leaseMs } : {}) };
  const record = async (out: StartOutcome, key: string, token: string, reason: string) => {
    result.started.push(...out.started.map((t) => t.taskArn));
    result.failures.push(...out.failures.map((f) => ({ reason: f.reason, ...(f.detail ? { detail: f.detail } : {}) })));
    // ECS answered and started nothing for this token: nothing is pending. (A token ECS says it
    // used before, without naming the tasks, stays announced: they may run.)
    if (out.started.length === 0) return void (out.alreadyStarted || (await dropPendingStart(deps.store.ctx, service.name, token)));
    await recordStarts(deps.store.ctx, {
      service: service.name,
      cluster: service.cluster,
      startedBy: startedByFor(stage),
      group: groupFor(service.name),
      started: out.started,
      announced: token,
      ...(waiting ? { extra: { replanOnRunning: true } } : {}),
      history: [
        {
          id: `start:${key}`,
          type: 'Tasks Started',
          subject: service.name,
          time: now,
          message: `started ${out.started.length} task(s): ${reason} (${opts.why})`,
          detail: { taskArns: out.started.map((t) => t.taskArn), reason, trigger: opts.why },
        },
      ],
    });
  };

  let chunk = 0;
  for (const a of plan.actions) {
    if (a.kind === 'start') {
      for (let left = a.count; left > 0; left -= 10) {
        const key = `${opts.planKey}:${chunk++}`;
        const token = planToken(service.name, key);
        const count = Math.min(10, left);
        const out = await startAnnounced(deps, { service, token, count, ...held }, (deadlineMs) => runServiceTasks(deps.ecs, service, { count, clientToken: token, stage, deadlineMs }));
        await record(out, key, token, a.reason);
      }
    } else if (a.kind === 'startOn') {
      const key = `${opts.planKey}:${chunk++}`;
      // StartTask has no idempotency token: its announcement is never shared with another attempt.
      const token = `s-${randomUUID()}`;
      const arns = a.containerInstanceArns;
      const out = await startAnnounced(deps, { service, token, count: arns.length, instances: arns, ...held }, (deadlineMs) => startOnInstances(deps.ecs, service, arns, stage, deadlineMs));
      await record(out, key, token, a.reason);
    }
  }
  const byArn = new Map((opts.tasks ?? []).map((t) => [t.taskArn, t]));
  for (const a of plan.actions) {
    if (a.kind !== 'stop') continue;
    // The intent is recorded first, so the STOPPED event that follows is never "replaced"; with
    // it, when the task may stop: after its load balancer targets have drained.
    const task = byArn.get(a.taskArn);
    // A task on a lost host serves nobody: no point waiting for its connections to drain.
    const stopAfter = a.intent === 'lost-host' ? deps.now().toISOString() : await stopAfterFor(deps, task);
    if (!(await markStopIntent(deps.store.ctx, service.name, a.taskArn, a.intent, a.reason, { stopAfter }))) continue;
    await deregister(deps, task);
    if (Date.parse(stopAfter) > deps.now().getTime()) {
      result.draining.push(a.taskArn);
      continue; // the reconciler's pass stops it when the deregistration delay is over
    }
    await stopTask(deps.ecs, service.cluster, a.taskArn, `Shepherd ${a.intent}: ${a.reason}`);
    result.stopped.push(a.taskArn);
  }
  if (plan.actions.some((a) => a.kind === 'start' || a.kind === 'startOn')) {
    const reasons = [...new Set(result.failures.map((f) => f.reason))];
    const missing = plan.actions.reduce((n, a) => n + (a.kind === 'start' ? a.count : a.kind === 'startOn' ? a.containerInstanceArns.length : 0), 0) - result.started.length;
    if (missing > 0 && (reasons.some(isCapacityFailure) || reasons.length === 0)) {
      const updated = await deps.store.services.setRuntime(service.name, { unplaced: { count: missing, reasons: reasons.slice(0, 10), since: service.unplaced?.since ?? now } });
      await capacityNow(deps, service.cluster, `${missing} task(s) of ${service.name} could not be placed`, [updated]);
    } else if (missing <= 0 && service.unplaced) {
      await deps.store.services.setRuntime(service.name, { unplaced: undefined });
    }
  }
  return result;
}

/** An announced start's ECS call must be over this long before the announcement's fence. */
const FENCE_MARGIN_MS = 10_000;

/**
 * Announces a start (fenced by the caller's lease), then makes the ECS call with a deadline before
 * the fence. A call ECS refused outright started nothing: its announcement goes at once; any other
 * failure may have started tasks, so it stays for the redelivery or a pass to resolve.
 */
export async function startAnnounced(
  deps: Pick<ActDeps, 'store' | 'now'>,
  a: { service: Service; token: string; count: number; instances?: string[]; owner: string; leaseMs?: number },
  call: (deadlineMs: number) => Promise<StartOutcome>,
): Promise<StartOutcome> {
  const announced = await announceStart(deps.store.ctx, {
    service: a.service.name,
    cluster: a.service.cluster,
    token: a.token,
    count: a.count,
    ...(a.instances ? { instances: a.instances } : {}),
    owner: a.owner,
    ...(a.leaseMs ? { leaseMs: a.leaseMs } : {}),
  });
  try {
    return await call(announced.fenceUntil - deps.now().getTime() - FENCE_MARGIN_MS);
  } catch (err) {
    if (startedNothing(err)) await dropPendingStart(deps.store.ctx, a.service.name, a.token);
    throw err;
  }
}

function onlyOn(a: Plan['actions'][number], instance: string): Plan['actions'] {
  if (a.kind !== 'startOn') return [a];
  return a.containerInstanceArns.includes(instance) ? [{ ...a, containerInstanceArns: [instance] }] : [];
}
