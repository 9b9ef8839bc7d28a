/**
 * ECS Task State Change. Every managed task's observation is recorded once, newest version wins
 * (one conditional write). When a task stops, the same decision the reconciler would make is taken
 * at once (shared/core/replacement.ts): replace it with RunTask (a token derived from the stopped
 * task, so redeliveries never start a second one), owe it under crash-loop backoff, or leave it.
 * The outcome — decision, replacement intent, history, backoff, unplaced demand — is one write.
 */
import type { ECSClient } from '@aws-sdk/client-ecs';
import { DEFAULT_BACKOFF_POLICY, type BackoffPolicy } from '../core/backoff';
import type { HistoryEvent } from '../core/history';
import type { ObservedTask } from '../core/observed';
import { groupFor, startedByFor } from '../core/markers';
import { breakerThreshold, countFailure } from '../core/deployment';
import { decideOnStop, type Siblings } from '../core/replacement';
import type { Service, UnplacedDemand } from '../core/service';
import { isCapacityFailure, runServiceTasks, type StartOutcome } from '../ecs/runTask';
import { replacementToken } from '../ecs/token';
import { taskStateChangeEvent, toObservedTask } from '../events/ecs';
import type { StoredTask } from '../store';
import { plannedPending, readServiceTasks } from '../store/pendingStarts';
import { readStopContext, recordStopOutcome, RuntimeConflictError, type ReplacementState, type StopOutcome } from '../store/stopOutcome';
import { parkMalformed, parseEvent, recordIfNewer, type Outcome } from './outcome';
import { replanService, startAnnounced, takeLease, type ActDeps } from './replan';
import { releaseLease } from '../store/leases';
import { randomUUID } from 'node:crypto';
import { capacityNow } from '../capacity/trigger';
import { deregister, registerRunning } from '../elb/lifecycle';
import { logger } from '../log';

export interface TaskEventDeps extends ActDeps {
  ecs: ECSClient;
  random?: () => number;
  backoffPolicy?: BackoffPolicy;
}

export type TaskOutcome = Outcome | { outcome: 'handled'; key: string; state: ReplacementState; reason: string; replacement?: string };

const MAX_ATTEMPTS = 4;

export async function recordTaskEvent(event: unknown, deps: TaskEventDeps): Promise<TaskOutcome> {
  const parsed = parseEvent(taskStateChangeEvent, event, 'ECS Task State Change');
  if (!parsed.ok) return parkMalformed(deps, parsed.outcome, event, 'ECS Task State Change');
  const task = toObservedTask(parsed.data);
  if (!task || task.startedBy !== startedByFor(deps.config.stage)) {
    return { outcome: 'ignored', reason: 'not a task of this Shepherd stack' };
  }
  if (task.lastStatus !== 'STOPPED') {
    let stored: StoredTask | undefined;
    const out = await recordIfNewer(task.taskArn, async () => (stored = await deps.store.tasks.recordObserved(task)));
    if (out.outcome === 'recorded' && stored?.lastStatus === 'RUNNING' && !stored.targets) await registerQuietly(deps, stored);
    const short = task.taskArn.slice(task.taskArn.lastIndexOf('/') + 1);
    // A replacement that on-purpose stops were waiting for (e.g. a drain) is running or healthy, or
    // a task fails its health checks (the planner starts its replacement): act on it now.
    if (out.outcome === 'recorded' && task.lastStatus === 'RUNNING') {
      const failing = task.healthStatus === 'UNHEALTHY' && !stored?.stopIntent;
      const awaited = (stored as { replanOnRunning?: boolean } | undefined)?.replanOnRunning;
      const why = failing ? `task ${short} fails its health checks` : awaited ? `replacement ${short} is ${task.healthStatus === 'HEALTHY' ? 'healthy' : 'running'}` : undefined;
      // The observation is recorded: a plan that cannot be made now (the service busy beyond the
      // lease wait, ECS throttling) is the next reconciler pass's, not a reason to fail the event
      // (its redelivery would find the version recorded and plan nothing).
      if (why) await replanService(deps, task.service, why).catch((err: unknown) => logger.warn('re-plan left to the reconciler', { service: task.service, taskArn: task.taskArn, why, error: String(err) }));
    }
    return out;
  }
  return handleStop(task, parsed.data.time, deps);
}

/** The stopped task's siblings as stored; starts announced by others (maybe dead after RunTask) count as tasks. */
function siblingsOf(tasks: StoredTask[], stoppedArn: string, announced: number): Siblings {
  const others = tasks.filter((t) => t.taskArn !== stoppedArn && t.lastStatus !== 'STOPPED');
  return { live: others.filter((t) => !t.stopIntent && t.desiredStatus !== 'STOPPED').length + announced, occupying: others.length + announced };
}

/** A failed registration never fails the event: the reconciler registers RUNNING tasks that lack targets. */
async function registerQuietly(deps: TaskEventDeps, task: StoredTask): Promise<void> {
  try {
    await registerRunning(deps, task);
  } catch (err) {
    logger.error('registering load balancer targets failed; the reconciler will retry', { taskArn: task.taskArn, error: String(err) });
  }
}

/**
 * A stop that needs no replacement costs two calls: one consistent read of the service and the
 * stored task, and one transactional write of everything that follows. One that does, seven: the
 * service's lease, the same read again with the service's tasks and pending starts (is it still
 * needed, is there room), the start's announcement (fenced by the lease), RunTask, and the write,
 * which also resolves the announcement and releases the lease.
 */
/** `foundBy`: who observed the stop when it was not its event (the reconciler), for the history. */
export async function handleStop(
  stopped: ObservedTask,
  eventTime: string,
  deps: TaskEventDeps,
  foundBy?: string,
  /** The caller already holds the service's lease as this owner (and releases it itself). */
  heldLease?: string,
): Promise<TaskOutcome> {
  const policy = deps.backoffPolicy ?? DEFAULT_BACKOFF_POLICY;
  const random = deps.random ?? Math.random;
  let run: StartOutcome | undefined;
  let announced: string | undefined;
  // A replacement is started under the service's lease, like every other start: a planner acting on
  // the service at the same moment (whose own starts are not recorded yet) never sees the service
  // one task short while this handler also fills it.
  const lease: { owner?: string } = heldLease ? { owner: heldLease } : {};
  const release = async () => {
    if (lease.owner && !heldLease) await releaseLease(deps.store.ctx, stopped.service, lease.owner);
    if (!heldLease) lease.owner = undefined;
  };
  try {
    for (let attempt = 1; attempt <= MAX_ATTEMPTS + 1; attempt++) {
      // The service and the stopped task, strongly consistent; under the lease (a replacement is
      // due) its siblings too, in parallel: whether it is still needed, and has room.
      const [{ service, task: stored }, all] = await Promise.all([
        readStopContext(deps.store.ctx, stopped.service, stopped.taskArn),
        lease.owner ? readServiceTasks(deps.store.ctx, stopped.service) : Promise.resolve(undefined),
      ]);
      if (stored && stored.version >= stopped.version) {
        return { outcome: 'stale', key: stopped.taskArn, storedVersion: stored.version };
      }
      // Already handled as stopped (e.g. the reconciler recorded an earlier STOPPED version, or ECS
      // updated a stopped task): the newer observation is recorded, nothing is decided again.
      if (stored?.lastStatus === 'STOPPED') {
        return recordIfNewer(stopped.taskArn, () => deps.store.tasks.recordObserved(stopped));
      }
      // Its load balancer targets go at once (for an on-purpose stop they went first: a no-op then,
      // and a safety net if a registration raced the stop).
      if (attempt === 1) await deregister(deps, stored);
      const generation = stored?.replacementGeneration ?? 0;
      const token = replacementToken(stopped.taskArn, generation);
      const now = deps.now().getTime();
      // This stop's own announcement (an earlier attempt that died) is not a sibling: its task is the replacement.
      const siblings = all ? siblingsOf(all.tasks, stopped.taskArn, plannedPending(all.pending, all.tasks, token).reduce((n, p) => n + p.count, 0)) : undefined;
      const decision = decideOnStop({ service, task: { ...stopped, ...(stored?.stopIntent ? { stopIntent: stored.stopIntent } : {}) }, now, policy, random, ...(siblings ? { siblings } : {}) });
      if (decision.action === 'replace' && service && !run) {
        if (!lease.owner) {
          const owner = `stop-${randomUUID()}`;
          await takeLease(deps, service.name, owner);
          lease.owner = owner;
          continue; // decide again on what the last holder left behind
        }
        // Announced first (fenced by the lease): should this invocation die after RunTask, every
        // planner counts the replacement until it is recorded (shared/store/pendingStarts.ts).
        announced = token;
        run = await startAnnounced(deps, { service, token, count: 1, owner: lease.owner }, (deadlineMs) =>
          runServiceTasks(deps.ecs, service, { count: 1, clientToken: token, stage: deps.config.stage, deadlineMs }),
        );
      }
      // The lease (this handler's own, not a caller's) is released by the same write.
      const releasing = lease.owner && !heldLease ? lease.owner : undefined;
      const outcome = { ...buildOutcome(stopped, service, decision, run, generation, eventTime, deps, foundBy, stored?.stopIntent), ...(announced ? { announced } : {}), ...(releasing ? { releaseLease: releasing } : {}) };
      try {
        const recorded = await recordStopOutcome(deps.store.ctx, outcome);
        if (releasing && recorded) lease.owner = undefined;
        await release(); // before any re-plan below, which takes the lease itself
        // Lost to a concurrent delivery of the same (or a newer) event, which recorded the same
        // replacement: RunTask's token made both calls start the same task.
        if (!recorded) return { outcome: 'stale', key: stopped.taskArn };
        if (outcome.state === 'unplaced' && service && outcome.runtime?.unplaced) {
          await capacityNow(deps, service.cluster, `the replacement of a ${service.name} task could not be placed`, [{ ...service, unplaced: outcome.runtime.unplaced }]);
        }
        // An on-purpose stop (drain, deployment, scale-in) frees room, and a deployment's failure may
        // trip its circuit breaker: let the planner take the next step now.
        const tripped = outcome.runtime?.deployments?.some((d) => d.status === 'PRIMARY' && service && d.failedTasks >= breakerThreshold(service.desiredCount));
        // A daemon task is replaced on its own host at once (the planner decides whether it still belongs there).
        // (Not when the caller holds the lease: that is the reconciler, whose planner acts next.)
        if (heldLease) {
          // nothing: the pass plans the service right after
        } else if (service?.schedulingStrategy === 'DAEMON' && service.status === 'ACTIVE' && !service.paused && !stored?.stopIntent && stopped.containerInstanceArn) {
          await replanService(deps, service.name, `daemon task ${stopped.taskArn.slice(stopped.taskArn.lastIndexOf('/') + 1)} stopped`, { onlyInstance: stopped.containerInstanceArn });
        } else if ((stored?.stopIntent || tripped) && service?.status === 'ACTIVE' && !service.paused) {
          await replanService(deps, service.name, tripped ? 'deployment circuit breaker threshold reached' : `${stored?.stopIntent} stop of ${stopped.taskArn.slice(stopped.taskArn.lastIndexOf('/') + 1)} completed`);
        }
        return {
          outcome: 'handled',
          key: stopped.taskArn,
          state: outcome.state,
          reason: outcome.reason,
          ...(outcome.started[0] ? { replacement: outcome.started[0].taskArn } : {}),
        };
      } catch (err) {
        if (!(err instanceof RuntimeConflictError) || attempt === MAX_ATTEMPTS) throw err;
        // Another handler changed the service's backoff or demand first: decide again on fresh state.
      }
    }
  } finally {
    await release();
  }
  throw new Error('unreachable');
}

function buildOutcome(
  stopped: ObservedTask,
  service: Service | undefined,
  decision: ReturnType<typeof decideOnStop>,
  run: StartOutcome | undefined,
  generation: number,
  eventTime: string,
  deps: TaskEventDeps,
  foundBy?: string,
  stopIntent?: string,
): StopOutcome {
  const now = deps.now().toISOString();
  const short = (arn: string) => arn.slice(arn.lastIndexOf('/') + 1);
  const exits = stopped.containers.filter((c) => c.exitCode !== undefined).map((c) => `${c.name}=${c.exitCode}`);
  const history: HistoryEvent[] = [
    {
      id: `${stopped.taskArn}:stopped`,
      type: 'Task Stopped',
      subject: stopped.service,
      time: stopped.stoppedAt ?? eventTime,
      message: `task ${short(stopped.taskArn)} stopped: ${stopped.stopCode ?? 'unknown'}${stopped.stoppedReason ? ` (${stopped.stoppedReason})` : ''}${exits.length ? `; exit codes ${exits.join(', ')}` : ''}`,
      detail: {
        taskArn: stopped.taskArn,
        cluster: stopped.cluster,
        taskDefinitionArn: stopped.taskDefinitionArn,
        containerInstanceArn: stopped.containerInstanceArn,
        stopCode: stopped.stopCode,
        stoppedReason: stopped.stoppedReason,
        containers: stopped.containers,
        ...(foundBy ? { foundBy } : {}),
      },
    },
  ];
  let state: ReplacementState = decision.action === 'replace' ? 'replaced' : decision.action === 'defer' ? 'deferred' : 'none';
  let reason = decision.reason;
  let unplaced: UnplacedDemand | null | undefined;
  const started = run?.started ?? [];
  if (decision.action === 'replace') {
    if (started.length > 0) {
      history.push({
        id: `${stopped.taskArn}:replaced`,
        type: 'Task Replaced',
        subject: stopped.service,
        time: now,
        message: `started ${short(started[0]!.taskArn)} to replace ${short(stopped.taskArn)}`,
        detail: { stoppedTaskArn: stopped.taskArn, taskArn: started[0]!.taskArn, cluster: stopped.cluster, reason },
      });
      if (service?.unplaced) unplaced = service.unplaced.count > 1 ? { ...service.unplaced, count: service.unplaced.count - 1 } : null;
    } else {
      state = 'unplaced';
      const reasons = [...new Set((run?.failures ?? []).map((f) => f.reason))];
      reason = `no room for a replacement: ${reasons.join(', ') || 'unknown'}`;
      if (reasons.some(isCapacityFailure) || reasons.length === 0) {
        unplaced = {
          count: (service?.unplaced?.count ?? 0) + 1,
          reasons: [...new Set([...(service?.unplaced?.reasons ?? []), ...reasons])].slice(0, 10),
          since: service?.unplaced?.since ?? now,
        };
      }
      history.push({
        id: `${stopped.taskArn}:unplaced`,
        type: 'Task Unplaced',
        subject: stopped.service,
        time: now,
        message: `could not place a replacement for ${short(stopped.taskArn)}: ${reasons.join(', ')}`,
        detail: { stoppedTaskArn: stopped.taskArn, cluster: stopped.cluster, failures: run?.failures ?? [] },
      });
    }
  } else if (decision.action === 'defer') {
    history.push({
      id: `${stopped.taskArn}:deferred`,
      type: 'Replacement Deferred',
      subject: stopped.service,
      time: now,
      message: decision.reason,
      detail: { stoppedTaskArn: stopped.taskArn, cluster: stopped.cluster, backoff: decision.backoff },
    });
  }
  const backoffChanged = service && decision.backoff !== undefined && JSON.stringify(decision.backoff) !== JSON.stringify(service.backoff);
  // A failure of the deployment being rolled out counts towards its circuit breaker.
  const deployments = service ? countFailure(service, { ...stopped, ...(stopIntent ? { stopIntent } : {}) }, deps.backoffPolicy ?? DEFAULT_BACKOFF_POLICY, now) : undefined;
  const runtime =
    service && (backoffChanged || unplaced !== undefined || deployments)
      ? {
          runtimeRevision: service.runtimeRevision,
          revision: service.revision,
          ...(backoffChanged ? { backoff: decision.backoff ?? null } : {}),
          ...(unplaced !== undefined ? { unplaced } : {}),
          ...(deployments ? { deployments } : {}),
        }
      : undefined;
  return {
    observed: stopped,
    state,
    reason,
    generation,
    started,
    history,
    ...(runtime ? { runtime } : {}),
    startedBy: startedByFor(deps.config.stage),
    group: groupFor(stopped.service),
  };
}
