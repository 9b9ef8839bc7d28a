/**
 * DeregisterContainerInstance, ListContainerInstances, DescribeContainerInstances,
 * UpdateContainerInstancesState.
 */
import { containerInstanceArn } from './arns';
import type { Core } from './core';
import { instanceView } from './instanceView';
import { findInstance, requireCluster } from './lookup';
import { paginate, seqKey } from './pagination';
import { matchesQuery, parseQuery } from './placement';
import { toCandidate } from './resources';
import type { ClusterRecord, ContainerInstanceRecord } from './state';
import { apiTime } from './time';
import {
  invalid,
  maxResults,
  optBoolean,
  optEnum,
  optString,
  optStringList,
  readInclude,
  requireString,
  type Input,
} from './validate';

/** The statuses ListContainerInstances filters on (ECS lists no INACTIVE instances; DescribeContainerInstances still shows them). */
const LISTABLE = ['ACTIVE', 'DRAINING', 'REGISTERING', 'DEREGISTERING', 'REGISTRATION_FAILED'] as const;

/** The ARN a failure row names for a reference that matched nothing. */
function missingArn(core: Core, cluster: ClusterRecord, ref: string): string {
  return ref.startsWith('arn:') ? ref : containerInstanceArn(core.ctx, cluster.name, ref);
}

export function deregisterContainerInstance(core: Core, input: Input) {
  const cluster = requireCluster(core, optString(input, 'cluster'));
  const ci = findInstance(core, cluster, requireString(input, 'containerInstance'));
  if (!ci) throw invalid('The referenced container instance was not found.');
  if (ci.status !== 'INACTIVE') {
    if (ci.liveTasks.size > 0 && !optBoolean(input, 'force')) {
      throw invalid('The container instance has tasks running. Stop them first, or deregister with force.');
    }
    // With force, its tasks are orphaned: they keep running until the host goes away.
    ci.status = 'INACTIVE';
    ci.agentConnected = false;
    core.events.instanceChanged(ci);
  }
  return { containerInstance: instanceView(ci, apiTime) };
}

export function listContainerInstances(core: Core, input: Input) {
  const cluster = requireCluster(core, optString(input, 'cluster'));
  const status = optEnum(input, 'status', LISTABLE);
  const filter = optString(input, 'filter');
  const query = filter ? parseQuery(filter) : undefined;
  const matches = core.state
    .instancesOf(cluster.arn)
    .filter((ci) => (status ? ci.status === status : ci.status !== 'INACTIVE'))
    .filter((ci) => !query || matchesQuery(query, toCandidate(ci)))
    .sort((a, b) => a.seq - b.seq);
  const page = paginate(matches, (ci) => seqKey(ci.seq), maxResults(input), optString(input, 'nextToken'));
  return { containerInstanceArns: page.items.map((ci) => ci.arn), nextToken: page.nextToken };
}

export function describeContainerInstances(core: Core, input: Input) {
  const cluster = requireCluster(core, optString(input, 'cluster'));
  const refs = optStringList(input, 'containerInstances') ?? [];
  if (refs.length === 0) throw invalid('containerInstances can not be empty.');
  if (refs.length > 100) throw invalid('containerInstances can have at most 100 items.');
  const include = readInclude(input, ['TAGS', 'CONTAINER_INSTANCE_HEALTH']);
  const containerInstances: unknown[] = [];
  const failures: unknown[] = [];
  for (const ref of refs) {
    const ci = findInstance(core, cluster, ref);
    if (ci) containerInstances.push(instanceView(ci, apiTime, { tags: include.has('TAGS') }));
    else failures.push({ arn: missingArn(core, cluster, ref), reason: 'MISSING' });
  }
  return { containerInstances, failures };
}

export function updateContainerInstancesState(core: Core, input: Input) {
  const cluster = requireCluster(core, optString(input, 'cluster'));
  const refs = optStringList(input, 'containerInstances') ?? [];
  if (refs.length === 0) throw invalid('containerInstances can not be empty.');
  if (refs.length > 10) throw invalid('containerInstances can have at most 10 items.');
  const status = optString(input, 'status');
  if (status !== 'ACTIVE' && status !== 'DRAINING') throw invalid('Container instances status should be one of [ACTIVE,DRAINING].');
  const updated: ContainerInstanceRecord[] = [];
  const failures: unknown[] = [];
  for (const ref of refs) {
    const ci = findInstance(core, cluster, ref);
    if (!ci) {
      failures.push({ arn: missingArn(core, cluster, ref), reason: 'MISSING' });
    } else if (ci.status !== 'ACTIVE' && ci.status !== 'DRAINING') {
      failures.push({ arn: ci.arn, reason: ci.status, detail: `A container instance in ${ci.status} status cannot be updated.` });
    } else {
      if (ci.status !== status) {
        // No services run in the simulator: standalone tasks keep running on a DRAINING instance.
        ci.status = status;
        core.events.instanceChanged(ci);
      }
      updated.push(ci);
    }
  }
  return { containerInstances: updated.map((ci) => instanceView(ci, apiTime)), failures };
}
