/**
 * Target group attributes: the defaults a new group gets (by protocol, as AWS lists them) and the
 * checks ModifyTargetGroupAttributes makes. Only the deregistration delay changes behaviour here.
 */
import { DEREGISTRATION_DELAY, type TargetGroupSettings } from './model';
import { validationError } from './params';

const isHttp = (s: TargetGroupSettings): boolean => s.protocol === 'HTTP' || s.protocol === 'HTTPS';

export function defaultAttributes(s: TargetGroupSettings): Map<string, string> {
  const common: [string, string][] = [
    [DEREGISTRATION_DELAY, '300'],
    ['stickiness.enabled', 'false'],
    ['load_balancing.cross_zone.enabled', 'use_load_balancer_configuration'],
    ['target_group_health.dns_failover.minimum_healthy_targets.count', '1'],
    ['target_group_health.dns_failover.minimum_healthy_targets.percentage', 'off'],
    ['target_group_health.unhealthy_state_routing.minimum_healthy_targets.count', '1'],
    ['target_group_health.unhealthy_state_routing.minimum_healthy_targets.percentage', 'off'],
  ];
  const byProtocol: [string, string][] = isHttp(s)
    ? [
        ['stickiness.type', 'lb_cookie'],
        ['stickiness.lb_cookie.duration_seconds', '86400'],
        ['stickiness.app_cookie.cookie_name', ''],
        ['stickiness.app_cookie.duration_seconds', '86400'],
        ['slow_start.duration_seconds', '0'],
        ['load_balancing.algorithm.type', 'round_robin'],
        ['load_balancing.algorithm.anomaly_mitigation', 'off'],
      ]
    : [
        ['stickiness.type', 'source_ip'],
        ['deregistration_delay.connection_termination.enabled', 'false'],
        ['proxy_protocol_v2.enabled', 'false'],
        ['preserve_client_ip.enabled', s.targetType === 'instance' ? 'true' : 'false'],
        ['target_health_state.unhealthy.connection_termination.enabled', 'true'],
      ];
  return new Map([...common, ...byProtocol]);
}

/** Integer-valued attributes and their ranges. */
const INTEGER_RANGES: Record<string, [number, number]> = {
  [DEREGISTRATION_DELAY]: [0, 3600],
  'stickiness.lb_cookie.duration_seconds': [1, 604800],
  'stickiness.app_cookie.duration_seconds': [1, 604800],
};

function checkValue(key: string, value: string): void {
  const range = INTEGER_RANGES[key];
  if (range) {
    const [min, max] = range;
    const n = /^\d+$/.test(value) ? Number(value) : NaN;
    if (!(n >= min && n <= max)) throw validationError(`'${key}' value '${value}' must be between '${min}-${max}' inclusive`);
  }
  if (key.endsWith('.enabled') && key !== 'load_balancing.cross_zone.enabled' && value !== 'true' && value !== 'false') {
    throw validationError(`'${key}' value '${value}' must be one of [true, false]`);
  }
}

/** Applies the changes (all or none); keys the group does not have are refused, as AWS does. */
export function modifyAttributes(current: Map<string, string>, changes: { key: string; value: string }[]): void {
  for (const { key, value } of changes) {
    if (!current.has(key)) throw validationError(`Target group attribute key '${key}' is not recognized`);
    checkValue(key, value);
  }
  for (const { key, value } of changes) current.set(key, value);
}

/** The deregistration delay in milliseconds. */
export const deregistrationDelayMs = (attributes: Map<string, string>): number => Number(attributes.get(DEREGISTRATION_DELAY) ?? '300') * 1000;
