import type { HistoryEvent } from '../core/history';
import { startedByFor } from '../core/markers';
import { taskStateChangeEvent, toObservedTask } from '../events/ecs';
import type { Runtime } from '../runtime';
import { parseEvent, recordIfNewer, type Outcome } from './outcome';

export async function recordTaskEvent(event: unknown, rt: Runtime): Promise<Outcome> {
  const parsed = parseEvent(taskStateChangeEvent, event, 'ECS Task State Change');
  if (!parsed.ok) return parsed.outcome;
  const task = toObservedTask(parsed.data);
  if (!task || task.startedBy !== startedByFor(rt.config.stage)) {
    return { outcome: 'ignored', reason: 'not a task of this Shepherd stack' };
  }
  const history: HistoryEvent[] = [];
  if (task.lastStatus === 'STOPPED') {
    const exits = task.containers.filter((c) => c.exitCode !== undefined).map((c) => `${c.name}=${c.exitCode}`);
    history.push({
      id: `${task.taskArn}:stopped`,
      type: 'Task Stopped',
      subject: task.service,
      time: task.stoppedAt ?? parsed.data.time,
      message: `task ${task.taskArn.split('/').pop()} stopped: ${task.stopCode ?? 'unknown'}${task.stoppedReason ? ` (${task.stoppedReason})` : ''}${exits.length ? `; exit codes ${exits.join(', ')}` : ''}`,
      detail: {
        taskArn: task.taskArn,
        cluster: task.cluster,
        taskDefinitionArn: task.taskDefinitionArn,
        containerInstanceArn: task.containerInstanceArn,
        stopCode: task.stopCode,
        stoppedReason: task.stoppedReason,
        containers: task.containers,
      },
    });
  }
  // One write: the observation and its history entry land together or not at all.
  return recordIfNewer(task.taskArn, () => rt.store.tasks.recordObserved(task, history));
}
