import { DYNAMIC_PORT_RANGE, type PlacementCandidate, type PlacementRequest } from './types';

/**
 * One container instance during a placement call: its snapshot plus what the tasks placed earlier
 * in the same call have taken, so a call never overcommits an instance.
 */
export interface Host {
  readonly candidate: PlacementCandidate;
  remainingCpu: number;
  remainingMemory: number;
  readonly usedPorts: Set<number>;
  /** Tasks of this call placed here so far (all of the request's group). */
  placed: number;
}

export function hostOf(candidate: PlacementCandidate): Host {
  return {
    candidate,
    remainingCpu: candidate.remainingCpu,
    remainingMemory: candidate.remainingMemory,
    usedPorts: new Set(candidate.usedPorts),
    placed: 0,
  };
}

/**
 * The host ports one task would get here — its static ports, then the lowest free dynamic ones —
 * or undefined when a static port is taken (or asked twice) or the dynamic range is exhausted.
 */
export function portsFor(host: Host, request: PlacementRequest): number[] | undefined {
  const statics = request.staticPorts;
  if (new Set(statics).size !== statics.length) return undefined;
  if (statics.some((p) => host.usedPorts.has(p))) return undefined;
  const dynamic: number[] = [];
  for (let p = DYNAMIC_PORT_RANGE.from; p <= DYNAMIC_PORT_RANGE.to && dynamic.length < request.dynamicPorts; p++) {
    if (!host.usedPorts.has(p) && !statics.includes(p)) dynamic.push(p);
  }
  if (dynamic.length < request.dynamicPorts) return undefined;
  return [...statics, ...dynamic];
}

/** Takes one task's resources on the host. */
export function reserve(host: Host, request: PlacementRequest, ports: number[]): void {
  host.remainingCpu -= request.cpu;
  host.remainingMemory -= request.memory;
  for (const p of ports) host.usedPorts.add(p);
  host.placed += 1;
}

/** Live tasks of the request's group on the host, the ones placed by this call included. */
export function groupTasksOn(host: Host, group: string): number {
  return host.candidate.tasks.filter((t) => t.group === group).length + host.placed;
}

/** The candidate as a query sees it now: its tasks plus the ones this call placed on it. */
export function currentView(host: Host, request: PlacementRequest): PlacementCandidate {
  if (host.placed === 0) return host.candidate;
  const added = Array.from({ length: host.placed }, () => ({
    group: request.group,
    taskDefinitionArn: request.taskDefinitionArn,
  }));
  const running = host.candidate.runningTasksCount;
  return {
    ...host.candidate,
    tasks: [...host.candidate.tasks, ...added],
    // The tasks just placed are not RUNNING yet: runningTasksCount keeps the snapshot's count.
    runningTasksCount: running ?? host.candidate.tasks.length,
    remainingCpu: host.remainingCpu,
    remainingMemory: host.remainingMemory,
    usedPorts: host.usedPorts,
  };
}
