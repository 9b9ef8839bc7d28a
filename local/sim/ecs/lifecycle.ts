/**
 * The life of a task on its instance, driven by the simulator's clock:
 *
 *   PROVISIONING → PENDING (image pull) → RUNNING → STOPPING → STOPPED → (gone after the retention)
 *
 * with the failure model's fate on the way (fails to start from PENDING, an essential container exits,
 * health checks turn UNHEALTHY). Every change bumps the task's version and emits its event; reaching
 * STOPPED releases the task's resources and emits the instance's event.
 *
 * Steps the agent performs (every transition but a host's loss) wait while the instance's agent is
 * disconnected and run, in order, when it reconnects, as the real agent reports them late.
 */
import type { Clock } from '../clock';
import { hexId, type Random } from '../random';
import type { EcsEvents } from './events';
import { ESSENTIAL_EXITED } from './failureModels';
import type { LifecycleDelays } from './options';
import type { ContainerInstanceRecord, ContainerRecord, EcsState, HealthStatus, TaskRecord } from './state';

export class Lifecycle {
  constructor(
    private readonly clock: Clock,
    private readonly random: Random,
    private readonly delays: LifecycleDelays,
    private readonly events: EcsEvents,
    private readonly state: EcsState,
  ) {}

  /** Starts a freshly placed task (already PROVISIONING, its event emitted) on its way. */
  begin(task: TaskRecord): void {
    this.schedule(task, this.delays.provisioningMs, () => this.toPending(task));
  }

  /** StopTask (or any other stop by request): desired STOPPED now, the agent stops it when it can. */
  requestStop(task: TaskRecord, stopCode: string, reason: string): void {
    if (task.desiredStatus === 'STOPPED') return;
    this.cancel(task);
    task.desiredStatus = 'STOPPED';
    task.stopCode = stopCode;
    task.stoppedReason = reason;
    // As ECS does: first an event with desiredStatus STOPPED while lastStatus is still what it was.
    this.events.taskChanged(task);
    if (task.instance.agentConnected) {
      this.schedule(task, 0, () => this.beginStopping(task));
    } else {
      task.deferred = [() => this.beginStopping(task)];
    }
  }

  /** The EC2 instance is gone: the task is STOPPED at once, whatever the agent. */
  hostGone(task: TaskRecord, reason: string): void {
    if (task.lastStatus === 'STOPPED') return;
    this.cancel(task);
    const now = this.clock.now();
    task.desiredStatus = 'STOPPED';
    task.stopCode = 'TerminationNotice';
    task.stoppedReason = reason;
    for (const c of task.containers) c.lastStatus = 'STOPPED';
    task.stoppingAt ??= now;
    this.markStopped(task, false);
  }

  /** Runs the steps that waited for the instance's agent. */
  agentReconnected(ci: ContainerInstanceRecord): void {
    for (const task of [...ci.liveTasks]) {
      const steps = task.deferred ?? [];
      task.deferred = undefined;
      for (const step of steps) step();
    }
  }

  private toPending(task: TaskRecord): void {
    if (task.lastStatus !== 'PROVISIONING' || task.desiredStatus !== 'RUNNING') return;
    const now = this.clock.now();
    task.lastStatus = 'PENDING';
    task.connectivity = 'CONNECTED';
    task.connectivityAt = now;
    task.pullStartedAt = now;
    for (const a of task.attachments) a.status = 'ATTACHED';
    this.events.taskChanged(task);
    if (task.fate.kind === 'failToStart') {
      this.schedule(task, this.delays.pullMs, () => this.failToStart(task));
      return;
    }
    this.schedule(task, this.delays.pullMs, () => {
      task.pullStoppedAt = this.clock.now();
      this.schedule(task, this.delays.startMs, () => this.toRunning(task));
    });
  }

  private toRunning(task: TaskRecord): void {
    if (task.lastStatus !== 'PENDING' || task.desiredStatus !== 'RUNNING') return;
    task.lastStatus = 'RUNNING';
    task.startedAt = this.clock.now();
    for (const c of task.containers) {
      c.lastStatus = 'RUNNING';
      c.started = true;
      c.runtimeId = hexId(this.random, 64);
      c.imageDigest = `sha256:${hexId(this.random, 64)}`;
    }
    task.healthStatus = taskHealth(task.containers);
    this.events.taskChanged(task);
    const fate = task.fate;
    if (task.containers.some((c) => c.hasHealthCheck)) {
      const unhealthy = fate.kind === 'unhealthy';
      const after = unhealthy ? (fate.afterMs ?? this.delays.healthyAfterMs) : this.delays.healthyAfterMs;
      this.schedule(task, after, () => this.setHealth(task, unhealthy ? 'UNHEALTHY' : 'HEALTHY'));
    }
    if (fate.kind === 'exit') this.schedule(task, fate.afterMs, () => this.containerExited(task));
  }

  private setHealth(task: TaskRecord, health: HealthStatus): void {
    if (task.lastStatus !== 'RUNNING' || task.desiredStatus !== 'RUNNING') return;
    for (const c of task.containers) if (c.hasHealthCheck) c.healthStatus = health;
    task.healthStatus = taskHealth(task.containers);
    this.events.taskChanged(task);
  }

  private containerExited(task: TaskRecord): void {
    const fate = task.fate;
    if (fate.kind !== 'exit' || task.lastStatus !== 'RUNNING' || task.desiredStatus !== 'RUNNING') return;
    const container =
      task.containers.find((c) => c.name === fate.container) ?? task.containers.find((c) => c.essential);
    if (!container) return;
    container.lastStatus = 'STOPPED';
    container.exitCode = fate.exitCode;
    if (fate.containerReason) container.reason = fate.containerReason;
    task.desiredStatus = 'STOPPED';
    task.stopCode = 'EssentialContainerExited';
    task.stoppedReason = ESSENTIAL_EXITED;
    this.events.taskChanged(task);
    this.schedule(task, 0, () => this.beginStopping(task));
  }

  private beginStopping(task: TaskRecord): void {
    if (task.lastStatus === 'STOPPED') return;
    task.lastStatus = 'STOPPING';
    task.stoppingAt = this.clock.now();
    this.events.taskChanged(task);
    this.schedule(task, this.delays.stoppingMs, () => this.finishStopping(task));
  }

  private finishStopping(task: TaskRecord): void {
    if (task.lastStatus !== 'STOPPING') return;
    for (const c of task.containers) {
      if (c.lastStatus === 'STOPPED') continue;
      c.lastStatus = 'STOPPED';
      // Stopped gracefully (SIGTERM honoured) when it was running; never started otherwise.
      if (c.started) c.exitCode ??= 0;
    }
    this.markStopped(task, true);
  }

  private failToStart(task: TaskRecord): void {
    const fate = task.fate;
    if (fate.kind !== 'failToStart' || task.lastStatus !== 'PENDING' || task.desiredStatus !== 'RUNNING') return;
    task.desiredStatus = 'STOPPED';
    task.stopCode = 'TaskFailedToStart';
    task.stoppedReason = fate.stoppedReason;
    for (const c of task.containers) {
      c.lastStatus = 'STOPPED';
      c.reason = fate.containerReason;
    }
    task.stoppingAt = this.clock.now();
    this.markStopped(task, true);
  }

  /** STOPPED: resources go back to the instance; the task stays describable for the retention period. */
  private markStopped(task: TaskRecord, instanceEvent: boolean): void {
    const now = this.clock.now();
    task.lastStatus = 'STOPPED';
    task.executionStoppedAt = now;
    task.stoppedAt = now;
    for (const a of task.attachments) a.status = 'DELETED';
    task.instance.liveTasks.delete(task);
    this.events.taskChanged(task);
    if (instanceEvent && task.instance.status !== 'INACTIVE') this.events.instanceChanged(task.instance);
    this.clock.setTimer(this.delays.stoppedRetentionMs, () => this.state.tasks.delete(task.arn));
  }

  /** Runs fn after ms, once the instance's agent is connected. */
  private schedule(task: TaskRecord, ms: number, fn: () => void): void {
    const id = this.clock.setTimer(ms, () => {
      task.timers = task.timers.filter((t) => t !== id);
      if (task.instance.agentConnected) fn();
      else task.deferred = [...(task.deferred ?? []), fn];
    });
    task.timers.push(id);
  }

  private cancel(task: TaskRecord): void {
    for (const id of task.timers) this.clock.clearTimer(id);
    task.timers = [];
    task.deferred = undefined;
  }
}

/**
 * A task's health from its essential containers (ECS's rule): HEALTHY when all are HEALTHY,
 * UNHEALTHY when any is, UNKNOWN otherwise.
 */
export function taskHealth(containers: ContainerRecord[]): HealthStatus {
  const essential = containers.filter((c) => c.essential);
  if (essential.some((c) => c.healthStatus === 'UNHEALTHY')) return 'UNHEALTHY';
  if (essential.every((c) => c.healthStatus === 'HEALTHY')) return 'HEALTHY';
  return 'UNKNOWN';
}
