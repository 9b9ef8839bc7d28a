/** The ELBv2 simulator's records. Times are epoch milliseconds on the simulator's clock. */

/** The protocols the simulator models (AWS also has GENEVE, QUIC and TCP_QUIC). */
export const PROTOCOLS = ['HTTP', 'HTTPS', 'TCP', 'TLS', 'UDP', 'TCP_UDP'] as const;
export type Protocol = (typeof PROTOCOLS)[number];

/** The target types the simulator models (AWS also has lambda and alb). */
export const TARGET_TYPES = ['instance', 'ip'] as const;
export type TargetType = (typeof TARGET_TYPES)[number];

export const HEALTH_CHECK_PROTOCOLS = ['HTTP', 'HTTPS', 'TCP'] as const;
export type HealthCheckProtocol = (typeof HEALTH_CHECK_PROTOCOLS)[number];

/** A target group's settings, as CreateTargetGroup resolves them (defaults filled in). */
export interface TargetGroupSettings {
  name: string;
  protocol: Protocol;
  protocolVersion?: string;
  port: number;
  vpcId: string;
  targetType: TargetType;
  ipAddressType: 'ipv4';
  healthCheckProtocol: HealthCheckProtocol;
  /** `traffic-port` (the target's own port) or a port number. */
  healthCheckPort: string;
  healthCheckPath?: string;
  healthCheckIntervalSeconds: number;
  healthCheckTimeoutSeconds: number;
  healthyThresholdCount: number;
  unhealthyThresholdCount: number;
  /** Matcher.HttpCode, for HTTP(S) health checks. */
  matcherHttpCode?: string;
}

/** One registration of a target (Id and port) in a group. */
export interface Registration {
  id: string;
  port: number;
  /** For ip targets: the zone given at registration or that of the task holding the address. */
  availabilityZone?: string;
  registeredAt: number;
  /** Set by DeregisterTargets: the target drains until then, and is gone after. */
  drainingUntil?: number;
  /** Registration order, for stable listings. */
  seq: number;
}

export interface TargetGroup {
  arn: string;
  settings: TargetGroupSettings;
  /** Target group attributes (DescribeTargetGroupAttributes), values as AWS sends them. */
  attributes: Map<string, string>;
  /** By target key (`id:port`). */
  registrations: Map<string, Registration>;
  createdAt: number;
}

export const targetKey = (id: string, port: number): string => `${id}:${port}`;

export const DEREGISTRATION_DELAY = 'deregistration_delay.timeout_seconds';

export type TargetState = 'initial' | 'healthy' | 'unhealthy' | 'unused' | 'draining';

/** A target's health as DescribeTargetHealth reports it (TargetHealth). */
export interface TargetHealth {
  state: TargetState;
  reason?: string;
  description?: string;
}
