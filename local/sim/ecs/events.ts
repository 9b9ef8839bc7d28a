/**
 * ECS's EventBridge events. Every change of a task or container instance bumps the resource's
 * `version` and emits one event whose `detail.version` is that version.
 */
import { uuid } from '../random';
import type { EventSink, SimContext } from '../types';
import { instanceView } from './instanceView';
import type { ContainerInstanceRecord, TaskRecord } from './state';
import { taskView } from './taskView';
import { eventTime } from './time';

export const TASK_STATE_CHANGE = 'ECS Task State Change';
export const INSTANCE_STATE_CHANGE = 'ECS Container Instance State Change';

/** EventBridge's `time`: ISO 8601 to the second. */
const envelopeTime = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

export class EcsEvents {
  constructor(
    private readonly ctx: SimContext,
    private readonly sink: EventSink,
  ) {}

  /** Records a change of the task (version + 1) and emits its event. */
  taskChanged(task: TaskRecord): void {
    task.version++;
    task.updatedAt = this.ctx.clock.now();
    const detail = { ...taskView(task, eventTime), updatedAt: eventTime(task.updatedAt) };
    this.emit(TASK_STATE_CHANGE, task.arn, detail);
  }

  /** Records a change of the container instance (version + 1) and emits its event. */
  instanceChanged(ci: ContainerInstanceRecord): void {
    ci.version++;
    ci.updatedAt = this.ctx.clock.now();
    const detail = {
      ...instanceView(ci, eventTime, { api: false }),
      clusterArn: ci.clusterArn,
      updatedAt: eventTime(ci.updatedAt),
    };
    this.emit(INSTANCE_STATE_CHANGE, ci.arn, detail);
  }

  private emit(detailType: string, resource: string, detail: Record<string, unknown>): void {
    this.sink.emit({
      version: '0',
      id: uuid(this.ctx.random),
      'detail-type': detailType,
      source: 'aws.ecs',
      account: this.ctx.accountId,
      time: envelopeTime(this.ctx.clock.now()),
      region: this.ctx.region,
      resources: [resource],
      detail,
    });
  }
}
