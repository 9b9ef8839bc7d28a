/**
 * How the simulated containers of a task behave once started. A model is set per task definition
 * family or ARN (or as the default) and turned into a concrete fate when a task is created, drawing
 * any randomness from the simulator's seeded PRNG so runs repeat.
 */
import type { Random } from '../random';

export type FailureModel =
  /** Runs until stopped; containers with a health check turn HEALTHY. */
  | { kind: 'healthy' }
  /** An essential container exits with `exitCode` `afterMs` after the task reached RUNNING. */
  | { kind: 'exit'; exitCode: number; afterMs: number; container?: string }
  /** The image cannot be pulled: the task goes PENDING → STOPPED (TaskFailedToStart), never RUNNING. */
  | { kind: 'failToStart'; reason?: string }
  /** An essential container is killed for exceeding its memory limit (exit 137) `afterMs` after RUNNING. */
  | { kind: 'oom'; afterMs: number; container?: string }
  /** With probability `probability`, an essential container exits (code `exitCode`, default 1) at a uniform random time in [minMs, maxMs] after RUNNING. */
  | { kind: 'crash'; probability: number; minMs?: number; maxMs?: number; exitCode?: number }
  /** Containers with a health check turn UNHEALTHY `afterMs` after RUNNING (and the task with them); the task keeps running. */
  | { kind: 'unhealthy'; afterMs?: number };

/** What will happen to one task, fixed when it is created. */
export type TaskFate =
  | { kind: 'healthy' }
  | { kind: 'unhealthy'; afterMs?: number }
  | { kind: 'failToStart'; stoppedReason: string; containerReason: string }
  | { kind: 'exit'; afterMs: number; exitCode: number; container?: string; containerReason?: string };

export const PULL_FAILURE_REASON =
  'CannotPullContainerError: pull image manifest has been retried 5 time(s): failed to resolve ref';
export const OOM_REASON = 'OutOfMemoryError: Container killed due to memory usage';
export const ESSENTIAL_EXITED = 'Essential container in task exited';

const DEFAULT_CRASH_MIN_MS = 10_000;
const DEFAULT_CRASH_MAX_MS = 600_000;

export function decideFate(model: FailureModel, random: Random): TaskFate {
  switch (model.kind) {
    case 'healthy':
      return { kind: 'healthy' };
    case 'unhealthy':
      return model.afterMs === undefined ? { kind: 'unhealthy' } : { kind: 'unhealthy', afterMs: model.afterMs };
    case 'failToStart': {
      const reason = model.reason ?? PULL_FAILURE_REASON;
      return { kind: 'failToStart', stoppedReason: reason, containerReason: reason };
    }
    case 'exit':
      return { kind: 'exit', afterMs: model.afterMs, exitCode: model.exitCode, ...(model.container ? { container: model.container } : {}) };
    case 'oom':
      return {
        kind: 'exit',
        afterMs: model.afterMs,
        exitCode: 137,
        containerReason: OOM_REASON,
        ...(model.container ? { container: model.container } : {}),
      };
    case 'crash': {
      const crashes = random() < model.probability;
      const min = model.minMs ?? DEFAULT_CRASH_MIN_MS;
      const max = Math.max(min, model.maxMs ?? DEFAULT_CRASH_MAX_MS);
      const at = min + Math.floor(random() * (max - min));
      return crashes ? { kind: 'exit', afterMs: at, exitCode: model.exitCode ?? 1 } : { kind: 'healthy' };
    }
  }
}

/** Failure models by task definition ARN or family, with a default. */
export class FailureModels {
  private readonly byKey = new Map<string, FailureModel>();

  constructor(private fallback: FailureModel = { kind: 'healthy' }) {}

  set(familyOrArn: string, model: FailureModel): void {
    this.byKey.set(familyOrArn, model);
  }

  clear(familyOrArn: string): void {
    this.byKey.delete(familyOrArn);
  }

  setDefault(model: FailureModel): void {
    this.fallback = model;
  }

  /** The ARN's model wins over the family's, which wins over the default. */
  resolve(taskDefinitionArn: string, family: string): FailureModel {
    return this.byKey.get(taskDefinitionArn) ?? this.byKey.get(family) ?? this.fallback;
  }
}
