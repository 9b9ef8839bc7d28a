import { validationError } from './input';

const UNIT_MS: Record<string, number> = { minute: 60_000, hour: 3_600_000, day: 86_400_000 };

/**
 * Parses a rule's ScheduleExpression. `rate(N unit)` gives its period in ms (EventBridge wants the
 * singular unit for 1 and the plural otherwise); a `cron(…)` with six fields is accepted but has no
 * period here (the simulator does not fire cron schedules). Anything else is rejected as AWS does.
 */
export function schedulePeriodMs(expression: string): number | undefined {
  const rate = /^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$/.exec(expression);
  if (rate) {
    const n = Number(rate[1]);
    const unit = rate[2] ?? '';
    const singular = unit.endsWith('s') ? unit.slice(0, -1) : unit;
    if (n < 1 || (n === 1) !== (unit === singular)) throw validationError('Parameter ScheduleExpression is not valid.');
    return n * (UNIT_MS[singular] ?? 0);
  }
  const cron = /^cron\(([^)]*)\)$/.exec(expression);
  if (cron && (cron[1] ?? '').trim().split(/\s+/).length === 6) return undefined;
  throw validationError('Parameter ScheduleExpression is not valid.');
}
