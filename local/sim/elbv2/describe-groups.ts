/** DescribeTargetGroups: all groups, or by names or ARNs, in name order, paged with Marker / PageSize. */
import { SimError } from '../errors';
import { members } from '../xml';
import { checkRange, checkTargetGroupArn, optInt, optString, stringList, targetGroupNotFound, validationError } from './params';
import * as render from './render';
import type { Elbv2Core } from './store';

const DEFAULT_PAGE_SIZE = 400;

/** The marker names the last group of the previous page, so pages stay right when groups come and go. */
const encodeMarker = (lastName: string): string => Buffer.from(lastName, 'utf8').toString('base64url');

function decodeMarker(marker: string): string {
  const name = Buffer.from(marker, 'base64url').toString('utf8');
  if (!/^[A-Za-z0-9-]{1,32}$/.test(name) || encodeMarker(name) !== marker) throw validationError(`Invalid marker '${marker}'`);
  return name;
}

export function describeTargetGroups(core: Elbv2Core, params: URLSearchParams): string {
  const names = stringList(params, 'Names');
  const arns = stringList(params, 'TargetGroupArns');
  const loadBalancerArn = optString(params, 'LoadBalancerArn');
  if ([names.length > 0, arns.length > 0, loadBalancerArn !== undefined].filter(Boolean).length > 1) {
    throw validationError('Target group names, target group ARNs, and a load balancer ARN cannot be specified at the same time');
  }
  // The simulator has no load balancers, so none is ever found.
  if (loadBalancerArn !== undefined) throw new SimError('LoadBalancerNotFound', `Load balancers '${loadBalancerArn}' not found`);
  arns.forEach(checkTargetGroupArn);
  const pageSize = optInt(params, 'PageSize', Number.MIN_SAFE_INTEGER) ?? DEFAULT_PAGE_SIZE;
  checkRange('pageSize', pageSize, 1, 400);
  const marker = optString(params, 'Marker');
  const after = marker === undefined ? undefined : decodeMarker(marker);

  let groups = [...core.groups.byArn.values()];
  if (names.length && names.some((n) => !groups.some((g) => g.settings.name === n))) throw targetGroupNotFound();
  if (arns.length && arns.some((a) => !core.groups.byArn.has(a))) throw targetGroupNotFound();
  if (names.length) groups = groups.filter((g) => names.includes(g.settings.name));
  if (arns.length) groups = groups.filter((g) => arns.includes(g.arn));
  groups.sort((a, b) => (a.settings.name < b.settings.name ? -1 : a.settings.name > b.settings.name ? 1 : 0));
  const rest = after === undefined ? groups : groups.filter((g) => g.settings.name > after);
  const page = rest.slice(0, pageSize);
  const last = page.at(-1);
  const next = rest.length > pageSize && last ? `<NextMarker>${encodeMarker(last.settings.name)}</NextMarker>` : '';
  return members('TargetGroups', page, render.targetGroup) + next;
}
