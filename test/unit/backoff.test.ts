import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { afterCrash, currentBackoff, DEFAULT_BACKOFF_POLICY as P, isCrash, mayStart } from '../../shared/core/backoff';

const T0 = Date.parse('2026-01-01T00:00:00.000Z');
const iso = (ms: number) => new Date(ms).toISOString();
const noJitter = () => 0;

describe('what counts as a crash', () => {
  it.each([
    ['failed to start', { stopCode: 'TaskFailedToStart' }, true],
    ['exited 5 s after starting', { stopCode: 'EssentialContainerExited', startedAt: iso(T0), stoppedAt: iso(T0 + 5_000) }, true],
    ['exited before ever running', { stopCode: 'EssentialContainerExited' }, true],
    ['exited after an hour of running', { stopCode: 'EssentialContainerExited', startedAt: iso(T0), stoppedAt: iso(T0 + 3_600_000) }, false],
    ['stopped by a user', { stopCode: 'UserInitiated', startedAt: iso(T0), stoppedAt: iso(T0 + 1_000) }, false],
    ['lost with its host', { stopCode: 'TerminationNotice', startedAt: iso(T0), stoppedAt: iso(T0 + 1_000) }, false],
    ['a Spot interruption', { stopCode: 'SpotInterruption' }, false],
  ])('%s → %s', (_name, task, expected) => {
    expect(isCrash(task, P)).toBe(expected);
  });
});

describe('backoff growth', () => {
  it('first crash is free, then the delay doubles from the base, capped at 15 minutes', () => {
    let b = undefined as ReturnType<typeof afterCrash> | undefined;
    const delays: number[] = [];
    let now = T0;
    for (let i = 0; i < 12; i++) {
      b = afterCrash(b, now, P, noJitter);
      delays.push(b.delayMs);
      now += 1_000;
    }
    expect(delays.slice(0, 6)).toEqual([0, 10_000, 20_000, 40_000, 80_000, 160_000]);
    expect(Math.max(...delays)).toBe(15 * 60_000);
    expect(delays.at(-1)).toBe(15 * 60_000);
  });

  it('a quiet period resets it; a new task definition starts clean', () => {
    const b = afterCrash(afterCrash(undefined, T0, P, noJitter, 'web:1'), T0 + 1, P, noJitter, 'web:1');
    expect(mayStart(b, T0 + 2, P, 'web:1')).toBe(false);
    expect(mayStart(b, T0 + 2, P, 'web:2')).toBe(true);
    expect(currentBackoff(b, T0 + P.resetAfterMs + 10, P, 'web:1')).toBeUndefined();
    expect(afterCrash(b, T0 + 5, P, noJitter, 'web:2').consecutiveFailures).toBe(1);
  });

  it('property: crashes close together never shrink the delay, never exceed the cap, never schedule the past', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: P.resetAfterMs - 1 }), { minLength: 1, maxLength: 30 }),
        fc.double({ min: 0, max: 0.999, noNaN: true }),
        (gaps, r) => {
          let b: ReturnType<typeof afterCrash> | undefined;
          let plain: ReturnType<typeof afterCrash> | undefined;
          let now = T0;
          for (const gap of gaps) {
            now += gap;
            const previousPlain = plain?.delayMs ?? 0;
            b = afterCrash(b, now, P, () => r);
            plain = afterCrash(plain, now, P, noJitter);
            expect(b.delayMs).toBeLessThanOrEqual(P.maxDelayMs);
            expect(b.delayMs).toBeGreaterThanOrEqual(plain.delayMs);
            expect(Date.parse(b.nextAttemptAt)).toBeGreaterThanOrEqual(now);
            expect(plain.delayMs).toBeGreaterThanOrEqual(previousPlain);
          }
          expect(plain!.consecutiveFailures).toBe(gaps.length);
        },
      ),
    );
  });
});
