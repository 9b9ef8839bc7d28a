import { SimError } from '../../errors';
import { hostOf, portsFor, reserve } from './host';
import { planOf } from './plan';
import { NO_CONTAINER_INSTANCES } from './reasons';
import { rejection } from './rejection';
import { choose } from './strategies';
import type { Placement, PlacementCandidate, PlacementFailure, PlacementRequest, PlacementResult } from './types';

/**
 * Places `request.count` tasks on the candidates, one after the other, each task seeing the
 * resources the earlier ones took. Pure: no I/O, no clock; randomness only from request.random.
 *
 * Only ACTIVE instances take tasks; the others (DRAINING, INACTIVE, …) are not candidates and get
 * no failure row. When a task cannot be placed, placing stops (the later ones would meet the same
 * instances in the same state) and `failures` holds one row per ACTIVE instance with the reason it
 * refused that task; when every task was placed, `failures` is empty.
 *
 * Throws SimError(InvalidParameterException): for an invalid strategy, constraint or expression,
 * and — as RunTask does — "No Container Instances were found in your cluster." when no
 * candidate is ACTIVE.
 */
export function place(candidates: PlacementCandidate[], request: PlacementRequest): PlacementResult {
  const plan = planOf(request);
  const all = candidates.map(hostOf);
  const active = all.filter((h) => h.candidate.status === 'ACTIVE');
  if (active.length === 0) throw new SimError('InvalidParameterException', NO_CONTAINER_INSTANCES);

  const placements: Placement[] = [];
  for (let i = 0; i < request.count; i++) {
    const reasons = active.map((host) => ({ host, reason: rejection(host, plan, request) }));
    const eligible = reasons.filter((r) => r.reason === undefined).map((r) => r.host);
    if (eligible.length === 0) {
      const failures: PlacementFailure[] = reasons.map((r) => ({
        arn: r.host.candidate.containerInstanceArn,
        reason: r.reason as string,
      }));
      return { placements, failures };
    }
    const host = choose(eligible, all, plan.strategies, request);
    const hostPorts = portsFor(host, request) as number[];
    reserve(host, request, hostPorts);
    placements.push({ containerInstanceArn: host.candidate.containerInstanceArn, hostPorts });
  }
  return { placements, failures: [] };
}
