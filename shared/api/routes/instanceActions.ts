/**
 * Actions on a cluster's container instances: drain and activate (ECS UpdateContainerInstancesState)
 * and terminate (Auto Scaling TerminateInstanceInAutoScalingGroup, the group launching a
 * replacement). An instance is named by its EC2 instance id or its container instance id and
 * found among the instances Shepherd observed in the cluster. Shepherd reacts to the events these
 * cause (tasks moved off a draining host, replaced when their host goes) as to anyone else's.
 */
import {
  DescribeAutoScalingInstancesCommand,
  TerminateInstanceInAutoScalingGroupCommand,
  type AutoScalingClient,
  type AutoScalingInstanceDetails,
} from '@aws-sdk/client-auto-scaling';
import { UpdateContainerInstancesStateCommand } from '@aws-sdk/client-ecs';
import type { ObservedInstance } from '../../core/observed';
import { awsMessage, isAwsError } from '../awsErrors';
import type { ApiDeps } from '../deps';
import { json } from '../http';
import { allPages } from '../pages';
import { HttpProblem } from '../problem';
import { defineRoute } from '../router';
import { ContainerInstanceState, InstanceParams, TerminatedInstance } from '../schemas/instanceActions';
import { EmptyBody } from '../schemas/services';

const TAG = 'Clusters';
const BODY = { schema: EmptyBody, required: false, description: 'No fields: an empty body or `{}`.' };

const idOfArn = (arn: string): string => arn.slice(arn.lastIndexOf('/') + 1);

/** The instance of this cluster named `id` (EC2 or container instance id), as Shepherd last observed it; a live one first. */
async function findInstance(deps: ApiDeps, cluster: string, id: string): Promise<ObservedInstance | undefined> {
  const { items } = await allPages((req) => deps.store.instances.listByCluster(cluster, req));
  const matches = items.filter((i) => i.ec2InstanceId === id || idOfArn(i.containerInstanceArn) === id);
  return matches.find((i) => i.status !== 'INACTIVE') ?? matches[0];
}

const noInstance = (cluster: string, id: string) =>
  new HttpProblem('notFound', `cluster ${cluster} has no container instance ${id} that Shepherd has observed (GET /clusters/${cluster} lists them)`);

const setStatusRoute = (status: 'DRAINING' | 'ACTIVE') =>
  defineRoute({
    method: 'POST',
    path: `/clusters/{name}/instances/{id}/${status === 'DRAINING' ? 'drain' : 'activate'}`,
    operationId: status === 'DRAINING' ? 'drainInstance' : 'activateInstance',
    summary: status === 'DRAINING' ? 'Drain a container instance' : 'Activate a drained container instance',
    description:
      (status === 'DRAINING'
        ? 'ECS UpdateContainerInstancesState to DRAINING: no new task is placed on it, and Shepherd moves its services\' tasks elsewhere ' +
          'within each service\'s minimumHealthyPercent and maximumPercent (202). '
        : 'ECS UpdateContainerInstancesState to ACTIVE: tasks may be placed on it again (200). ') +
      'The instance is named by its EC2 instance id or its container instance id. An instance that is neither ACTIVE nor DRAINING is a 409.',
    tag: TAG,
    params: InstanceParams,
    body: BODY,
    responses:
      status === 'DRAINING'
        ? { 202: { description: 'Draining; the instance as ECS answered.', schema: ContainerInstanceState } }
        : { 200: { description: 'Active; the instance as ECS answered.', schema: ContainerInstanceState } },
    problems: [404, 409, 413, 415],
    async handle({ params, deps }) {
      const inst = await findInstance(deps, params.name, params.id);
      if (!inst) throw noInstance(params.name, params.id);
      let out;
      try {
        out = await deps.ecs.send(new UpdateContainerInstancesStateCommand({ cluster: params.name, containerInstances: [inst.containerInstanceArn], status }));
      } catch (err) {
        if (isAwsError(err, 'ClusterNotFoundException')) throw new HttpProblem('notFound', `ECS has no cluster ${params.name}`);
        throw err;
      }
      const failure = out.failures?.[0];
      if (failure) {
        if (failure.reason === 'MISSING') throw new HttpProblem('notFound', `ECS no longer has container instance ${params.id} in cluster ${params.name}`);
        throw new HttpProblem('conflict', `container instance ${params.id} is ${failure.reason ?? 'in another state'}: ${failure.detail ?? 'ECS refused the change'}`);
      }
      const ci = out.containerInstances?.[0];
      if (!ci?.containerInstanceArn) throw new HttpProblem('notFound', `ECS answered nothing for container instance ${params.id}`);
      return json(status === 'DRAINING' ? 202 : 200, {
        cluster: params.name,
        containerInstanceArn: ci.containerInstanceArn,
        ...(ci.ec2InstanceId ? { ec2InstanceId: ci.ec2InstanceId } : {}),
        status: ci.status ?? status,
        agentConnected: ci.agentConnected ?? false,
        runningTasksCount: ci.runningTasksCount ?? 0,
        pendingTasksCount: ci.pendingTasksCount ?? 0,
      });
    },
  });

export const drainInstance = setStatusRoute('DRAINING');
export const activateInstance = setStatusRoute('ACTIVE');

async function groupMembership(client: AutoScalingClient, ec2InstanceId: string): Promise<AutoScalingInstanceDetails | undefined> {
  const out = await client.send(new DescribeAutoScalingInstancesCommand({ InstanceIds: [ec2InstanceId] }));
  return out.AutoScalingInstances?.find((i) => i.InstanceId === ec2InstanceId);
}

export const terminateInstance = defineRoute({
  method: 'POST',
  path: '/clusters/{name}/instances/{id}/terminate',
  operationId: 'terminateInstance',
  summary: "Terminate an instance of the cluster's Auto Scaling group (it is replaced)",
  description:
    'Only for a cluster with capacity settings, and only for an instance of the Auto Scaling group they name (409 otherwise): ' +
    'TerminateInstanceInAutoScalingGroup with ShouldDecrementDesiredCapacity=false, so the group launches a replacement. ' +
    "The instance's tasks stop with it and Shepherd replaces them on the other instances. Named by its EC2 instance id or its " +
    'container instance id. 202 with the Auto Scaling activity; 200 when the instance is already terminating.',
  tag: TAG,
  params: InstanceParams,
  body: BODY,
  responses: {
    202: { description: 'Terminating; the Auto Scaling activity.', schema: TerminatedInstance },
    200: { description: 'Already terminating; nothing was done.', schema: TerminatedInstance },
  },
  problems: [404, 409, 413, 415],
  async handle({ params, deps }) {
    const cluster = await deps.store.clusters.get(params.name);
    if (!cluster) throw new HttpProblem('notFound', `no cluster named ${params.name} (clusters are registered by creating a service in them)`);
    const group = cluster.capacity?.autoScalingGroupName;
    if (!group) {
      throw new HttpProblem(
        'conflict',
        `cluster ${params.name} has no capacity settings: Shepherd sizes no Auto Scaling group for it, so it terminates none of its instances ` +
          `(PUT /clusters/${params.name}/capacity names the group)`,
      );
    }
    const inst = await findInstance(deps, params.name, params.id);
    const ec2InstanceId = inst?.ec2InstanceId ?? (params.id.startsWith('i-') ? params.id : undefined);
    if (!ec2InstanceId) throw noInstance(params.name, params.id);
    const member = await groupMembership(deps.autoScaling, ec2InstanceId);
    if (member?.AutoScalingGroupName !== group) {
      throw new HttpProblem(
        'conflict',
        `${ec2InstanceId} is ${member?.AutoScalingGroupName ? `in the Auto Scaling group ${member.AutoScalingGroupName}` : 'in no Auto Scaling group'}, ` +
          `not in ${group}, the group of cluster ${params.name}`,
      );
    }
    const base = {
      cluster: params.name,
      ec2InstanceId,
      ...(inst ? { containerInstanceArn: inst.containerInstanceArn } : {}),
      autoScalingGroupName: group,
    };
    const state = member.LifecycleState ?? '';
    if (state.startsWith('Terminat')) return json(200, { ...base, lifecycleState: state });
    let out;
    try {
      out = await deps.autoScaling.send(new TerminateInstanceInAutoScalingGroupCommand({ InstanceId: ec2InstanceId, ShouldDecrementDesiredCapacity: false }));
    } catch (err) {
      if (isAwsError(err, 'ValidationError')) throw new HttpProblem('conflict', `Auto Scaling refused: ${awsMessage(err)}`);
      throw err;
    }
    const a = out.Activity;
    return json(202, {
      ...base,
      lifecycleState: state,
      ...(a?.ActivityId ? { activity: { activityId: a.ActivityId, statusCode: a.StatusCode ?? 'InProgress', ...(a.Description ? { description: a.Description } : {}) } } : {}),
    });
  },
});
