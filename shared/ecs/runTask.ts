/**
 * Starting a service's tasks with RunTask: Shepherd's markers, the service's placement, network
 * and overrides, and an idempotency token. Partial success is normal: the placed tasks and the
 * failures come back side by side.
 */
import { ConflictException, RunTaskCommand, type ECSClient, type RunTaskCommandInput, type Task } from '@aws-sdk/client-ecs';
import { groupFor, startedByFor, TAG_DEPLOYMENT, TAG_SERVICE, TAG_STAGE } from '../core/markers';
import type { Service } from '../core/service';
import type { StartedTask } from '../store/intents';

export type { StartedTask } from '../store/intents';

export interface StartOutcome {
  started: StartedTask[];
  /** Reasons ECS could not place the rest (RESOURCE:CPU, RESOURCE:MEMORY, …, or an error text). */
  failures: Array<{ arn?: string; reason: string; detail?: string }>;
  /** The token had already started these tasks (a retry): nothing new was started. */
  alreadyStarted: boolean;
}

/** What every task Shepherd starts for a service carries: its markers, tags, network and overrides. */
export function serviceTaskCommon(service: Service, stage: string) {
  const primary = service.deployments.find((d) => d.status === 'PRIMARY');
  const tags = [
    ...Object.entries(service.tags).map(([key, value]) => ({ key, value })),
    { key: TAG_SERVICE, value: service.name },
    { key: TAG_STAGE, value: stage },
    ...(primary ? [{ key: TAG_DEPLOYMENT, value: primary.id }] : []),
  ].slice(0, 50);
  return {
    cluster: service.cluster,
    taskDefinition: service.taskDefinition,
    startedBy: startedByFor(stage),
    group: groupFor(service.name),
    ...(service.networkConfiguration?.awsvpcConfiguration ? { networkConfiguration: service.networkConfiguration } : {}),
    ...(service.overrides ? { overrides: service.overrides } : {}),
    tags,
    enableECSManagedTags: true,
  };
}

export function runTaskInput(service: Service, opts: { count: number; clientToken: string; stage: string }): RunTaskCommandInput {
  return {
    ...serviceTaskCommon(service, opts.stage),
    count: opts.count,
    clientToken: opts.clientToken,
    ...(service.capacityProviderStrategy?.length
      ? { capacityProviderStrategy: service.capacityProviderStrategy }
      : service.launchType
        ? { launchType: service.launchType }
        : {}),
    ...(service.placementStrategy.length ? { placementStrategy: service.placementStrategy } : {}),
    ...(service.placementConstraints.length ? { placementConstraints: service.placementConstraints } : {}),
  } as RunTaskCommandInput;
}

export function toStarted(t: Task): StartedTask {
  return {
    taskArn: t.taskArn ?? '',
    taskDefinitionArn: t.taskDefinitionArn ?? '',
    ...(t.containerInstanceArn ? { containerInstanceArn: t.containerInstanceArn } : {}),
    lastStatus: t.lastStatus ?? 'PROVISIONING',
    ...(t.availabilityZone ? { availabilityZone: t.availabilityZone } : {}),
  };
}

/**
 * `deadlineMs`: give up (SDK retries included) after this long — an announced start must not reach
 * ECS after its announcement's fence (shared/store/pendingStarts.ts).
 */
export async function runServiceTasks(ecs: ECSClient, service: Service, opts: { count: number; clientToken: string; stage: string; deadlineMs?: number }): Promise<StartOutcome> {
  try {
    const out = await ecs.send(new RunTaskCommand(runTaskInput(service, opts)), withDeadline(opts.deadlineMs));
    return {
      started: (out.tasks ?? []).map(toStarted).filter((t) => t.taskArn),
      failures: (out.failures ?? []).map((f) => ({ ...(f.arn ? { arn: f.arn } : {}), reason: f.reason ?? 'UNKNOWN', ...(f.detail ? { detail: f.detail } : {}) })),
      alreadyStarted: false,
    };
  } catch (err) {
    // The token was used before with other parameters (e.g. the service's task definition changed
    // between a crashed attempt and its retry): those tasks exist; never start more for this token.
    if (err instanceof ConflictException) {
      const ids = err.resourceIds ?? [];
      return {
        started: ids.map((taskArn) => ({ taskArn, taskDefinitionArn: '', lastStatus: 'PROVISIONING' })),
        failures: [],
        alreadyStarted: true,
      };
    }
    const name = (err as { name?: string }).name ?? '';
    // ECS answers an empty (or all-draining) cluster with an exception, not a failures list.
    if (name === 'InvalidParameterException' && /No Container Instances were found/i.test(String((err as Error).message))) {
      return { started: [], failures: [{ reason: 'NO_CONTAINER_INSTANCES', detail: (err as Error).message }], alreadyStarted: false };
    }
    throw err;
  }
}

/** Send options that abort the call, retries included, after `ms` (none without). */
export function withDeadline(ms: number | undefined): { abortSignal?: AbortSignal } {
  return ms === undefined ? {} : { abortSignal: AbortSignal.timeout(Math.max(1, ms)) };
}

/**
 * ECS refused a RunTask / StartTask outright — validation, permissions, a missing cluster — so it
 * started nothing. Throttling, server errors, timeouts and aborts are not: the call may have landed.
 */
export function startedNothing(err: unknown): boolean {
  const name = (err as { name?: string } | undefined)?.name ?? '';
  return REFUSALS.has(name);
}

const REFUSALS = new Set([
  'ClientException',
  'InvalidParameterException',
  'AccessDeniedException',
  'ClusterNotFoundException',
  'PlatformUnknownException',
  'PlatformTaskDefinitionIncompatibilityException',
  'UnsupportedFeatureException',
  'BlockedException',
]);

/** RunTask failures that mean "no room": the capacity logic's unplaced demand. */
export function isCapacityFailure(reason: string): boolean {
  return reason.startsWith('RESOURCE:') || reason === 'NO_CONTAINER_INSTANCES';
}
