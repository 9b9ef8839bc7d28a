import { currentView, groupTasksOn, portsFor, type Host } from './host';
import { matchesQuery } from './match';
import type { Plan } from './plan';
import { FAILURE_REASONS } from './reasons';
import type { PlacementRequest } from './types';

/**
 * Why this ACTIVE instance cannot take the next task now, or undefined when it can. Checks run in
 * the order of ECS's documented process — the instance must be reachable (agent connected) and
 * carry the attributes the task definition requires, then have the CPU, memory and ports, then
 * satisfy the constraints — and the first failed check is the reason reported.
 */
export function rejection(host: Host, plan: Plan, request: PlacementRequest): string | undefined {
  const candidate = host.candidate;
  if (!candidate.agentConnected) return FAILURE_REASONS.agent;
  const required = request.requiredAttributes ?? [];
  const lacks = required.some((a) => {
    const value = candidate.attributes[a.name];
    return value === undefined || (a.value !== undefined && value !== a.value);
  });
  if (lacks) return FAILURE_REASONS.attribute;
  if (host.remainingCpu < request.cpu) return FAILURE_REASONS.cpu;
  if (host.remainingMemory < request.memory) return FAILURE_REASONS.memory;
  if (portsFor(host, request) === undefined) return FAILURE_REASONS.ports;
  if (plan.memberOf.length > 0) {
    const view = currentView(host, request);
    if (!plan.memberOf.every((q) => matchesQuery(q, view))) return FAILURE_REASONS.memberOf;
  }
  // distinctInstance: "each task in a particular group is running on a different container
  // instance" (API Reference, PlacementConstraint) — so an instance already running a live task of
  // the group is excluded too, not only the ones this call has used.
  if (plan.distinctInstance && groupTasksOn(host, request.group) > 0) return FAILURE_REASONS.distinctInstance;
  return undefined;
}
