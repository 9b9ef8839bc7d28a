/**
 * RegisterTargets and DeregisterTargets. A target is an Id and a port (the group's when omitted).
 * Registering a registered target changes nothing; registering a draining one starts it over
 * (initial); deregistering starts the drain for the group's deregistration delay.
 */
import { SimError } from '../errors';
import { deregistrationDelayMs } from './attributes';
import { targetKey, type TargetGroup } from './model';
import type { TargetInput } from './params';
import { zoneOfAddress } from './reachability';
import type { Elbv2Core } from './store';
import { pruneDrained } from './target-health';

const invalidTarget = (message = 'The specified target does not exist, is not in the same VPC as the target group, or has an unsupported instance type.') =>
  new SimError('InvalidTarget', message);

/** Private IPv4 ranges ip targets may use (RFC 1918 and RFC 6598), as the API Reference lists them. */
function isPrivateIpv4(ip: string): boolean {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(ip);
  if (!m) return false;
  const [a, b, c, d] = m.slice(1).map(Number) as [number, number, number, number];
  if ([a, b, c, d].some((o) => o > 255)) return false;
  return a === 10 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168) || (a === 100 && b >= 64 && b <= 127);
}

/** Refuses targets that cannot be registered (all of them checked before any change). */
function checkTargets(core: Elbv2Core, g: TargetGroup, targets: TargetInput[]): void {
  if (g.settings.targetType === 'ip') {
    const bad = targets.find((t) => !isPrivateIpv4(t.id));
    if (bad) throw invalidTarget(`The IP address '${bad.id}' is not a valid private IPv4 address for a target group of target type 'ip'.`);
    return;
  }
  const known = new Set(core.network.snapshot().instances.map((i) => i.ec2InstanceId));
  if (targets.some((t) => !known.has(t.id))) throw invalidTarget();
}

export function registerTargets(core: Elbv2Core, g: TargetGroup, targets: TargetInput[]): void {
  checkTargets(core, g, targets);
  const now = core.ctx.clock.now();
  pruneDrained(g, now);
  const endpoints = g.settings.targetType === 'ip' ? core.network.taskEndpoints() : [];
  for (const t of targets) {
    const port = t.port ?? g.settings.port;
    const existing = g.registrations.get(targetKey(t.id, port));
    if (existing) {
      if (existing.drainingUntil !== undefined) {
        existing.registeredAt = now;
        delete existing.drainingUntil;
      }
      continue;
    }
    const zone = g.settings.targetType === 'ip' ? (t.availabilityZone ?? zoneOfAddress(endpoints, t.id)) : undefined;
    g.registrations.set(targetKey(t.id, port), {
      id: t.id,
      port,
      ...(zone !== undefined ? { availabilityZone: zone } : {}),
      registeredAt: now,
      seq: core.groups.seq(),
    });
  }
}

export function deregisterTargets(core: Elbv2Core, g: TargetGroup, targets: TargetInput[]): void {
  checkTargets(core, g, targets);
  const now = core.ctx.clock.now();
  pruneDrained(g, now);
  const delay = deregistrationDelayMs(g.attributes);
  for (const t of targets) {
    const key = targetKey(t.id, t.port ?? g.settings.port);
    const r = g.registrations.get(key);
    if (!r || r.drainingUntil !== undefined) continue;
    if (delay === 0) g.registrations.delete(key);
    else r.drainingUntil = now + delay;
  }
}
