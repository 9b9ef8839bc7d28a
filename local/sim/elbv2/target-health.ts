/**
 * What DescribeTargetHealth reports for a group's registrations: draining ones until their delay
 * ends (then they are gone), the others from their health checks (health.ts) against the tasks
 * behind them (reachability.ts).
 */
import type { TaskEndpoint } from '../ecs';
import { healthAt } from './health';
import type { Registration, TargetGroup, TargetHealth } from './model';
import { probe } from './reachability';
import type { HealthDescription } from './render';

export const DRAINING: TargetHealth = {
  state: 'draining',
  reason: 'Target.DeregistrationInProgress',
  description: 'Target deregistration is in progress',
};
export const NOT_REGISTERED: TargetHealth = {
  state: 'unused',
  reason: 'Target.NotRegistered',
  description: 'Target is not registered to the target group',
};

/** Forgets registrations whose deregistration delay is over. */
export function pruneDrained(g: TargetGroup, now: number): void {
  for (const [key, r] of g.registrations) if (r.drainingUntil !== undefined && r.drainingUntil <= now) g.registrations.delete(key);
}

/** The port the health checks probe: the target's own (`traffic-port`) or the group's fixed one. */
export const healthCheckPort = (g: TargetGroup, r: Registration): number =>
  g.settings.healthCheckPort === 'traffic-port' ? r.port : Number(g.settings.healthCheckPort);

export function registrationHealth(g: TargetGroup, r: Registration, endpoints: TaskEndpoint[], now: number): TargetHealth {
  if (r.drainingUntil !== undefined) return DRAINING;
  const s = g.settings;
  const timing = {
    intervalMs: s.healthCheckIntervalSeconds * 1000,
    healthyThreshold: s.healthyThresholdCount,
    unhealthyThreshold: s.unhealthyThresholdCount,
  };
  return healthAt(r.registeredAt, now, timing, probe(endpoints, s.targetType, r.id, healthCheckPort(g, r)));
}

export function describeRegistration(g: TargetGroup, r: Registration, endpoints: TaskEndpoint[], now: number): HealthDescription {
  return {
    id: r.id,
    port: r.port,
    ...(r.availabilityZone !== undefined ? { availabilityZone: r.availabilityZone } : {}),
    healthCheckPort: String(healthCheckPort(g, r)),
    health: registrationHealth(g, r, endpoints, now),
  };
}

/** A group's current registrations, in registration order. */
export function registrations(g: TargetGroup, now: number): Registration[] {
  pruneDrained(g, now);
  return [...g.registrations.values()].sort((a, b) => a.seq - b.seq);
}

/**
 * DescribeTargetHealth's answer: every registration, or those asked for. An asked target without a
 * port matches the target's registrations on any port; one not registered answers unused.
 */
export function describeTargets(
  g: TargetGroup,
  asked: { id: string; port?: number }[] | undefined,
  endpoints: TaskEndpoint[],
  now: number,
): HealthDescription[] {
  const regs = registrations(g, now);
  if (!asked) return regs.map((r) => describeRegistration(g, r, endpoints, now));
  return asked.flatMap((t) => {
    const found = regs.filter((r) => r.id === t.id && (t.port === undefined || r.port === t.port));
    if (found.length) return found.map((r) => describeRegistration(g, r, endpoints, now));
    return [{ id: t.id, port: t.port ?? g.settings.port, health: NOT_REGISTERED }];
  });
}
