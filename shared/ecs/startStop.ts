/** StartTask (daemon placement on named instances) and StopTask, with Shepherd's markers. */
import { StartTaskCommand, StopTaskCommand, type ECSClient, type StartTaskCommandInput } from '@aws-sdk/client-ecs';
import type { Service } from '../core/service';
import { serviceTaskCommon, toStarted, withDeadline, type StartOutcome } from './runTask';

export async function startOnInstances(ecs: ECSClient, service: Service, containerInstanceArns: string[], stage: string, deadlineMs?: number): Promise<StartOutcome> {
  const out = await ecs.send(new StartTaskCommand({ ...serviceTaskCommon(service, stage), containerInstances: containerInstanceArns } as StartTaskCommandInput), withDeadline(deadlineMs));
  return {
    started: (out.tasks ?? []).map(toStarted).filter((t) => t.taskArn),
    failures: (out.failures ?? []).map((f) => ({ ...(f.arn ? { arn: f.arn } : {}), reason: f.reason ?? 'UNKNOWN', ...(f.detail ? { detail: f.detail } : {}) })),
    alreadyStarted: false,
  };
}

/** Stops a task; one that is already gone is not an error (the stop has happened). */
export async function stopTask(ecs: ECSClient, cluster: string, taskArn: string, reason: string): Promise<void> {
  try {
    await ecs.send(new StopTaskCommand({ cluster, task: taskArn, reason: reason.slice(0, 255) }));
  } catch (err) {
    const name = (err as { name?: string }).name;
    if (name === 'InvalidParameterException' && /not found|does not exist/i.test(String((err as Error).message))) return;
    if (name === 'ResourceNotFoundException') return;
    throw err;
  }
}
