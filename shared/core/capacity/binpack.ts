/**
 * First-fit-decreasing bin-packing of tasks onto hosts, on two resources (CPU, memory), with ECS's
 * distinctInstance rule: a distinct task never shares a host with another task of its service.
 */
import type { Demand, HostTask, Resources } from './types';

export interface Item {
  service: string;
  cpu: number;
  memory: number;
  distinct: boolean;
}

export interface Bin {
  /** Instance id, or a label for a host that does not exist yet. */
  key: string;
  free: Resources;
  /** Services with a task on it (existing or placed). */
  services: Set<string>;
  /** Tasks placed on it by this packing. */
  received: number;
}

export function bin(key: string, free: Resources, tasks: HostTask[] = []): Bin {
  const services = new Set(tasks.flatMap((t) => (t.service === undefined ? [] : [t.service])));
  return { key, free: { ...free }, services, received: 0 };
}

/** Each demand's count as that many tasks. */
export function expand(demand: Demand[]): Item[] {
  return demand.flatMap((d) => Array.from({ length: Math.max(0, Math.floor(d.count)) }, () => ({ service: d.service, cpu: d.cpu, memory: d.memory, distinct: d.distinct })));
}

/** Largest first: by the larger share of `ref` a task takes, then memory, CPU and service name (so the order is total). */
export function largestFirst<T extends Item>(items: T[], ref: Resources): T[] {
  const share = (i: Item) => Math.max(i.cpu / Math.max(1, ref.cpu), i.memory / Math.max(1, ref.memory));
  return [...items].sort((a, b) => share(b) - share(a) || b.memory - a.memory || b.cpu - a.cpu || (a.service < b.service ? -1 : a.service > b.service ? 1 : 0));
}

export function fits(b: Bin, i: Item): boolean {
  return i.cpu <= b.free.cpu && i.memory <= b.free.memory && !(i.distinct && b.services.has(i.service));
}

function put(b: Bin, i: Item): void {
  b.free.cpu -= i.cpu;
  b.free.memory -= i.memory;
  b.services.add(i.service);
  b.received++;
}

export interface Packing {
  /** Bins made by `open` (hosts to launch). */
  opened: Bin[];
  /** Tasks that fit no bin, not even an empty one from `open` (or no bin at all without `open`). */
  unplaced: Item[];
}

/** Places `items` in the order given onto the first bin that fits, mutating the bins; `open` makes a new empty one when none fits. */
export function firstFit(items: Item[], bins: Bin[], open?: () => Bin): Packing {
  const opened: Bin[] = [];
  const unplaced: Item[] = [];
  for (const i of items) {
    const target = bins.find((b) => fits(b, i)) ?? opened.find((b) => fits(b, i));
    if (target) {
      put(target, i);
      continue;
    }
    const fresh = open?.();
    if (fresh && fits(fresh, i)) {
      put(fresh, i);
      opened.push(fresh);
    } else unplaced.push(i);
  }
  return { opened, unplaced };
}
