/**
 * Crash-loop backoff, better than ECS's: tasks that fail to start, or die soon after starting,
 * delay the service's next start exponentially, with jitter, up to a cap. A task that ran longer
 * than the crash window, a quiet stable period, or a new task definition resets it. Pure.
 */
import type { ObservedTask } from './observed';
import type { Backoff } from './service';

export interface BackoffPolicy {
  /** A task that stops within this long of starting (or never starts) counts as a crash. */
  crashWindowMs: number;
  /** The first delay; each further crash doubles it. */
  baseDelayMs: number;
  /** The longest delay (ECS's own is 15 minutes). */
  maxDelayMs: number;
  /** No crash for this long resets the count. */
  resetAfterMs: number;
  /** Up to this share of the delay is added at random, so services do not retry in lockstep. */
  jitter: number;
  /** Crashes tolerated before any delay applies (a single crash is replaced at once). */
  freeRestarts: number;
}

export const DEFAULT_BACKOFF_POLICY: BackoffPolicy = {
  crashWindowMs: 60_000,
  baseDelayMs: 10_000,
  maxDelayMs: 15 * 60_000,
  resetAfterMs: 10 * 60_000,
  jitter: 0.2,
  freeRestarts: 1,
};

const ms = (iso: string | undefined) => (iso ? Date.parse(iso) : Number.NaN);

/**
 * Did this stop look like a crash loop: failed to start, exited soon after it started, or was
 * stopped by Shepherd for failing its health checks (however long it ran: it was broken)?
 */
export function isCrash(task: Pick<ObservedTask, 'stopCode' | 'startedAt' | 'stoppedAt' | 'stoppingAt'> & { stopIntent?: string }, policy: BackoffPolicy): boolean {
  if (task.stopIntent === 'unhealthy') return true;
  if (task.stopCode === 'TaskFailedToStart') return true;
  if (task.stopCode !== 'EssentialContainerExited') return false;
  const started = ms(task.startedAt);
  if (Number.isNaN(started)) return true; // never reached RUNNING
  const stopped = ms(task.stoppingAt ?? task.stoppedAt);
  return !Number.isNaN(stopped) && stopped - started < policy.crashWindowMs;
}

/**
 * The backoff still in force at `now`: undefined once it has been quiet for resetAfterMs, or when
 * it was earned by another task definition than `taskDefinition` (a deployment starts clean).
 */
export function currentBackoff(b: Backoff | undefined, now: number, policy: BackoffPolicy, taskDefinition?: string): Backoff | undefined {
  if (!b) return undefined;
  if (taskDefinition !== undefined && b.taskDefinition !== undefined && b.taskDefinition !== taskDefinition) return undefined;
  return now - ms(b.lastFailureAt) >= policy.resetAfterMs ? undefined : b;
}

/** The backoff after one more crash at `now`. `random` in [0,1) draws the jitter. */
export function afterCrash(prev: Backoff | undefined, now: number, policy: BackoffPolicy, random: () => number, taskDefinition?: string): Backoff {
  const active = currentBackoff(prev, now, policy, taskDefinition);
  const failures = (active?.consecutiveFailures ?? 0) + 1;
  const steps = failures - policy.freeRestarts;
  const raw = steps <= 0 ? 0 : Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (steps - 1));
  const delayMs = Math.round(Math.min(policy.maxDelayMs, raw * (1 + policy.jitter * random())));
  return {
    ...(taskDefinition !== undefined ? { taskDefinition } : {}),
    consecutiveFailures: failures,
    delayMs,
    nextAttemptAt: new Date(now + delayMs).toISOString(),
    lastFailureAt: new Date(now).toISOString(),
  };
}

/** May a start happen at `now` under this backoff? */
export function mayStart(b: Backoff | undefined, now: number, policy: BackoffPolicy, taskDefinition?: string): boolean {
  const active = currentBackoff(b, now, policy, taskDefinition);
  return !active || ms(active.nextAttemptAt) <= now;
}
