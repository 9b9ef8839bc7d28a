/**
 * CreateTargetGroup's settings: validated and completed with ELBv2's documented defaults, so two
 * requests for the same group compare equal (CreateTargetGroup is idempotent on name + settings).
 */
import { SimError } from '../errors';
import { checkEnum, checkRange, validationError } from './params';
import {
  HEALTH_CHECK_PROTOCOLS,
  PROTOCOLS,
  TARGET_TYPES,
  type HealthCheckProtocol,
  type Protocol,
  type TargetGroupSettings,
} from './model';

/** What a caller asks for (the API's parameters, or the code API's spec); all optional but the name. */
export interface TargetGroupRequest {
  name: string;
  protocol?: string;
  protocolVersion?: string;
  port?: number;
  vpcId?: string;
  targetType?: string;
  ipAddressType?: string;
  healthCheckProtocol?: string;
  healthCheckPort?: string;
  healthCheckEnabled?: boolean;
  healthCheckPath?: string;
  healthCheckIntervalSeconds?: number;
  healthCheckTimeoutSeconds?: number;
  healthyThresholdCount?: number;
  unhealthyThresholdCount?: number;
  matcherHttpCode?: string;
}

const ALL_TARGET_TYPES = ['instance', 'ip', 'lambda', 'alb'] as const;
const isHttp = (p: string): boolean => p === 'HTTP' || p === 'HTTPS';

function checkName(name: string): void {
  if (name.length > 32) throw validationError(`Target group name '${name}' cannot be longer than '32' characters`);
  if (!/^[A-Za-z0-9-]+$/.test(name)) {
    throw validationError(`Target group name '${name}' can only contain characters that are alphanumeric characters or hyphens(-)`);
  }
  if (name.startsWith('-') || name.endsWith('-')) throw validationError(`Target group name '${name}' cannot begin or end with '-'`);
}

function required<T>(value: T | undefined, what: string): T {
  if (value === undefined || value === '') throw validationError(`A ${what} must be specified`);
  return value;
}

function healthCheckProtocol(req: TargetGroupRequest, protocol: Protocol): HealthCheckProtocol {
  if (req.healthCheckProtocol === undefined) return isHttp(protocol) ? (protocol as HealthCheckProtocol) : 'TCP';
  const hc = checkEnum('healthCheckProtocol', req.healthCheckProtocol, HEALTH_CHECK_PROTOCOLS);
  if (isHttp(protocol) && hc === 'TCP') {
    throw validationError(`Health check protocol 'TCP' is not supported for target groups with the ${protocol} protocol`);
  }
  return hc;
}

function healthCheckPort(value: string | undefined): string {
  if (value === undefined || value === 'traffic-port') return 'traffic-port';
  const n = /^\d+$/.test(value) ? Number(value) : NaN;
  if (!(n >= 1 && n <= 65535)) throw validationError(`Health check port '${value}' must be 'traffic-port' or a port between 1 and 65535`);
  return String(n);
}

function checkTimeout(hc: HealthCheckProtocol, timeout: number, interval: number): void {
  if (isHttp(hc) && timeout >= interval) {
    throw validationError(`Health check timeout '${timeout}' must be smaller than the interval '${interval}'`);
  }
  if (!isHttp(hc) && timeout > interval) {
    throw validationError(`Health check timeout '${timeout}' must be smaller than or equal to the interval '${interval}'`);
  }
}

function matcher(req: TargetGroupRequest, protocol: Protocol, hc: HealthCheckProtocol): string | undefined {
  if (!isHttp(hc)) return undefined;
  const code = req.matcherHttpCode ?? (isHttp(protocol) ? '200' : '200-399');
  if (!/^\d{3}(-\d{3})?(,\d{3}(-\d{3})?)*$/.test(code)) {
    throw validationError(`The HTTP code '${code}' must be a code like 200, a range like 200-299, or a list like 200,202`);
  }
  return code;
}

/** Validates a request and fills in AWS's defaults for the protocol. */
export function resolveSettings(req: TargetGroupRequest): TargetGroupSettings {
  checkName(req.name);
  const targetType = checkEnum('targetType', req.targetType ?? 'instance', ALL_TARGET_TYPES);
  if (!(TARGET_TYPES as readonly string[]).includes(targetType)) {
    throw validationError(`The simulator does not model target groups of target type '${targetType}'`);
  }
  const protocol = checkEnum('protocol', required(req.protocol, 'protocol'), PROTOCOLS);
  const port = required(req.port, 'port');
  checkRange('port', port, 1, 65535);
  const vpcId = required(req.vpcId, 'VPC ID');
  if (req.ipAddressType !== undefined && req.ipAddressType !== 'ipv4') {
    throw validationError(`The simulator does not model target groups of IP address type '${req.ipAddressType}'`);
  }
  if (req.healthCheckEnabled === false) {
    throw new SimError('InvalidConfigurationRequest', `Health checks cannot be disabled for target groups with target type '${targetType}'`);
  }
  const hc = healthCheckProtocol(req, protocol);
  const interval = req.healthCheckIntervalSeconds ?? 30;
  checkRange('healthCheckIntervalSeconds', interval, 5, 300);
  // Unset, the timeout is the protocol's default, shortened to fit a short interval so that an interval alone is accepted.
  const timeout = req.healthCheckTimeoutSeconds ?? Math.min(protocol === 'HTTP' ? 6 : 10, isHttp(hc) ? interval - 1 : interval);
  checkRange('healthCheckTimeoutSeconds', timeout, 2, 120);
  checkTimeout(hc, timeout, interval);
  const healthy = req.healthyThresholdCount ?? 5;
  checkRange('healthyThresholdCount', healthy, 2, 10);
  const unhealthy = req.unhealthyThresholdCount ?? 2;
  checkRange('unhealthyThresholdCount', unhealthy, 2, 10);
  const httpCode = matcher(req, protocol, hc);
  const path = isHttp(hc) ? (req.healthCheckPath ?? '/') : undefined;
  return {
    name: req.name,
    protocol,
    ...(isHttp(protocol) ? { protocolVersion: req.protocolVersion ?? 'HTTP1' } : {}),
    port,
    vpcId,
    targetType: targetType as TargetGroupSettings['targetType'],
    ipAddressType: 'ipv4',
    healthCheckProtocol: hc,
    healthCheckPort: healthCheckPort(req.healthCheckPort),
    ...(path !== undefined ? { healthCheckPath: path } : {}),
    healthCheckIntervalSeconds: interval,
    healthCheckTimeoutSeconds: timeout,
    healthyThresholdCount: healthy,
    unhealthyThresholdCount: unhealthy,
    ...(httpCode !== undefined ? { matcherHttpCode: httpCode } : {}),
  };
}

/** Whether two resolved settings describe the same target group (field order is fixed by resolveSettings). */
export const sameSettings = (a: TargetGroupSettings, b: TargetGroupSettings): boolean => JSON.stringify(a) === JSON.stringify(b);
