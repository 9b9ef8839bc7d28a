/**
 * A service's tasks, and stopping one of them. A stop asked for here is not one of Shepherd's own
 * (no stop intent is recorded): like `aws ecs stop-task` on a service's task, the service replaces
 * it when ECS reports it STOPPED. ECS records who asked in the task's stop reason.
 */
import { StopTaskCommand } from '@aws-sdk/client-ecs';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { isManagedBy, serviceFromGroup } from '../../core/markers';
import { isTerminal } from '../../core/observed';
import type { StoredTask } from '../../store';
import { awsMessage, isAwsError } from '../awsErrors';
import type { ApiDeps } from '../deps';
import { json } from '../http';
import { getService, serviceNotFound } from '../mutate';
import { allPages, pageBody } from '../pages';
import { HttpProblem } from '../problem';
import { defineRoute } from '../router';
import { ListServiceTasksQuery, ServiceTaskList, ServiceTaskParams, ServiceTasksParams, StopTaskBody, StoppedTask } from '../schemas/taskActions';

/** ECS keeps at most this much of a stop reason. */
const ECS_REASON_MAX = 255;

const taskIdOf = (arn: string): string => arn.slice(arn.lastIndexOf('/') + 1);

function taskView(t: StoredTask) {
  return {
    taskArn: t.taskArn,
    taskId: taskIdOf(t.taskArn),
    cluster: t.cluster,
    ...(t.containerInstanceArn !== undefined ? { containerInstanceArn: t.containerInstanceArn } : {}),
    ...(t.availabilityZone !== undefined ? { availabilityZone: t.availabilityZone } : {}),
    taskDefinition: t.taskDefinitionArn,
    lastStatus: t.lastStatus,
    desiredStatus: t.desiredStatus,
    ...(t.healthStatus !== undefined ? { healthStatus: t.healthStatus } : {}),
    ...(t.startedAt !== undefined ? { startedAt: t.startedAt } : {}),
    ...(t.stoppedAt !== undefined ? { stoppedAt: t.stoppedAt } : {}),
    ...(t.stopCode !== undefined ? { stopCode: t.stopCode } : {}),
    ...(t.stoppedReason !== undefined ? { stoppedReason: t.stoppedReason } : {}),
  };
}

export const listServiceTasks = defineRoute({
  method: 'GET',
  path: '/services/{name}/tasks',
  operationId: 'listServiceTasks',
  summary: "A service's tasks",
  description:
    "From Shepherd's store (no ECS calls): the service's tasks as last observed, live ones and recently stopped ones (kept 24 hours by default), " +
    'with their ids for `POST /services/{name}/tasks/{taskId}/stop`.',
  tag: 'Services',
  params: ServiceTasksParams,
  query: ListServiceTasksQuery,
  responses: { 200: { description: 'A page of tasks.', schema: ServiceTaskList } },
  problems: [404],
  async handle({ params, query, deps }) {
    const page = await deps.store.tasks.listByService(params.name, {
      ...(query.limit !== undefined ? { limit: query.limit } : {}),
      ...(query.nextToken !== undefined ? { nextToken: query.nextToken } : {}),
    });
    if (page.items.length === 0 && query.nextToken === undefined && !(await deps.store.services.get(params.name))) throw serviceNotFound(params.name);
    return json(200, pageBody(page, taskView));
  },
});

interface IamIdentity {
  userArn?: string | null;
  accessKey?: string | null;
}

/** Who is asking: API Gateway's IAM authorizer context (the caller's ARN), else the access key, else an open local API. */
export function callerOf(event: APIGatewayProxyEventV2): string {
  const iam = (event.requestContext as { authorizer?: { iam?: IamIdentity } }).authorizer?.iam;
  if (iam?.userArn) return iam.userArn;
  if (iam?.accessKey) return `access key ${iam.accessKey}`;
  return `an unauthenticated caller (${event.requestContext.http.sourceIp})`;
}

export function stopReason(caller: string, reason: string | undefined): string {
  return `Stopped through Shepherd's API by ${caller}${reason ? `: ${reason}` : ''}`.slice(0, ECS_REASON_MAX);
}

/** The service's task with this id, if Shepherd's store knows it as one of this service's (its markers included). */
async function findTask(deps: ApiDeps, service: string, taskId: string): Promise<StoredTask | undefined> {
  const { items } = await allPages((req) => deps.store.tasks.listByService(service, req));
  return items.find((t) => taskIdOf(t.taskArn) === taskId && isManagedBy(deps.stage, t) && serviceFromGroup(t.group) === service);
}

export const stopServiceTask = defineRoute({
  method: 'POST',
  path: '/services/{name}/tasks/{taskId}/stop',
  operationId: 'stopServiceTask',
  summary: "Stop one of a service's tasks (it is replaced)",
  description:
    "ECS StopTask on a task of this service, with a stop reason naming the caller (API Gateway's IAM identity). Shepherd does not record it as " +
    'a stop of its own, so the service replaces the task once ECS reports it STOPPED, as ECS does when you stop a service\'s task — unless the ' +
    'service is paused, being deleted or scaled in meanwhile. 202 when asked; 200 when the task has already stopped. Only tasks Shepherd ' +
    "started for this service (its markers) can be stopped here; any other id is a 404.",
  tag: 'Service actions',
  params: ServiceTaskParams,
  body: { schema: StopTaskBody, required: false, description: 'Optional: `{ "reason": "…" }`, added to the stop reason.' },
  responses: {
    202: { description: 'ECS is stopping the task.', schema: StoppedTask },
    200: { description: 'The task had already stopped; nothing was done.', schema: StoppedTask },
  },
  problems: [404, 413, 415],
  async handle({ params, body, event, deps }) {
    const s = await getService(deps, params.name);
    const task = await findTask(deps, s.name, params.taskId);
    if (!task) throw new HttpProblem('notFound', `service ${s.name} has no task ${params.taskId} (GET /services/${s.name}/tasks lists them)`);
    const base = { service: s.name, cluster: task.cluster, taskArn: task.taskArn, taskId: params.taskId };
    if (isTerminal(task.lastStatus)) {
      return json(200, {
        ...base,
        ...(task.containerInstanceArn !== undefined ? { containerInstanceArn: task.containerInstanceArn } : {}),
        lastStatus: task.lastStatus,
        desiredStatus: task.desiredStatus,
        stoppedReason: task.stoppedReason ?? '',
      });
    }
    const reason = stopReason(callerOf(event), body?.reason);
    let out;
    try {
      out = await deps.ecs.send(new StopTaskCommand({ cluster: task.cluster, task: task.taskArn, reason }));
    } catch (err) {
      if (isAwsError(err, 'ClusterNotFoundException') || (isAwsError(err, 'InvalidParameterException') && /not (be )?found/i.test(awsMessage(err)))) {
        throw new HttpProblem('notFound', `ECS no longer has task ${params.taskId} (${awsMessage(err)}); it has stopped`);
      }
      throw err;
    }
    const stopped = out.task;
    const instance = stopped?.containerInstanceArn ?? task.containerInstanceArn;
    return json(202, {
      ...base,
      ...(instance !== undefined ? { containerInstanceArn: instance } : {}),
      lastStatus: stopped?.lastStatus ?? task.lastStatus,
      desiredStatus: stopped?.desiredStatus ?? 'STOPPED',
      stoppedReason: stopped?.stoppedReason ?? reason,
    });
  },
});
