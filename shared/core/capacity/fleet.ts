/** How the capacity decision sees the group's hosts: which take tasks, which boot, which Shepherd drained. */
import type { Host, HostTask, Resources } from './types';

/** The group counts it: Pending or InService (not Terminating or gone). */
export function isLive(h: Host): boolean {
  return h.lifecycle === 'Pending' || h.lifecycle === 'InService';
}

/** Runs a task that pins it: a non-daemon task, or one of unknown size. Hosts ECS does not know run nothing. */
export function isBusy(h: Host): boolean {
  return !!h.ecs && (h.ecs.otherTasks > 0 || h.ecs.tasks.some((t) => !t.daemon));
}

export function movableTasks(h: Host): HostTask[] {
  return h.ecs?.tasks.filter((t) => !t.daemon) ?? [];
}

/** The largest registered resources (CPU first, then memory) among hosts registered with ECS. */
export function hostShape(hosts: Host[]): Resources | undefined {
  let shape: Resources | undefined;
  for (const h of hosts) {
    const r = h.ecs?.registered;
    if (r && (!shape || r.cpu > shape.cpu || (r.cpu === shape.cpu && r.memory > shape.memory))) shape = { cpu: r.cpu, memory: r.memory };
  }
  return shape;
}

/** What daemon tasks take on a host: the largest per-host total seen (a new host runs them too). */
export function daemonFootprint(hosts: Host[]): Resources {
  const most = { cpu: 0, memory: 0 };
  for (const h of hosts) {
    const daemons = h.ecs?.tasks.filter((t) => t.daemon) ?? [];
    most.cpu = Math.max(most.cpu, daemons.reduce((n, t) => n + t.cpu, 0));
    most.memory = Math.max(most.memory, daemons.reduce((n, t) => n + t.memory, 0));
  }
  return most;
}

export interface Fleet {
  live: Host[];
  /** InService, ECS ACTIVE, agent connected, not drained by Shepherd: takes tasks now. */
  usable: Host[];
  /** Live, not drained by Shepherd, and not registered with ECS yet (or registered while still Pending). */
  booting: Host[];
  /** Drained by Shepherd, InService, DRAINING (or not yet) and connected: can be made ACTIVE again. */
  drained: Host[];
  /** Launches the group owes but does not list yet: desired − live hosts. */
  invisible: number;
  /** Live hosts not drained by Shepherd: what stays after the drains finish. */
  kept: Host[];
  /** Largest registered host; unknown until one registers with ECS. */
  shape?: Resources;
  /** What a new (or booting) host offers: the shape less the daemons every host runs. */
  emptyHost?: Resources;
}

const byId = (a: Host, b: Host) => (a.instanceId < b.instanceId ? -1 : a.instanceId > b.instanceId ? 1 : 0);

export function survey(hosts: Host[], drainingSince: Record<string, string>, desired: number): Fleet {
  const draining = (h: Host) => Object.hasOwn(drainingSince, h.instanceId);
  const live = hosts.filter(isLive).sort(byId);
  const usable = live.filter((h) => h.lifecycle === 'InService' && h.ecs?.status === 'ACTIVE' && h.ecs.agentConnected && !draining(h));
  const booting = live.filter((h) => !draining(h) && (!h.ecs || (h.lifecycle === 'Pending' && h.ecs.status === 'ACTIVE')));
  const drained = live.filter((h) => draining(h) && h.lifecycle === 'InService' && h.ecs?.agentConnected && (h.ecs.status === 'DRAINING' || h.ecs.status === 'ACTIVE'));
  const shape = hostShape(hosts);
  const daemons = daemonFootprint(hosts);
  const emptyHost = shape && { cpu: Math.max(0, shape.cpu - daemons.cpu), memory: Math.max(0, shape.memory - daemons.memory) };
  return {
    live,
    usable,
    booting,
    drained,
    invisible: Math.max(0, desired - live.length),
    kept: live.filter((h) => !draining(h)),
    ...(shape && emptyHost ? { shape, emptyHost } : {}),
  };
}
