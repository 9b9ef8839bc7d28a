/**
 * The capacity decision: how big a cluster's Auto Scaling group should be, which hosts to drain,
 * terminate or protect, and why. Pure — the adapter gathers the hosts (DescribeAutoScalingGroups,
 * the stored container instances and tasks) and the unplaced demand, keeps `state` between
 * decisions, and carries out the actions.
 *
 * Rules:
 * - Hosts. Live: Pending or InService. Usable: InService, ECS ACTIVE, agent connected, not drained
 *   by Shepherd (state.drainingSince). Booting: live, not registered with ECS yet (or registered
 *   while still Pending), plus the launches the group owes but does not list (desired − live).
 *   Busy: a non-daemon task or a task of unknown size (otherTasks). The shape of a new host is the
 *   largest registered host; it offers the shape less the daemons every host runs (the largest
 *   daemon footprint seen on a host).
 * - Scale-out: first-fit-decreasing of the demand (largest share of a host first) onto usable
 *   hosts' remaining resources, booting hosts, hosts Shepherd drained (made ACTIVE again —
 *   cheaper than a launch), the launches owed, then new hosts. A distinct task never shares a host
 *   with a task of its service. A task that fits no empty host is noted, never scaled for.
 *   Unknown shape (no host registered with ECS): launch exactly one host, if none is booting, to
 *   learn it. New desired = max(desired, live) + new hosts, raised to the target utilisation's
 *   wanted hosts, at most maxScalingStep more per decision, always within [minSize, maxSize].
 *   The same demand seen again once the group's desired rose adds nothing: the owed launches
 *   take the place of the new hosts of the previous decision.
 * - Reservation (ECS's CapacityProviderReservation): M = live busy hosts + hosts the demand would
 *   make busy (idle, booting, drained, owed or new ones receiving tasks); N = live InService hosts;
 *   percent = round(M / N × 100), or 0 / 200 when N = 0 (M = 0 / M > 0). Wanted hosts =
 *   ceil(M × 100 / targetUtilizationPercent): a target below 100 keeps spare hosts.
 * - Scale-in, only with no demand and nothing booting, never below the floor max(minSize, wanted
 *   hosts for the busy hosts not being drained), at most maxDrainingAtOnce hosts drained at once:
 *   (a) usable hosts idle for scaleInAfterMs (state.idleSince) are drained; (b) only when no
 *   usable host is idle: the least-loaded usable host whose tasks (all of known size) fit by FFD
 *   on the other usable hosts, removable for scaleInAfterMs (state.consolidatableSince), is
 *   drained. Below the floor, drained hosts are made ACTIVE again.
 *   No drain in a decision that also sets the desired capacity.
 * - Terminate (decrementing desired): a host Shepherd drained once no non-daemon task and no
 *   task of unknown size runs there; never below the floor, nor minSize (live hosts and desired:
 *   Auto Scaling refuses that decrement), never in a decision that also sets the desired
 *   capacity. Drained hosts that are gone leave the state; terminating ones stay until gone.
 * - Protection from scale-in: busy hosts (and those about to receive tasks) are protected; idle
 *   ones not drained by Shepherd are not, so whoever lowers desired removes an idle host.
 */
import { placeDemand, type Placement } from './capacity/scaleOut';
import { scaleIn, hostsWanted, type ScaleIn, type Step } from './capacity/scaleIn';
import { isBusy, survey, type Fleet } from './capacity/fleet';
import type { CapacityAction, CapacityDecision, CapacityInput, CapacitySettingsView, Demand, Host } from './capacity/types';

export type {
  CapacityAction,
  CapacityDecision,
  CapacityInput,
  CapacitySettingsView,
  CapacityState,
  Demand,
  Host,
  HostTask,
  Reservation,
  Resources,
} from './capacity/types';
export { hostShape } from './capacity/fleet';

export const DEFAULT_CAPACITY_POLICY = { maxScalingStep: 10, scaleInAfterMs: 10 * 60_000, maxDrainingAtOnce: 1 };

export function decideCapacity(input: CapacityInput): CapacityDecision {
  const { settings: s, group, hosts, now } = input;
  const nowIso = new Date(now).toISOString();
  const notes: string[] = [];
  const present = new Set(hosts.map((h) => h.instanceId));
  const clean = (m: Record<string, string>, keep: (id: string) => boolean) =>
    Object.fromEntries(Object.entries(m).flatMap(([id, t]) => (keep(id) ? [[id, Number.isNaN(Date.parse(t)) ? nowIso : t]] : [])));
  const drainingSince = clean(input.state.drainingSince, (id) => present.has(id));
  const fleet = survey(hosts, drainingSince, group.desired);
  const demand = input.demand.filter((d) => Math.floor(d.count) > 0);
  const waiting = demand.reduce((n, d) => n + Math.floor(d.count), 0);
  const booting = fleet.booting.length + fleet.invisible;

  let placement: Placement | undefined;
  let newHosts = 0;
  if (waiting > 0 && fleet.emptyHost) {
    placement = placeDemand(fleet, demand);
    newHosts = placement.newHosts;
    notes.push(...placementNotes(fleet, placement, waiting, booting));
  } else if (waiting > 0 && booting === 0) {
    newHosts = 1;
    notes.push(`${waiting} task(s) wait and no host is registered with ECS yet: launching one to learn the host shape`);
  } else if (waiting > 0) {
    notes.push(`${waiting} task(s) wait for the ${booting} booting host(s) (no host registered with ECS yet, shape unknown)`);
  }

  const needed = fleet.live.filter(isBusy).length + (placement ? placement.newlyBusy : waiting > 0 ? 1 : 0);
  const running = fleet.live.filter((h) => h.lifecycle === 'InService').length;
  const reservation = { needed, running, percent: running === 0 ? (needed === 0 ? 0 : 200) : Math.round((needed * 100) / running) };
  const wanted = fleet.shape ? hostsWanted(needed, s.targetUtilizationPercent) : 0;
  const target = desiredCapacity(s, group.desired, fleet.live.length, newHosts, wanted, notes);

  const idleSince = clean(input.state.idleSince, (id) => fleet.usable.some((h) => h.instanceId === id && !isBusy(h)));
  for (const h of fleet.usable) if (!isBusy(h)) idleSince[h.instanceId] ??= nowIso;
  let shrink: ScaleIn = { reactivate: [], drain: [], terminate: [], consolidatableSince: {}, notes: [] };
  const shrinkable = fleet.usable.some((h) => !isBusy(h)) || fleet.live.some((h) => Object.hasOwn(drainingSince, h.instanceId));
  if (waiting > 0) {
    if (shrinkable) notes.push(`no scale-in while ${waiting} task(s) wait for placement`);
  } else if (booting > 0) {
    if (shrinkable) notes.push(`no scale-in while ${booting} host(s) boot`);
  } else {
    const consolidatableSince = clean(input.state.consolidatableSince, (id) => present.has(id));
    shrink = scaleIn({ fleet, settings: s, now, desired: group.desired, settingDesired: target.to !== group.desired, idleSince, consolidatableSince, drainingSince });
    notes.push(...shrink.notes);
  }

  const reactivate: Step[] = [
    ...(placement?.reactivate ?? []).map((host) => ({ host, reason: 'the waiting tasks need it: cheaper than launching a host' })),
    ...shrink.reactivate,
  ];
  for (const { host } of reactivate) delete drainingSince[host.instanceId];
  for (const { host } of shrink.drain) {
    drainingSince[host.instanceId] = nowIso;
    delete idleSince[host.instanceId];
  }

  const actions: CapacityAction[] = [...protection(fleet, drainingSince, placement?.receiving)];
  for (const { host, reason } of reactivate) actions.push({ kind: 'reactivate', instanceId: host.instanceId, containerInstanceArn: host.ecs!.containerInstanceArn, reason });
  if (target.to !== group.desired) actions.push({ kind: 'setDesired', desired: target.to, from: group.desired, reason: target.reason });
  for (const { host, reason } of shrink.drain) actions.push({ kind: 'drain', instanceId: host.instanceId, containerInstanceArn: host.ecs!.containerInstanceArn, reason });
  for (const { host, reason } of shrink.terminate) actions.push({ kind: 'terminate', instanceId: host.instanceId, reason });
  return { actions, state: { idleSince, consolidatableSince: shrink.consolidatableSince, drainingSince }, reservation, notes };
}

function desiredCapacity(s: CapacitySettingsView, from: number, live: number, newHosts: number, wanted: number, notes: string[]): { to: number; reason: string } {
  const why: string[] = [];
  let to = from;
  if (newHosts > 0) {
    to = Math.max(from, live) + newHosts;
    why.push(`${newHosts} more host(s) for the waiting tasks`);
  }
  if (wanted > to) {
    to = wanted;
    why.push(`${wanted} host(s) keep utilisation at or below ${s.targetUtilizationPercent}%`);
  }
  if (to > from + Math.max(0, s.maxScalingStep)) {
    notes.push(`scale-out capped at ${s.maxScalingStep} host(s) per decision (${to} wanted)`);
    to = from + Math.max(0, s.maxScalingStep);
  }
  if (to > s.maxSize) {
    // Never lowered here: a lower desired capacity lets the group pick which hosts to kill. Above
    // maxSize, hosts leave the careful way (drain, then terminate) as they become idle.
    notes.push(to > from ? `at maxSize ${s.maxSize}: ${to - s.maxSize} more host(s) wanted` : `desired ${from} is above maxSize ${s.maxSize}: idle hosts are removed by draining`);
    why.push(`maxSize ${s.maxSize}`);
    to = Math.max(Math.min(from, to), s.maxSize);
  }
  if (to < s.minSize) {
    why.push(`minSize ${s.minSize}`);
    to = s.minSize;
  }
  return { to, reason: why.join('; ') };
}

function placementNotes(fleet: Fleet, p: Placement, waiting: number, booting: number): string[] {
  const notes: string[] = [];
  const shape = fleet.shape!;
  const empty = fleet.emptyHost!;
  if (p.newHosts > 0) notes.push(`${waiting} task(s) wait: ${p.newHosts} new host(s) of ${shape.cpu} CPU / ${shape.memory} MiB needed`);
  else if (booting > 0) notes.push(`${waiting} task(s) wait: they fit on the hosts there are and the ${booting} booting`);
  else notes.push(`${waiting} task(s) wait: they fit on the hosts there are`);
  const unfit = new Map<string, Demand>();
  for (const i of p.unfittable) {
    const seen = unfit.get(i.service);
    unfit.set(i.service, { ...i, count: (seen?.count ?? 0) + 1 });
  }
  for (const d of unfit.values()) {
    notes.push(`${d.service}: ${d.count} task(s) of ${d.cpu} CPU / ${d.memory} MiB fit on no host (an empty one offers ${empty.cpu} CPU / ${empty.memory} MiB${d.distinct ? ', one task of the service per host' : ''}): not scaling for them`);
  }
  return notes;
}

/** One action per direction: protect busy hosts (and those about to receive tasks), unprotect idle ones not drained by Shepherd. */
function protection(fleet: Fleet, drainingSince: Record<string, string>, receiving = new Set<string>()): CapacityAction[] {
  const busy = (h: Host) => isBusy(h) || receiving.has(h.instanceId);
  // Only InService instances: Auto Scaling refuses the whole call if one is Pending (new hosts are
  // protected on the decision after they are in service, before the work on them is placed... or
  // as soon as they are busy).
  const protect = fleet.live.filter((h) => busy(h) && !h.protectedFromScaleIn && h.lifecycle === 'InService').map((h) => h.instanceId);
  const unprotect = fleet.live.filter((h) => h.ecs && !busy(h) && h.protectedFromScaleIn && h.lifecycle === 'InService' && !Object.hasOwn(drainingSince, h.instanceId)).map((h) => h.instanceId);
  const actions: CapacityAction[] = [];
  if (protect.length) actions.push({ kind: 'protect', instanceIds: protect, protect: true, reason: 'they run tasks (or are about to): the group must not pick them to scale in' });
  if (unprotect.length) actions.push({ kind: 'protect', instanceIds: unprotect, protect: false, reason: 'idle: the group may pick them first when it scales in' });
  return actions;
}
