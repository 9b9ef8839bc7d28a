/**
 * Shrinking the group: drain idle hosts, then consolidate a lightly loaded one, terminate drained
 * hosts once empty — never below max(minSize, the hosts the target utilisation wants).
 */
import { freeOn } from './scaleOut';
import { bin, firstFit, largestFirst, type Item } from './binpack';
import { isBusy, movableTasks, type Fleet } from './fleet';
import type { CapacitySettingsView, Host } from './types';

export interface ScaleInInput {
  fleet: Fleet;
  settings: CapacitySettingsView;
  now: number;
  /** Group desired capacity, and whether this decision already changes it. */
  desired: number;
  settingDesired: boolean;
  /** Valid ISO times, hosts still there. */
  idleSince: Record<string, string>;
  consolidatableSince: Record<string, string>;
  drainingSince: Record<string, string>;
}

export interface Step {
  host: Host;
  reason: string;
}

export interface ScaleIn {
  reactivate: Step[];
  drain: Step[];
  terminate: Step[];
  consolidatableSince: Record<string, string>;
  notes: string[];
}

const seconds = (ms: number) => `${Math.ceil(ms / 1000)} s`;

/** Hosts the target utilisation wants when `busy` hosts run tasks. */
export function hostsWanted(busy: number, targetPercent: number): number {
  return Math.ceil((busy * 100) / Math.max(1, targetPercent));
}

export function scaleIn(input: ScaleInInput): ScaleIn {
  const { fleet, settings: s, now, drainingSince } = input;
  const out: ScaleIn = { reactivate: [], drain: [], terminate: [], consolidatableSince: {}, notes: [] };
  const busyKept = fleet.kept.filter(isBusy).length;
  const floor = Math.max(s.minSize, hostsWanted(busyKept, s.targetUtilizationPercent));
  let kept = fleet.kept.length;

  // Below the floor (minSize raised, or a host got busy): take back drained hosts before anything else.
  for (const host of [...fleet.drained.filter(isBusy), ...fleet.drained.filter((h) => !isBusy(h))]) {
    if (kept >= floor) break;
    out.reactivate.push({ host, reason: `needed again: ${kept} host(s) kept, ${floor} wanted (minSize ${s.minSize}, ${busyKept} busy at ${s.targetUtilizationPercent}% target)` });
    kept++;
  }
  const back = new Set(out.reactivate.map((r) => r.host.instanceId));
  const shepherdDraining = fleet.live.filter((h) => Object.hasOwn(drainingSince, h.instanceId) && !back.has(h.instanceId));

  // Terminate drained hosts once only daemons (or nothing) run there.
  let live = fleet.live.length;
  let desired = input.desired;
  for (const host of shepherdDraining) {
    if (isBusy(host)) {
      out.notes.push(`${host.instanceId} is draining: waiting for its tasks to move`);
    } else if (host.ecs?.status !== 'DRAINING') {
      // Still ACTIVE (the drain call failed, or somebody made it ACTIVE again): ECS may be placing
      // tasks there right now, so an empty-looking record proves nothing. Never terminated so.
      out.notes.push(`${host.instanceId} is meant to drain but ECS reports it ${host.ecs?.status ?? 'unknown'}: not terminating it`);
    } else if (input.settingDesired) {
      out.notes.push(`${host.instanceId} is drained: terminated once the desired capacity has changed`);
    } else if (kept < floor || live - 1 < s.minSize || desired - 1 < s.minSize) {
      out.notes.push(`${host.instanceId} is drained but kept: terminating it would go below ${Math.max(floor, s.minSize)} host(s)`);
    } else {
      out.terminate.push({ host, reason: `drained by Shepherd since ${drainingSince[host.instanceId]} and empty` });
      live--;
      desired--;
    }
  }

  if (input.settingDesired) {
    out.notes.push('no drain while the desired capacity changes');
    return out;
  }
  let room = s.maxDrainingAtOnce - shepherdDraining.length;
  const age = (since: string | undefined) => (since === undefined ? 0 : now - Date.parse(since));
  const idle = fleet.usable.filter((h) => !isBusy(h));
  if (idle.length > 0) {
    const ripe = idle.filter((h) => age(input.idleSince[h.instanceId]) >= s.scaleInAfterMs);
    ripe.sort((a, b) => age(input.idleSince[b.instanceId]) - age(input.idleSince[a.instanceId]) || (a.instanceId < b.instanceId ? -1 : 1));
    for (const host of ripe) {
      if (room <= 0) {
        out.notes.push(`${host.instanceId} is idle: waiting, ${s.maxDrainingAtOnce} host(s) already draining`);
      } else if (kept - 1 < floor) {
        out.notes.push(`${host.instanceId} is idle but kept: ${floor} host(s) wanted (minSize ${s.minSize}, ${busyKept} busy at ${s.targetUtilizationPercent}% target)`);
      } else {
        out.drain.push({ host, reason: `idle since ${input.idleSince[host.instanceId]}` });
        kept--;
        room--;
      }
    }
    const young = idle.filter((h) => !ripe.includes(h));
    if (young.length) {
      const wait = Math.min(...young.map((h) => s.scaleInAfterMs - age(input.idleSince[h.instanceId])));
      out.notes.push(`${young.length} idle host(s); the first may be drained in ${seconds(wait)}`);
    }
    return out;
  }
  consolidate(input, out, { kept, room, busyKept });
  return out;
}

/** No host is idle: drain the least-loaded one whose tasks fit on the others, once it has fitted for scaleInAfterMs. */
function consolidate(input: ScaleInInput, out: ScaleIn, at: { kept: number; room: number; busyKept: number }): void {
  const { fleet, settings: s, now } = input;
  const removable = fleet.usable.filter((h) => h.ecs && h.ecs.otherTasks === 0 && fitsElsewhere(h, fleet.usable));
  for (const h of removable) {
    const since = input.consolidatableSince[h.instanceId];
    out.consolidatableSince[h.instanceId] = since ?? new Date(now).toISOString();
  }
  const ripe = removable.filter((h) => now - Date.parse(out.consolidatableSince[h.instanceId]!) >= s.scaleInAfterMs);
  const [host] = [...ripe].sort((a, b) => load(a) - load(b) || movableTasks(a).length - movableTasks(b).length || (a.instanceId < b.instanceId ? -1 : 1));
  if (!host) {
    if (removable.length) out.notes.push(`${removable.length} host(s) could be emptied onto the others; waiting ${seconds(s.scaleInAfterMs)} to be sure`);
    return;
  }
  const floor = Math.max(s.minSize, hostsWanted(at.busyKept - 1, s.targetUtilizationPercent));
  if (at.room <= 0) out.notes.push(`${host.instanceId} could be emptied: waiting, ${s.maxDrainingAtOnce} host(s) already draining`);
  else if (at.kept - 1 < floor) out.notes.push(`${host.instanceId} could be emptied but is kept: ${floor} host(s) wanted`);
  else out.drain.push({ host, reason: `its ${movableTasks(host).length} task(s) fit on the other hosts (consolidation)` });
}

/** The larger share of its registered CPU or memory its movable tasks take. */
function load(h: Host): number {
  const reg = h.ecs?.registered;
  if (!reg) return 0;
  const tasks = movableTasks(h);
  const cpu = tasks.reduce((n, t) => n + t.cpu, 0) / Math.max(1, reg.cpu);
  const memory = tasks.reduce((n, t) => n + t.memory, 0) / Math.max(1, reg.memory);
  return Math.max(cpu, memory);
}

function fitsElsewhere(host: Host, usable: Host[]): boolean {
  const others = usable.flatMap((h) => (h !== host && h.ecs ? [bin(h.instanceId, freeOn(h.ecs), h.ecs.tasks)] : []));
  const ref = host.ecs?.registered ?? { cpu: 1, memory: 1 };
  const items: Item[] = movableTasks(host).map((t) => ({ service: t.service ?? '', cpu: t.cpu, memory: t.memory, distinct: t.distinct && t.service !== undefined }));
  return firstFit(largestFirst(items, ref), others).unplaced.length === 0;
}
