/**
 * A registered target's health, computed lazily from timestamps. The load balancer checks the
 * target every interval from its registration on (the k-th check at registeredAt + k × interval);
 * HealthyThresholdCount consecutive successes make it healthy, UnhealthyThresholdCount consecutive
 * failures unhealthy, as ELB does. So the state now is that of the most recent run of equal check
 * results long enough to reach its threshold, found by walking the checks backwards from now —
 * usually only a threshold's worth of them — with no timers and nothing stored per target.
 */
import type { TargetHealth } from './model';

export interface HealthCheckTiming {
  intervalMs: number;
  healthyThreshold: number;
  unhealthyThreshold: number;
}

export const REGISTRATION_IN_PROGRESS: TargetHealth = {
  state: 'initial',
  reason: 'Elb.RegistrationInProgress',
  description: 'Target registration is in progress',
};
export const INITIAL_HEALTH_CHECKING: TargetHealth = {
  state: 'initial',
  reason: 'Elb.InitialHealthChecking',
  description: 'Initial health checking in progress',
};
export const HEALTHY: TargetHealth = { state: 'healthy' };
export const FAILED_HEALTH_CHECKS: TargetHealth = {
  state: 'unhealthy',
  reason: 'Target.FailedHealthChecks',
  description: 'Health checks failed',
};

/** Health at `now` of a target registered at `registeredAt`; `answers(t)` tells whether the check at t succeeds. */
export function healthAt(registeredAt: number, now: number, timing: HealthCheckTiming, answers: (t: number) => boolean): TargetHealth {
  const checks = Math.floor((now - registeredAt) / timing.intervalMs);
  if (checks < 1) return REGISTRATION_IN_PROGRESS;
  let runOf: boolean | undefined;
  let runLength = 0;
  for (let k = checks; k >= 1; k--) {
    const ok = answers(registeredAt + k * timing.intervalMs);
    if (ok === runOf) runLength++;
    else {
      runOf = ok;
      runLength = 1;
    }
    if (runLength >= (ok ? timing.healthyThreshold : timing.unhealthyThreshold)) return ok ? HEALTHY : FAILED_HEALTH_CHECKS;
  }
  return INITIAL_HEALTH_CHECKING;
}
