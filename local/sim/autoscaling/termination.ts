import { isLive, type SimInstance } from './model';

function countByZone(instances: readonly SimInstance[], zones: readonly string[]): Map<string, number> {
  const counts = new Map<string, number>(zones.map((z) => [z, 0]));
  for (const i of instances) counts.set(i.availabilityZone, (counts.get(i.availabilityZone) ?? 0) + 1);
  return counts;
}

/** Where to launch the next instance: the group's zone with the fewest live instances (first listed on a tie). */
export function launchZone(instances: readonly SimInstance[], zones: readonly string[]): string {
  const counts = countByZone(instances.filter(isLive), zones);
  let best = zones[0] ?? '';
  for (const z of zones) if ((counts.get(z) ?? 0) < (counts.get(best) ?? 0)) best = z;
  return best;
}

/**
 * Which live instances a scale-in terminates, by Auto Scaling's default termination policy in a
 * simplified form: never one protected from scale-in; each pick comes from the zone with the most
 * live instances that still has an unprotected one (first listed on a tie), and within it the
 * oldest-launched instance (standing in for the policy's last steps, launch template age and
 * billing hour, which the simulator does not model). May return fewer than asked when only
 * protected instances remain — the group then stays above its desired capacity, as in AWS.
 */
export function scaleInVictims(instances: readonly SimInstance[], zones: readonly string[], count: number): SimInstance[] {
  const live = instances.filter(isLive);
  const victims: SimInstance[] = [];
  for (let n = 0; n < count; n++) {
    const remaining = live.filter((i) => !victims.includes(i));
    const candidates = remaining.filter((i) => !i.protectedFromScaleIn);
    if (candidates.length === 0) break;
    const counts = countByZone(remaining, zones);
    const zonesWithCandidates = [...new Set(candidates.map((c) => c.availabilityZone))];
    const order = [...zones, ...zonesWithCandidates.filter((z) => !zones.includes(z))];
    let zone = '';
    for (const z of order) {
      if (zonesWithCandidates.includes(z) && (zone === '' || (counts.get(z) ?? 0) > (counts.get(zone) ?? 0))) zone = z;
    }
    const inZone = candidates.filter((c) => c.availabilityZone === zone);
    inZone.sort((a, b) => a.launchedAt - b.launchedAt || a.seq - b.seq);
    const pick = inZone[0];
    if (!pick) break;
    victims.push(pick);
  }
  return victims;
}
