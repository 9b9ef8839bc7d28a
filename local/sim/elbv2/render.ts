/** Query-protocol XML for ELBv2's result shapes (element names as in the API Reference). */
import { el, members } from '../xml';
import type { TargetGroup, TargetHealth } from './model';

export function targetGroup(g: TargetGroup): string {
  const s = g.settings;
  return (
    el('TargetGroupArn', g.arn) +
    el('TargetGroupName', s.name) +
    el('Protocol', s.protocol) +
    el('Port', s.port) +
    el('VpcId', s.vpcId) +
    el('HealthCheckProtocol', s.healthCheckProtocol) +
    el('HealthCheckPort', s.healthCheckPort) +
    el('HealthCheckEnabled', true) +
    el('HealthCheckIntervalSeconds', s.healthCheckIntervalSeconds) +
    el('HealthCheckTimeoutSeconds', s.healthCheckTimeoutSeconds) +
    el('HealthyThresholdCount', s.healthyThresholdCount) +
    el('UnhealthyThresholdCount', s.unhealthyThresholdCount) +
    el('HealthCheckPath', s.healthCheckPath) +
    (s.matcherHttpCode !== undefined ? `<Matcher>${el('HttpCode', s.matcherHttpCode)}</Matcher>` : '') +
    members('LoadBalancerArns', [], () => '') +
    el('TargetType', s.targetType) +
    el('ProtocolVersion', s.protocolVersion) +
    el('IpAddressType', s.ipAddressType)
  );
}

export const attributes = (attrs: Map<string, string>): string =>
  members('Attributes', [...attrs], ([key, value]) => el('Key', key) + el('Value', value));

/** One TargetHealthDescription. */
export interface HealthDescription {
  id: string;
  port: number;
  availabilityZone?: string;
  healthCheckPort?: string;
  health: TargetHealth;
}

export function healthDescription(d: HealthDescription): string {
  return (
    `<Target>${el('Id', d.id)}${el('Port', d.port)}${el('AvailabilityZone', d.availabilityZone)}</Target>` +
    el('HealthCheckPort', d.healthCheckPort) +
    `<TargetHealth>${el('State', d.health.state)}${el('Reason', d.health.reason)}${el('Description', d.health.description)}</TargetHealth>`
  );
}
