/** The ECS calls the API makes, with ECS's "bad input" answers turned into 400 problems. */
import {
  DescribeTaskDefinitionCommand,
  ListTaskDefinitionsCommand,
  RegisterTaskDefinitionCommand,
  StopTaskCommand,
  type ECSClient,
  type RegisterTaskDefinitionCommandInput,
} from '@aws-sdk/client-ecs';
import { awsMessage, isAwsError } from './awsErrors';
import { invalidField } from './problem';

export interface ResolvedTaskDefinition {
  arn: string;
  family: string;
  revision: number;
  networkMode: string;
  containers: Array<{ name: string; containerPorts: number[] }>;
  /** Some container defines a health check: the planner then waits for HEALTHY. */
  healthChecked: boolean;
}

/** `family:revision` of a task definition ARN or reference; undefined for a bare family. */
export function familyRevision(ref: string): { family: string; revision?: number } {
  const tail = ref.includes(':task-definition/') ? ref.slice(ref.indexOf(':task-definition/') + ':task-definition/'.length) : ref;
  const i = tail.lastIndexOf(':');
  if (i < 0) return { family: tail };
  const revision = Number(tail.slice(i + 1));
  return Number.isInteger(revision) ? { family: tail.slice(0, i), revision } : { family: tail };
}

/** Whether two references name the same task definition revision (ARN or `family:revision`). */
export function sameTaskDefinition(a: string, b: string): boolean {
  if (a === b) return true;
  const x = familyRevision(a);
  const y = familyRevision(b);
  return x.revision !== undefined && x.family === y.family && x.revision === y.revision;
}

/**
 * Resolves a task definition reference to the ACTIVE revision ECS has (DescribeTaskDefinition);
 * an unknown or deregistered one is a 400 naming `field`.
 */
export async function resolveTaskDefinition(ecs: ECSClient, ref: string, field: string): Promise<ResolvedTaskDefinition> {
  let out;
  try {
    out = await ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: ref }));
  } catch (err) {
    if (isAwsError(err, 'ClientException', 'InvalidParameterException')) {
      throw invalidField(field, `ECS has no task definition ${ref} (${awsMessage(err)}); register it with POST /task-definitions`);
    }
    throw err;
  }
  const td = out.taskDefinition;
  if (!td?.taskDefinitionArn || !td.family || td.revision === undefined) throw invalidField(field, `ECS has no task definition ${ref}`);
  if (td.status !== undefined && td.status !== 'ACTIVE') {
    throw invalidField(field, `${td.taskDefinitionArn} is ${td.status}; use an ACTIVE revision`);
  }
  return {
    arn: td.taskDefinitionArn,
    family: td.family,
    revision: td.revision,
    networkMode: td.networkMode ?? 'bridge',
    containers: (td.containerDefinitions ?? []).map((c) => ({
      name: c.name ?? '',
      containerPorts: (c.portMappings ?? []).map((p) => p.containerPort ?? 0),
    })),
    healthChecked: (td.containerDefinitions ?? []).some((c) => (c.healthCheck?.command?.length ?? 0) > 0),
  };
}

export async function registerTaskDefinition(ecs: ECSClient, input: RegisterTaskDefinitionCommandInput) {
  try {
    const out = await ecs.send(new RegisterTaskDefinitionCommand(input));
    const td = out.taskDefinition;
    return {
      taskDefinitionArn: td?.taskDefinitionArn ?? '',
      family: td?.family ?? input.family ?? '',
      revision: td?.revision ?? 0,
      status: td?.status ?? 'ACTIVE',
    };
  } catch (err) {
    if (isAwsError(err, 'ClientException', 'InvalidParameterException')) throw invalidField('body', `ECS refused the task definition: ${awsMessage(err)}`);
    throw err;
  }
}

export async function listRevisions(
  ecs: ECSClient,
  q: { family: string; status: 'ACTIVE' | 'INACTIVE'; sort: 'ASC' | 'DESC'; limit: number; nextToken?: string },
) {
  try {
    const out = await ecs.send(
      new ListTaskDefinitionsCommand({
        familyPrefix: q.family,
        status: q.status,
        sort: q.sort,
        maxResults: q.limit,
        ...(q.nextToken ? { nextToken: q.nextToken } : {}),
      }),
    );
    const items = (out.taskDefinitionArns ?? [])
      .map((arn) => ({ taskDefinitionArn: arn, ...familyRevision(arn) }))
      // ECS's familyPrefix names one family exactly; keep only it, whatever ECS answers.
      .filter((t): t is { taskDefinitionArn: string; family: string; revision: number } => t.family === q.family && t.revision !== undefined);
    return { items, ...(out.nextToken ? { nextToken: out.nextToken } : {}) };
  } catch (err) {
    if (isAwsError(err, 'ClientException', 'InvalidParameterException')) {
      throw invalidField(q.nextToken ? 'query.nextToken' : 'query', `ECS refused the listing: ${awsMessage(err)}`);
    }
    throw err;
  }
}

export const DELETE_STOP_REASON = 'Shepherd: service deleted';

/** Stops a task; false when ECS no longer has it (already gone is as good as stopped). */
export async function stopTask(ecs: ECSClient, cluster: string, taskArn: string, reason: string): Promise<boolean> {
  try {
    await ecs.send(new StopTaskCommand({ cluster, task: taskArn, reason }));
    return true;
  } catch (err) {
    if (isAwsError(err, 'ClusterNotFoundException')) return false;
    if (isAwsError(err, 'InvalidParameterException') && /not (be )?found/i.test(awsMessage(err))) return false;
    throw err;
  }
}
