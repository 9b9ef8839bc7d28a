/**
 * The ELBv2 simulator's lazy health computation (walking checks backwards from now) agrees with
 * ELB's rule applied forwards, check by check: consecutive successes / failures against thresholds.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { healthAt, type HealthCheckTiming } from '../../local/sim/elbv2/health';

/** ELB's rule, check by check from registration. */
function forward(registeredAt: number, now: number, timing: HealthCheckTiming, answers: (t: number) => boolean): string {
  const checks = Math.floor((now - registeredAt) / timing.intervalMs);
  if (checks < 1) return 'initial:Elb.RegistrationInProgress';
  let state = 'initial:Elb.InitialHealthChecking';
  let successes = 0;
  let failures = 0;
  for (let k = 1; k <= checks; k++) {
    if (answers(registeredAt + k * timing.intervalMs)) {
      successes++;
      failures = 0;
      if (successes >= timing.healthyThreshold) state = 'healthy';
    } else {
      failures++;
      successes = 0;
      if (failures >= timing.unhealthyThreshold) state = 'unhealthy:Target.FailedHealthChecks';
    }
  }
  return state;
}

const windows = fc.array(fc.record({ from: fc.integer({ min: 0, max: 600_000 }), length: fc.integer({ min: 1, max: 200_000 }) }), { maxLength: 6 });

describe('target health model', () => {
  it('matches the forward rule for any history of the target answering', () => {
    fc.assert(
      fc.property(
        windows,
        fc.integer({ min: 5, max: 60 }),
        fc.integer({ min: 2, max: 10 }),
        fc.integer({ min: 2, max: 10 }),
        fc.integer({ min: 0, max: 700_000 }),
        (ws, intervalSeconds, healthyThreshold, unhealthyThreshold, elapsed) => {
          const registeredAt = 1_000_000;
          const answers = (t: number) => ws.some((w) => t - registeredAt >= w.from && t - registeredAt < w.from + w.length);
          const timing = { intervalMs: intervalSeconds * 1000, healthyThreshold, unhealthyThreshold };
          const h = healthAt(registeredAt, registeredAt + elapsed, timing, answers);
          const got = h.reason ? `${h.state}:${h.reason}` : h.state;
          expect(got).toBe(forward(registeredAt, registeredAt + elapsed, timing, answers));
        },
      ),
      { numRuns: 500 },
    );
  });
});
