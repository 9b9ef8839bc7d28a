/** Finding clusters, tasks, container instances and task definitions by name, id or ARN. */
import { SimError } from '../errors';
import { containerInstanceArn, inScope, parseEcsArn, taskArn } from './arns';
import type { Core } from './core';
import type { ClusterRecord, ContainerInstanceRecord, TaskDefinitionRecord, TaskRecord } from './state';

export const DEFAULT_CLUSTER = 'default';

/** The cluster name a `cluster` parameter names (name or ARN; absent = "default"), or undefined for a foreign ARN. */
export function clusterName(core: Core, ref: string | undefined): string | undefined {
  if (ref === undefined || ref === '') return DEFAULT_CLUSTER;
  if (!ref.startsWith('arn:')) return ref;
  const arn = parseEcsArn(ref);
  if (!arn || arn.type !== 'cluster' || !inScope(core.ctx, arn)) return undefined;
  return arn.resource;
}

export function findCluster(core: Core, ref: string | undefined): ClusterRecord | undefined {
  const name = clusterName(core, ref);
  return name === undefined ? undefined : core.state.clusters.get(name);
}

export function requireCluster(core: Core, ref: string | undefined): ClusterRecord {
  const cluster = findCluster(core, ref);
  if (!cluster) throw new SimError('ClusterNotFoundException', 'Cluster not found.');
  return cluster;
}

/** Resolves `<id>` or `<type>/<cluster>/<id>` ARNs of a cluster's tasks or container instances. */
function resourceArn(core: Core, cluster: ClusterRecord, type: 'task' | 'container-instance', ref: string): string | undefined {
  if (!ref.startsWith('arn:')) {
    return type === 'task' ? taskArn(core.ctx, cluster.name, ref) : containerInstanceArn(core.ctx, cluster.name, ref);
  }
  const arn = parseEcsArn(ref);
  if (!arn || arn.type !== type || !inScope(core.ctx, arn)) return undefined;
  return arn.resource.startsWith(`${cluster.name}/`) ? ref : undefined;
}

export function findTask(core: Core, cluster: ClusterRecord, ref: string): TaskRecord | undefined {
  const arn = resourceArn(core, cluster, 'task', ref);
  return arn === undefined ? undefined : core.state.tasks.get(arn);
}

export function findInstance(core: Core, cluster: ClusterRecord, ref: string): ContainerInstanceRecord | undefined {
  const arn = resourceArn(core, cluster, 'container-instance', ref);
  return arn === undefined ? undefined : core.state.instances.get(arn);
}

/**
 * A task definition by `family` (latest ACTIVE revision), `family:revision` or ARN.
 * Undefined when there is none.
 */
export function findTaskDefinition(core: Core, ref: string): TaskDefinitionRecord | undefined {
  let spec = ref;
  if (ref.startsWith('arn:')) {
    const arn = parseEcsArn(ref);
    if (!arn || arn.type !== 'task-definition' || !inScope(core.ctx, arn)) return undefined;
    spec = arn.resource;
  }
  const m = /^([a-zA-Z0-9_-]+)(?::(\d+))?$/.exec(spec);
  if (!m) return undefined;
  const revisions = core.state.families.get(m[1] as string) ?? [];
  if (m[2] === undefined) return [...revisions].reverse().find((r) => r.status === 'ACTIVE');
  return revisions[Number(m[2]) - 1];
}
