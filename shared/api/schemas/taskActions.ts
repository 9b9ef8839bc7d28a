/** A service's tasks: GET /services/{name}/tasks and POST /services/{name}/tasks/{taskId}/stop. */
import { z } from 'zod';
import { listOf, PageQuery, ServiceName } from './common';

/** ECS task ids: 32 hex digits, or a UUID for tasks of older clusters. */
const TASK_ID = /^(?:[0-9a-f]{32}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/;
export const TaskId = z
  .string()
  .regex(TASK_ID, { error: "a task id: the last part of the task's ARN (32 hex digits, or a UUID)" })
  .meta({ description: "The task's id: the last part of its ARN (`…:task/<cluster>/<id>`).", example: '0f3c2a9e5b7d4c18a6e1f2b3c4d5e6f7' });

export const ServiceTasksParams = z.strictObject({ name: ServiceName });
export const ServiceTaskParams = z.strictObject({ name: ServiceName, taskId: TaskId });
export const ListServiceTasksQuery = PageQuery;

/** At most this long, so that "Stopped through Shepherd's API by <caller>: " still fits ECS's 255 characters. */
export const MAX_STOP_REASON = 100;

export const StopTaskBody = z
  .strictObject({
    reason: z
      .string()
      .min(1)
      .max(MAX_STOP_REASON, { error: `at most ${MAX_STOP_REASON} characters` })
      .optional()
      .meta({ description: "Why, in a few words: added to the stop reason ECS records, after the caller's identity.", example: 'stuck on a bad connection' }),
  })
  .meta({ id: 'StopTask' });

export const ServiceTask = z
  .object({
    taskArn: z.string(),
    taskId: z.string(),
    cluster: z.string(),
    containerInstanceArn: z.string().optional(),
    availabilityZone: z.string().optional(),
    taskDefinition: z.string(),
    lastStatus: z.string(),
    desiredStatus: z.string(),
    healthStatus: z.string().optional(),
    startedAt: z.string().optional(),
    stoppedAt: z.string().optional(),
    stopCode: z.string().optional(),
    stoppedReason: z.string().optional(),
  })
  .meta({ id: 'ServiceTask' });

export const ServiceTaskList = listOf(ServiceTask, 'ServiceTaskList');

export const StoppedTask = z
  .object({
    service: z.string(),
    cluster: z.string(),
    taskArn: z.string(),
    taskId: z.string(),
    containerInstanceArn: z.string().optional(),
    lastStatus: z.string().meta({ description: 'As ECS answered StopTask (the task stops shortly after).' }),
    desiredStatus: z.string(),
    stoppedReason: z.string().meta({ description: 'The reason ECS records, naming the caller.' }),
  })
  .meta({ id: 'StoppedTask' });
