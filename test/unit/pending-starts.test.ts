/** What is still unknown of a start announced before RunTask (shared/core/pendingStarts.ts). */
import { describe, expect, it } from 'vitest';
import { outstandingStarts, type Announcement } from '../../shared/core/pendingStarts';

const T0 = Date.parse('2026-01-01T12:00:00.000Z');
const at = (ms: number) => new Date(T0 + ms).toISOString();
const announced = (o: Partial<Announcement> = {}): Announcement => ({ token: 'tok-a', count: 2, createdAt: at(0), fenceUntil: T0 + 60_000, ...o });

describe('an announced start', () => {
  it('counts in full while the store knows none of its tasks', () => {
    expect(outstandingStarts([announced()], [{ createdAt: at(-600_000) }])).toEqual([{ count: 2 }]);
  });

  it('counts less for each task learnt from events that ECS created while its actor held the lease', () => {
    expect(outstandingStarts([announced()], [{ createdAt: at(1_000) }])).toEqual([{ count: 1 }]);
    expect(outstandingStarts([announced()], [{ createdAt: at(1_000) }, { createdAt: at(2_000) }, { createdAt: at(3_000) }])).toEqual([]);
  });

  it('a task another start recorded (it carries its token), or created outside the window, is not its task', () => {
    const tasks = [{ createdAt: at(1_000), startToken: 'tok-b' }, { createdAt: at(-60_000) }, { createdAt: at(120_000) }];
    expect(outstandingStarts([announced()], tasks)).toEqual([{ count: 2 }]);
  });

  it('one task is claimed by one announcement only', () => {
    const first = announced({ token: 'a', count: 1, createdAt: at(0), fenceUntil: T0 + 60_000 });
    const second = announced({ token: 'b', count: 1, createdAt: at(62_000), fenceUntil: T0 + 122_000 });
    // Created within the clock-skew margin of both windows: it settles the first one only.
    expect(outstandingStarts([second, first], [{ createdAt: at(61_000) }])).toEqual([{ count: 1 }]);
  });

  it('the caller retrying that very start does not count it', () => {
    expect(outstandingStarts([announced({ token: 'mine' }), announced({ token: 'theirs', count: 1 })], [], 'mine')).toEqual([{ count: 1 }]);
  });

  it('a daemon start: the hosts that have their task are no longer pending', () => {
    const a = announced({ count: 2, instances: ['ci-1', 'ci-2'] });
    expect(outstandingStarts([a], [{ createdAt: at(1_000), containerInstanceArn: 'ci-2' }, { createdAt: at(1_000), containerInstanceArn: 'ci-9' }])).toEqual([{ count: 1, instances: ['ci-1'] }]);
  });
});
