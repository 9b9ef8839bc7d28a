/** CreateTargetGroup, DeleteTargetGroup and the attribute actions. */
import { SimError } from '../errors';
import { hexId } from '../random';
import { defaultAttributes, modifyAttributes } from './attributes';
import type { TargetGroup } from './model';
import { attributeList, checkTargetGroupArn, optBool, optInt, optString, reqString, validationError } from './params';
import * as render from './render';
import { resolveSettings, sameSettings, type TargetGroupRequest } from './settings';
import type { Elbv2Core } from './store';

/** Creates the group, or returns the existing one of that name when its settings are the same (as AWS does). Tags are accepted and ignored. */
export function createGroup(core: Elbv2Core, req: TargetGroupRequest): TargetGroup {
  const settings = resolveSettings(req);
  const existing = core.groups.byName(settings.name);
  if (existing) {
    if (sameSettings(existing.settings, settings)) return existing;
    throw new SimError('DuplicateTargetGroupName', `A target group with the same name '${settings.name}' exists, but with different settings`);
  }
  const { ctx } = core;
  const group: TargetGroup = {
    arn: `arn:aws:elasticloadbalancing:${ctx.region}:${ctx.accountId}:targetgroup/${settings.name}/${hexId(ctx.random, 16)}`,
    settings,
    attributes: defaultAttributes(settings),
    registrations: new Map(),
    createdAt: ctx.clock.now(),
  };
  core.groups.byArn.set(group.arn, group);
  return group;
}

const anyInt = (params: URLSearchParams, name: string) => optInt(params, name, Number.MIN_SAFE_INTEGER);

export function createTargetGroup(core: Elbv2Core, params: URLSearchParams): string {
  const req: TargetGroupRequest = {
    name: reqString(params, 'Name'),
    protocol: optString(params, 'Protocol'),
    protocolVersion: optString(params, 'ProtocolVersion'),
    port: anyInt(params, 'Port'),
    vpcId: optString(params, 'VpcId'),
    targetType: optString(params, 'TargetType'),
    ipAddressType: optString(params, 'IpAddressType'),
    healthCheckProtocol: optString(params, 'HealthCheckProtocol'),
    healthCheckPort: optString(params, 'HealthCheckPort'),
    healthCheckEnabled: optBool(params, 'HealthCheckEnabled'),
    healthCheckPath: optString(params, 'HealthCheckPath'),
    healthCheckIntervalSeconds: anyInt(params, 'HealthCheckIntervalSeconds'),
    healthCheckTimeoutSeconds: anyInt(params, 'HealthCheckTimeoutSeconds'),
    healthyThresholdCount: anyInt(params, 'HealthyThresholdCount'),
    unhealthyThresholdCount: anyInt(params, 'UnhealthyThresholdCount'),
    matcherHttpCode: optString(params, 'Matcher.HttpCode'),
  };
  const group = createGroup(core, req);
  return `<TargetGroups><member>${render.targetGroup(group)}</member></TargetGroups>`;
}

/** Deleting a group that does not exist succeeds, as in AWS (its only documented error is ResourceInUse). */
export function deleteTargetGroup(core: Elbv2Core, params: URLSearchParams): string {
  const arn = reqString(params, 'TargetGroupArn');
  checkTargetGroupArn(arn);
  core.groups.byArn.delete(arn);
  return '';
}

export function describeTargetGroupAttributes(core: Elbv2Core, params: URLSearchParams): string {
  return render.attributes(core.groups.require(reqString(params, 'TargetGroupArn')).attributes);
}

export function modifyTargetGroupAttributes(core: Elbv2Core, params: URLSearchParams): string {
  const group = core.groups.require(reqString(params, 'TargetGroupArn'));
  const changes = attributeList(params);
  if (changes.length === 0) {
    throw validationError("1 validation error detected: Value null at 'attributes' failed to satisfy constraint: Member must not be null");
  }
  modifyAttributes(group.attributes, changes);
  return render.attributes(group.attributes);
}
