import { members } from '../xml';
import type { Fleet } from './fleet';
import type { SimGroup } from './model';
import { page, stringList, structList, validationError } from './params';
import * as render from './render';

const withToken = (body: string, nextToken: string | undefined): string =>
  body + (nextToken ? `<NextToken>${nextToken}</NextToken>` : '');

/** Tag filters of DescribeAutoScalingGroups: `tag-key`, `tag-value`, `tag:<key>`. */
function filterMatches(g: SimGroup, name: string, values: string[]): boolean {
  if (name === 'tag-key') return g.tags.some((t) => values.includes(t.Key));
  if (name === 'tag-value') return g.tags.some((t) => values.includes(t.Value));
  if (name.startsWith('tag:')) return g.tags.some((t) => t.Key === name.slice(4) && values.includes(t.Value));
  throw validationError(`The filter name ${name} is not valid. Valid names: tag-key, tag-value, tag:<key>.`);
}

export function describeAutoScalingGroups(fleet: Fleet, params: URLSearchParams): string {
  const names = stringList(params, 'AutoScalingGroupNames');
  const filters = structList(params, 'Filters').map((f) => ({
    name: f.get('Name') ?? '',
    values: [...f].filter(([k]) => k.startsWith('Values.member.')).map(([, v]) => v),
  }));
  const groups = [...fleet.groups.values()]
    .filter((g) => names.length === 0 || names.includes(g.name))
    .filter((g) => filters.every((f) => filterMatches(g, f.name, f.values)))
    .sort((a, b) => a.name.localeCompare(b.name));
  const { items, nextToken } = page(groups, params, 50, 100);
  return withToken(members('AutoScalingGroups', items, render.group), nextToken);
}

export function describeAutoScalingInstances(fleet: Fleet, params: URLSearchParams): string {
  const ids = stringList(params, 'InstanceIds', 50);
  const all = [...fleet.groups.values()]
    .flatMap((g) => [...g.instances.values()].map((i) => ({ g, i })))
    .filter(({ i }) => ids.length === 0 || ids.includes(i.id))
    .sort((a, b) => a.i.seq - b.i.seq);
  const { items, nextToken } = page(all, params, 50, 50);
  return withToken(members('AutoScalingInstances', items, ({ g, i }) => render.instanceDetails(g, i)), nextToken);
}

export function describePolicies(fleet: Fleet, params: URLSearchParams): string {
  const groupName = params.get('AutoScalingGroupName');
  const names = stringList(params, 'PolicyNames');
  const types = stringList(params, 'PolicyTypes');
  const policies = [...fleet.groups.values()]
    .filter((g) => groupName === null || g.name === groupName)
    .flatMap((g) => g.policies)
    .filter((p) => names.length === 0 || names.includes(p.PolicyName) || names.includes(p.PolicyARN))
    .filter((p) => types.length === 0 || types.includes(p.PolicyType));
  const { items, nextToken } = page(policies, params, 50, 100);
  return withToken(members('ScalingPolicies', items, render.policy), nextToken);
}
