/** /clusters: list, detail (instances, resources, services), capacity settings. */
import {
  DescribeAutoScalingGroupsCommand,
  DescribePoliciesCommand,
  type AutoScalingClient,
  type AutoScalingGroup,
} from '@aws-sdk/client-auto-scaling';
import type { CapacitySettings, Cluster } from '../../core/cluster';
import { ConflictError, NotFoundError } from '../../store';
import { awsMessage, isAwsError } from '../awsErrors';
import type { ApiDeps } from '../deps';
import { etagOf, ifMatchAccepts, json, type IfMatch } from '../http';
import { contention, MAX_ATTEMPTS, preconditionFailed } from '../mutate';
import { allPages, pageBody } from '../pages';
import { HttpProblem, invalidField } from '../problem';
import { defineRoute } from '../router';
import { clusterView, eventView } from '../serviceSpec';
import { EventsQuery, HistoryEventList } from '../schemas/services';
import { CLUSTER_SUBJECT } from '../../store/leases';
import { CapacityBody, Cluster as ClusterSchema, ClusterDetail, ClusterList, ClusterParams, ListClustersQuery } from '../schemas/clusters';

const TAG = 'Clusters';

/** The Auto Scaling tag ECS puts on groups it scales itself (managed scaling). */
export const ECS_MANAGED_TAG = 'AmazonECSManaged';
/** The tag Shepherd's IAM policy requires on a group it may scale. */
export const STAGE_TAG = 'shepherd:stage';

export const listClusters = defineRoute({
  method: 'GET',
  path: '/clusters',
  operationId: 'listClusters',
  summary: 'List clusters',
  description: 'The clusters Shepherd schedules on (a cluster is registered when a service in it is created).',
  tag: TAG,
  query: ListClustersQuery,
  responses: { 200: { description: 'A page of clusters.', schema: ClusterList } },
  async handle({ query, deps }) {
    const page = await deps.store.clusters.list({
      ...(query.limit !== undefined ? { limit: query.limit } : {}),
      ...(query.nextToken !== undefined ? { nextToken: query.nextToken } : {}),
    });
    return json(200, pageBody(page, clusterView));
  },
});

export const getCluster = defineRoute({
  method: 'GET',
  path: '/clusters/{name}',
  operationId: 'getCluster',
  summary: 'A cluster: instances, resources, services',
  description: 'From Shepherd\'s store: the container instances as last observed, the CPU and memory registered and remaining on the ones tasks can be placed on, and the cluster\'s services.',
  tag: TAG,
  params: ClusterParams,
  responses: { 200: { description: 'The cluster.', schema: ClusterDetail, headers: ['ETag'] } },
  problems: [404],
  async handle({ params, deps }) {
    const [cluster, instances, services] = await Promise.all([
      deps.store.clusters.get(params.name),
      allPages((req) => deps.store.instances.listByCluster(params.name, req)),
      allPages((req) => deps.store.services.list({ ...req, cluster: params.name })),
    ]);
    if (!cluster) throw new HttpProblem('notFound', `no cluster named ${params.name} (clusters are registered by creating a service in them)`);
    const usable = instances.items.filter((i) => i.status === 'ACTIVE' && i.agentConnected);
    const sum = (pick: (i: (typeof usable)[number]) => number) => usable.reduce((n, i) => n + pick(i), 0);
    return json(
      200,
      {
        ...clusterView(cluster),
        instances: instances.items.map((i) => ({
          containerInstanceArn: i.containerInstanceArn,
          ...(i.ec2InstanceId !== undefined ? { ec2InstanceId: i.ec2InstanceId } : {}),
          status: i.status,
          agentConnected: i.agentConnected,
          ...(i.availabilityZone !== undefined ? { availabilityZone: i.availabilityZone } : {}),
          ...(i.instanceType !== undefined ? { instanceType: i.instanceType } : {}),
          registered: { cpu: i.registered.cpu, memory: i.registered.memory },
          remaining: { cpu: i.remaining.cpu, memory: i.remaining.memory },
          runningTasksCount: i.runningTasksCount,
          pendingTasksCount: i.pendingTasksCount,
        })),
        resources: {
          instances: usable.length,
          registered: { cpu: sum((i) => i.registered.cpu), memory: sum((i) => i.registered.memory) },
          remaining: { cpu: sum((i) => i.remaining.cpu), memory: sum((i) => i.remaining.memory) },
        },
        services: services.items.map((s) => ({
          name: s.name,
          status: s.status,
          schedulingStrategy: s.schedulingStrategy,
          desiredCount: s.desiredCount,
          paused: s.paused,
          taskDefinition: s.taskDefinition,
        })),
      },
      { etag: etagOf(cluster.revision) },
    );
  },
});

async function describeGroup(client: AutoScalingClient, name: string): Promise<AutoScalingGroup> {
  let out;
  try {
    out = await client.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [name] }));
  } catch (err) {
    if (isAwsError(err, 'ValidationError')) throw invalidField('body.autoScalingGroupName', awsMessage(err));
    throw err;
  }
  const group = out.AutoScalingGroups?.find((g) => g.AutoScalingGroupName === name);
  if (!group) throw invalidField('body.autoScalingGroupName', `no Auto Scaling group named ${name} in this account and region`);
  return group;
}

async function scalingPolicyNames(client: AutoScalingClient, group: string): Promise<string[]> {
  const names: string[] = [];
  let NextToken: string | undefined;
  for (let page = 0; page < 20; page++) {
    const out = await client.send(new DescribePoliciesCommand({ AutoScalingGroupName: group, MaxRecords: 50, ...(NextToken ? { NextToken } : {}) }));
    names.push(...(out.ScalingPolicies ?? []).map((p) => p.PolicyName ?? '(unnamed)'));
    NextToken = out.NextToken;
    if (!NextToken) break;
  }
  return names;
}

/** Refuses a group Shepherd cannot scale alone (two controllers of one group fight each other). */
async function checkGroupIsShepherds(deps: ApiDeps, cluster: string, body: CapacityBody): Promise<void> {
  const g = body.autoScalingGroupName;
  const group = await describeGroup(deps.autoScaling, g);
  const tags = new Map((group.Tags ?? []).map((t) => [t.Key ?? '', t.Value ?? '']));
  const refuse = (detail: string) => new HttpProblem('capacityNotExclusive', detail, { errors: [{ field: 'body.autoScalingGroupName', message: detail }] });
  if (tags.has(ECS_MANAGED_TAG)) {
    throw refuse(`${g} carries the ${ECS_MANAGED_TAG} tag: ECS managed scaling (a capacity provider) scales it; turn that off and remove the tag first`);
  }
  const policies = await scalingPolicyNames(deps.autoScaling, g);
  if (policies.length) throw refuse(`${g} has scaling policies (${policies.slice(0, 10).join(', ')}); delete them so Shepherd alone sets its desired capacity`);
  if (tags.get(STAGE_TAG) !== deps.stage) {
    throw refuse(`${g} must carry the tag ${STAGE_TAG}=${deps.stage}: Shepherd's role may scale only groups tagged for its stage${tags.has(STAGE_TAG) ? ` (it is tagged for ${tags.get(STAGE_TAG)})` : ''}`);
  }
  const min = group.MinSize ?? 0;
  const max = group.MaxSize ?? 0;
  if (body.minSize < min || body.maxSize > max) {
    throw new HttpProblem('conflict', `${g} allows ${min}–${max} instances; Shepherd's minSize–maxSize (${body.minSize}–${body.maxSize}) must lie within it`, {
      errors: [{ field: body.minSize < min ? 'body.minSize' : 'body.maxSize', message: `within the group's own ${min}–${max}` }],
    });
  }
  const others = await allPages((req) => deps.store.clusters.list(req));
  const other = others.items.find((c) => c.name !== cluster && c.capacity?.autoScalingGroupName === g);
  if (other) throw refuse(`${g} already sizes cluster ${other.name}; one group serves one cluster`);
}

async function setCapacity(deps: ApiDeps, name: string, capacity: CapacitySettings, ifMatch: IfMatch | undefined): Promise<Cluster> {
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const current = await deps.store.clusters.ensure(name);
    if (ifMatch && !ifMatchAccepts(ifMatch, current.revision)) throw preconditionFailed(`cluster ${name}`, current.revision, ifMatch);
    try {
      return await deps.store.clusters.setCapacity(name, current.revision, capacity);
    } catch (err) {
      if (err instanceof NotFoundError) continue;
      if (!(err instanceof ConflictError)) throw err;
      const now = err.current as Cluster | undefined;
      if (ifMatch && !ifMatch.any) throw preconditionFailed(`cluster ${name}`, now?.revision ?? current.revision + 1, ifMatch);
    }
  }
  throw contention(`cluster ${name}`);
}

export const putCapacity = defineRoute({
  method: 'PUT',
  path: '/clusters/{name}/capacity',
  operationId: 'putClusterCapacity',
  summary: "Set a cluster's capacity settings",
  description:
    'The Auto Scaling group Shepherd sizes for this cluster, its range and target utilisation. The group must exist and be Shepherd\'s alone: ' +
    `no scaling policies, no ${ECS_MANAGED_TAG} tag (ECS managed scaling), tagged ${STAGE_TAG}=<stage>, not sizing another cluster; and minSize–maxSize ` +
    "must lie within the group's own MinSize–MaxSize. Registers the cluster if needed. `If-Match` (the cluster's ETag) is optional.",
  tag: TAG,
  params: ClusterParams,
  body: { schema: CapacityBody, required: true },
  ifMatch: 'optional',
  responses: { 200: { description: 'The cluster.', schema: ClusterSchema, headers: ['ETag'] } },
  problems: [409, 412, 413, 415],
  async handle({ params, body, ifMatch, deps }) {
    if (body.minSize > body.maxSize) throw invalidField('body.minSize', `must not exceed maxSize (${body.maxSize})`);
    await checkGroupIsShepherds(deps, params.name, body);
    const cluster = await setCapacity(deps, params.name, body, ifMatch);
    return json(200, clusterView(cluster), { etag: etagOf(cluster.revision) });
  },
});

export const listClusterEvents = defineRoute({
  method: 'GET',
  path: '/clusters/{name}/events',
  operationId: 'listClusterEvents',
  summary: "A cluster's history, newest first",
  description: 'What Shepherd changed in the cluster\'s capacity (`Capacity Changed`: desired capacity, instances drained, reactivated, terminated) and why.',
  tag: TAG,
  params: ClusterParams,
  query: EventsQuery,
  responses: { 200: { description: 'A page of events.', schema: HistoryEventList } },
  problems: [404],
  async handle({ params, query, deps }) {
    const page = await deps.store.history.list(`${CLUSTER_SUBJECT}${params.name}`, {
      ...(query.limit !== undefined ? { limit: query.limit } : {}),
      ...(query.nextToken !== undefined ? { nextToken: query.nextToken } : {}),
    });
    if (page.items.length === 0 && query.nextToken === undefined && !(await deps.store.clusters.get(params.name))) {
      throw new HttpProblem('notFound', `no cluster named ${params.name}`);
    }
    return json(200, pageBody(page, eventView));
  },
});
