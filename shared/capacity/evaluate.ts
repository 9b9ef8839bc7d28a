/**
 * One capacity decision for one cluster, carried out: the cluster's lease (one actor at a time,
 * whether the reconciler's pass or an event that found tasks it could not place), the inputs
 * (inputs.ts), the pure decision (shared/core/capacity.ts), the calls, and the record — the
 * controller's memory, the reservation figure, and a `Capacity Changed` history entry that the
 * outbox publishes on Shepherd's bus.
 *
 * Crash safety: every action is absolute (desired capacity N, protection on/off, DRAINING) or
 * checked again next time (terminate only an empty, Shepherd-drained host), so a decision cut
 * short is finished by the next one. Drains are remembered *before* the call, so a host Shepherd
 * drained is never mistaken for one somebody else drained (and left alone forever).
 */
import { randomUUID } from 'node:crypto';
import type { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import type { ECSClient } from '@aws-sdk/client-ecs';
import { decideCapacity, type CapacityAction, type CapacityDecision, type Host } from '../core/capacity';
import type { CapacityControllerState, CapacityReservation, Cluster } from '../core/cluster';
import type { HistoryEvent } from '../core/history';
import type { Service } from '../core/service';
import { describeGroup, setDesiredCapacity, setProtection, terminateInstance } from '../autoscaling/group';
import { setInstancesState } from '../ecs/instances';
import { describeInstanceBatch } from '../ecs/observe';
import { logger } from '../log';
import type { Runtime } from '../runtime';
import { readClusterView } from '../store/clusterView';
import { acquireLease, CLUSTER_SUBJECT, releaseLease } from '../store/leases';
import { capacityInput } from './inputs';

export interface CapacityDeps extends Runtime {
  ecs: ECSClient;
  autoScaling: AutoScalingClient;
}

export interface CapacityOutcome {
  cluster: string;
  /** Why nothing was decided: no capacity settings, lease held by another actor, group missing. */
  skipped?: string;
  decision?: CapacityDecision;
  /** Actions carried out (those that failed are in errors). */
  done: CapacityAction[];
  errors: string[];
}

const LEASE_MS = 60_000;

async function takeLease(deps: CapacityDeps, subject: string, owner: string, attempts: number): Promise<boolean> {
  for (let i = 0; i < attempts; i++) {
    if (i > 0) await new Promise((r) => setTimeout(r, 150 * 2 ** (i - 1) * (0.5 + Math.random())));
    if (await acquireLease(deps.store.ctx, subject, owner, LEASE_MS)) return true;
  }
  return false;
}

/** Decides and acts for one cluster now. Never throws for a failed AWS call: see `errors`. */
/**
 * `fresh`: services the caller has just written (e.g. their unplaced demand): they replace what the
 * cluster index returns, which may lag a write by a moment.
 */
export async function evaluateCapacity(
  deps: CapacityDeps,
  clusterName: string,
  why: string,
  fresh: Service[] = [],
  opts: { ifDraining?: string; attempts?: number } = {},
): Promise<CapacityOutcome> {
  const out: CapacityOutcome = { cluster: clusterName, done: [], errors: [] };
  const cluster = await deps.store.clusters.get(clusterName);
  if (!cluster?.capacity) return { ...out, skipped: 'no capacity settings' };
  if (opts.ifDraining && !cluster.capacityState?.drainingSince[opts.ifDraining]) return { ...out, skipped: `${opts.ifDraining} is not drained by Shepherd` };
  const owner = `capacity-${randomUUID()}`;
  const subject = `${CLUSTER_SUBJECT}${clusterName}`;
  // Whoever holds the lease may have read before the demand this caller just wrote: wait for it a
  // little (a decision takes well under a second), then leave it to the next pass.
  if (!(await takeLease(deps, subject, owner, opts.attempts ?? 1))) return { ...out, skipped: 'another capacity decision is in progress' };
  try {
    await decideAndAct(deps, cluster, why, fresh, out);
  } catch (err) {
    out.errors.push(String(err));
    logger.error('capacity decision failed', { cluster: clusterName, why, error: String(err) });
  } finally {
    await releaseLease(deps.store.ctx, subject, owner);
  }
  return out;
}

async function decideAndAct(deps: CapacityDeps, cluster: Cluster, why: string, fresh: Service[], out: CapacityOutcome): Promise<void> {
  const settings = cluster.capacity!;
  const [group, read] = await Promise.all([describeGroup(deps.autoScaling, settings.autoScalingGroupName), readClusterView(deps.store.ctx, cluster.name)]);
  const newer = new Map(fresh.map((s) => [s.name, s]));
  const view = { ...read, services: [...read.services.filter((s) => !newer.has(s.name)), ...newer.values()] };
  if (!group) {
    out.skipped = `Auto Scaling group ${settings.autoScalingGroupName} not found`;
    logger.error('capacity: group not found', { cluster: cluster.name, group: settings.autoScalingGroupName });
    return;
  }
  const now = deps.now();
  const input = await capacityInput(deps.ecs, settings, cluster.capacityState, group, view, now.getTime());
  const decision = decideCapacity(input);
  out.decision = decision;

  // Repair: a host Shepherd meant to drain that is still ACTIVE (the drain call was cut short).
  const redrain = input.hosts.filter(
    (h) => decision.state.drainingSince[h.instanceId] && h.ecs?.status === 'ACTIVE' && !decision.actions.some((a) => a.kind === 'reactivate' && a.instanceId === h.instanceId),
  );
  const drains = decision.actions.filter((a) => a.kind === 'drain');
  if (drains.length > 0) await deps.store.clusters.recordCapacity(cluster.name, { capacityState: decision.state });

  // First of all: finish drains that were cut short (the core never terminates such a host).
  for (const h of redrain) {
    try {
      await setInstancesState(deps.ecs, cluster.name, [h.ecs!.containerInstanceArn], 'DRAINING');
    } catch (err) {
      out.errors.push(`redrain: ${String(err)}`);
    }
  }
  const ordered = [...decision.actions].sort((a, b) => rank(a) - rank(b));
  for (const a of ordered) {
    try {
      if (a.kind === 'terminate') await confirmEmpty(deps, cluster.name, input.hosts.find((h) => h.instanceId === a.instanceId));
      await act(deps, cluster, settings.autoScalingGroupName, a);
      out.done.push(a);
    } catch (err) {
      out.errors.push(`${a.kind}: ${String(err)}`);
      logger.error('capacity action failed', { cluster: cluster.name, action: a, error: String(err) });
      // A host that could not be made ACTIVE again is still Shepherd's drain: remember it.
      if (a.kind === 'reactivate') decision.state.drainingSince[a.instanceId] = cluster.capacityState?.drainingSince[a.instanceId] ?? now.toISOString();
    }
  }

  const reservation: CapacityReservation = { ...decision.reservation, desired: desiredAfter(group.desired, out.done), at: now.toISOString() };
  const changed = out.done.filter((a) => a.kind !== 'protect');
  const history: HistoryEvent[] = changed.length
    ? [
        {
          id: `capacity:${now.getTime()}:${changed.map((a) => a.kind + ('instanceId' in a ? a.instanceId : 'desired' in a ? a.desired : '')).join(',')}`,
          type: 'Capacity Changed',
          subject: `${CLUSTER_SUBJECT}${cluster.name}`,
          time: now.toISOString(),
          message: changed.map((a) => describe(a)).join('; '),
          detail: {
            cluster: cluster.name,
            autoScalingGroupName: settings.autoScalingGroupName,
            desiredBefore: group.desired,
            desiredAfter: reservation.desired,
            actions: changed,
            reservation: decision.reservation,
            trigger: why,
          },
        },
      ]
    : [];
  if (history.length || !sameMemory(cluster.capacityState, decision.state) || !sameReservation(cluster.reservation, reservation)) {
    await deps.store.clusters.recordCapacity(cluster.name, { capacityState: decision.state, reservation }, history);
  }
}

/**
 * The last check before a host goes: ECS itself (not the store, whose counts lag by seconds) says
 * it is DRAINING with nothing but the daemon tasks Shepherd knows there.
 */
async function confirmEmpty(deps: CapacityDeps, cluster: string, host: Host | undefined): Promise<void> {
  if (!host?.ecs) throw new Error('not registered with ECS: not terminating it');
  const { instances } = await describeInstanceBatch(deps.ecs, cluster, [host.ecs.containerInstanceArn]);
  const ci = instances[0];
  const daemons = host.ecs.tasks.filter((t) => t.daemon).length;
  const count = (ci?.runningTasksCount ?? 0) + (ci?.pendingTasksCount ?? 0);
  if (ci && (ci.status !== 'DRAINING' || count > daemons)) {
    throw new Error(`${host.instanceId} is ${ci.status} with ${count} task(s) (${daemons} daemon): not terminating it now`);
  }
}

/** Safety first: protect busy hosts before anything else; undo Shepherd drains before launching; unprotect last. */
function rank(a: CapacityAction): number {
  if (a.kind === 'protect') return a.protect ? 0 : 5;
  return { reactivate: 1, setDesired: 2, drain: 3, terminate: 4 }[a.kind];
}

async function act(deps: CapacityDeps, cluster: Cluster, groupName: string, a: CapacityAction): Promise<void> {
  switch (a.kind) {
    case 'setDesired':
      return setDesiredCapacity(deps.autoScaling, groupName, a.desired);
    case 'protect':
      return setProtection(deps.autoScaling, groupName, a.instanceIds, a.protect);
    case 'terminate':
      return terminateInstance(deps.autoScaling, a.instanceId);
    case 'drain':
    case 'reactivate': {
      const failed = await setInstancesState(deps.ecs, cluster.name, [a.containerInstanceArn], a.kind === 'drain' ? 'DRAINING' : 'ACTIVE');
      if (failed.length) throw new Error(failed.join('; '));
      return;
    }
  }
}

function desiredAfter(before: number, done: CapacityAction[]): number {
  let d = before;
  for (const a of done) {
    if (a.kind === 'setDesired') d = a.desired;
    if (a.kind === 'terminate') d -= 1;
  }
  return d;
}

function describe(a: CapacityAction): string {
  switch (a.kind) {
    case 'setDesired':
      return `desired capacity ${a.from} → ${a.desired}: ${a.reason}`;
    case 'terminate':
      return `terminated ${a.instanceId}: ${a.reason}`;
    case 'drain':
      return `draining ${a.instanceId}: ${a.reason}`;
    case 'reactivate':
      return `reactivated ${a.instanceId}: ${a.reason}`;
    case 'protect':
      return `${a.protect ? 'protected' : 'unprotected'} ${a.instanceIds.join(', ')}`;
  }
}

const sameMemory = (a: CapacityControllerState | undefined, b: CapacityControllerState) => JSON.stringify(a ?? {}) === JSON.stringify(b);
const sameReservation = (a: CapacityReservation | undefined, b: CapacityReservation) =>
  !!a && a.needed === b.needed && a.running === b.running && a.percent === b.percent && a.desired === b.desired;
