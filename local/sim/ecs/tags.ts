/** TagResource, UntagResource, ListTagsForResource for clusters, tasks, container instances and task definitions. */
import { SimError } from '../errors';
import { inScope, parseEcsArn } from './arns';
import type { Core } from './core';
import { findTaskDefinition } from './lookup';
import type { Tag } from './state';
import { invalid, optStringList, readTags, requireString, type Input } from './validate';

/** The tag list of the resource an ARN names. */
function tagsOf(core: Core, resourceArn: string): { get(): Tag[]; set(tags: Tag[]): void } {
  const arn = parseEcsArn(resourceArn);
  if (!arn || !inScope(core.ctx, arn)) throw invalid(`Invalid resource ARN: ${resourceArn}`);
  let holder: { tags: Tag[] } | undefined;
  if (arn.type === 'cluster') holder = core.state.clusters.get(arn.resource);
  else if (arn.type === 'task') holder = core.state.tasks.get(resourceArn);
  else if (arn.type === 'container-instance') holder = core.state.instances.get(resourceArn);
  else if (arn.type === 'task-definition') holder = /:\d+$/.test(arn.resource) ? findTaskDefinition(core, resourceArn) : undefined;
  else throw invalid(`Tagging is not supported for ${arn.type} resources in this simulator.`);
  if (!holder) {
    if (arn.type === 'cluster') throw new SimError('ClusterNotFoundException', 'Cluster not found.');
    throw new SimError('ResourceNotFoundException', 'The specified resource could not be found.');
  }
  const h = holder;
  return { get: () => h.tags, set: (tags) => (h.tags = tags) };
}

const userTags = (tags: Tag[]) => tags.filter((t) => !t.key.toLowerCase().startsWith('aws:'));

export function tagResource(core: Core, input: Input) {
  const target = tagsOf(core, requireString(input, 'resourceArn'));
  const added = readTags(input);
  if (added.length === 0) throw invalid('tags can not be empty.');
  if (added.some((t) => t.key.toLowerCase().startsWith('aws:'))) throw invalid('Tag keys prefixed with aws: are reserved.');
  const byKey = new Map(target.get().map((t) => [t.key, t.value]));
  for (const t of added) byKey.set(t.key, t.value);
  const tags = [...byKey].map(([key, value]) => ({ key, value }));
  if (userTags(tags).length > 50) throw invalid('A resource can have at most 50 tags.');
  target.set(tags);
  return {};
}

export function untagResource(core: Core, input: Input) {
  const target = tagsOf(core, requireString(input, 'resourceArn'));
  const keys = new Set(optStringList(input, 'tagKeys') ?? []);
  target.set(target.get().filter((t) => !keys.has(t.key)));
  return {};
}

export function listTagsForResource(core: Core, input: Input) {
  return { tags: tagsOf(core, requireString(input, 'resourceArn')).get() };
}
