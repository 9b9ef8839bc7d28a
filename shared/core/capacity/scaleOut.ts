/** Where the demand would go: onto the hosts there are, those booting, those Shepherd drained, then new ones. */
import { bin, expand, firstFit, largestFirst, type Bin, type Item } from './binpack';
import { isBusy, type Fleet } from './fleet';
import type { Demand, Host } from './types';

export interface Placement {
  /** New hosts of the shape the demand needs beyond what the group has or is launching. */
  newHosts: number;
  /** Drained hosts the demand uses: cheaper to make ACTIVE again than to launch. */
  reactivate: Host[];
  /** Instance ids of existing hosts that receive tasks. */
  receiving: Set<string>;
  /** Bins that receive tasks and were not busy: hosts the demand adds to the reservation's M. */
  newlyBusy: number;
  /** Tasks that fit nowhere, not even on an empty host of the shape. */
  unfittable: Item[];
}

/**
 * What a registered host has free: what ECS last reported, but never more than its registered
 * resources less the tasks Shepherd knows it placed there — the report lags the placements Shepherd
 * has just made (the very RunTask that could not place the demand filled the host).
 */
export function freeOn(ecs: NonNullable<Host['ecs']>): { cpu: number; memory: number } {
  const used = ecs.tasks.reduce((u, t) => ({ cpu: u.cpu + t.cpu, memory: u.memory + t.memory }), { cpu: 0, memory: 0 });
  return { cpu: Math.min(ecs.remaining.cpu, ecs.registered.cpu - used.cpu), memory: Math.min(ecs.remaining.memory, ecs.registered.memory - used.memory) };
}

/**
 * First-fit-decreasing onto: usable hosts' remaining resources, booting hosts, Shepherd-drained
 * hosts, the launches the group owes but does not list yet, then new hosts of the shape. The owed
 * launches come just before the new hosts on purpose: they are the new hosts of the previous
 * decision, so the same demand seen again lands exactly where it did and adds nothing.
 */
export function placeDemand(fleet: Fleet, demand: Demand[]): Placement {
  const { emptyHost } = fleet;
  if (!emptyHost) throw new Error('placeDemand needs a known host shape');
  const hostBin = (h: Host): Bin => (h.ecs ? bin(h.instanceId, freeOn(h.ecs), h.ecs.tasks) : bin(h.instanceId, emptyHost));
  const existing = [...fleet.usable, ...fleet.booting, ...fleet.drained];
  const bins = [...existing.map(hostBin), ...Array.from({ length: fleet.invisible }, (_, i) => bin(`launching-${i + 1}`, emptyHost))];
  let opened = 0;
  const packing = firstFit(largestFirst(expand(demand), emptyHost), bins, () => bin(`new-${++opened}`, emptyHost));
  const received = new Map(bins.map((b) => [b.key, b.received]));
  const receiving = new Set(existing.filter((h) => (received.get(h.instanceId) ?? 0) > 0).map((h) => h.instanceId));
  const busyNow = existing.filter((h) => receiving.has(h.instanceId) && isBusy(h)).length;
  const usedBins = bins.filter((b) => b.received > 0).length + packing.opened.length;
  return {
    newHosts: packing.opened.length,
    reactivate: fleet.drained.filter((h) => receiving.has(h.instanceId)),
    receiving,
    newlyBusy: usedBins - busyNow,
    unfittable: packing.unplaced,
  };
}
