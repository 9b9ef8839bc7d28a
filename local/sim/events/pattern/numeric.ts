import { EventPatternError, type NumericRange } from './types';

/** EventBridge compares numbers within ±5e9, to six digits right of the decimal point. */
const LIMIT = 5e9;

export function inComparableRange(n: number): boolean {
  return Number.isFinite(n) && n >= -LIMIT && n <= LIMIT;
}

/** The number as EventBridge compares it (an integer count of millionths, offset to be positive). */
export function comparable(n: number): number {
  return Math.trunc(1e6 * (LIMIT + n));
}

function checkBound(n: number): number {
  if (!inComparableRange(n)) throw new EventPatternError('Value must be between -5.0E9 and 5.0E9, inclusive');
  return n;
}

function numberOr(token: unknown, message: string): number {
  if (typeof token !== 'number') throw new EventPatternError(message);
  return checkBound(token);
}

const describe = (t: unknown): string => (t === undefined ? ']' : typeof t === 'string' ? t : JSON.stringify(t));

/** Parses the array of `{ "numeric": [...] }`: `["=", 3]`, `["<", 10]`, `[">", 0, "<=", 5]` … */
export function parseNumeric(expr: unknown): NumericRange {
  if (!Array.isArray(expr)) throw new EventPatternError('Value of numeric must be an array.');
  const [op, first, op2, second, ...rest] = expr as unknown[];
  if (typeof op !== 'string') throw new EventPatternError(`Invalid member in numeric match: ${describe(op)}`);
  const tooMany = (): never => {
    throw new EventPatternError('Too many elements in numeric expression');
  };
  switch (op) {
    case '=': {
      const v = numberOr(first, 'Value of equals must be numeric');
      if (expr.length > 2) tooMany();
      return { low: v, lowInclusive: true, high: v, highInclusive: true };
    }
    case '<':
    case '<=': {
      const v = numberOr(first, `Value of ${op} must be numeric`);
      if (expr.length > 2) tooMany();
      return { high: v, highInclusive: op === '<=', lowInclusive: false };
    }
    case '>':
    case '>=': {
      const low = numberOr(first, `Value of ${op} must be numeric`);
      const lowInclusive = op === '>=';
      if (expr.length === 2) return { low, lowInclusive, highInclusive: false };
      if (typeof op2 !== 'string') throw new EventPatternError(`Bad value in numeric range: ${describe(op2)}`);
      if (op2 !== '<' && op2 !== '<=') throw new EventPatternError(`Bad numeric range operator: ${op2}`);
      const high = numberOr(second, `Value of ${op2} must be numeric`);
      if (rest.length > 0) throw new EventPatternError('Too many terms in numeric range expression');
      if (low > high) throw new EventPatternError('Bottom must be less than top');
      return { low, lowInclusive, high, highInclusive: op2 === '<=' };
    }
    default:
      throw new EventPatternError(`Unrecognized numeric range operator: ${op}`);
  }
}

/** Whether a JSON number in an event falls in the range (non-comparable numbers never do). */
export function inRange(range: NumericRange, n: number): boolean {
  if (!inComparableRange(n)) return false;
  const v = comparable(n);
  if (range.low !== undefined) {
    const low = comparable(range.low);
    if (range.lowInclusive ? v < low : v <= low) return false;
  }
  if (range.high !== undefined) {
    const high = comparable(range.high);
    if (range.highInclusive ? v > high : v >= high) return false;
  }
  return true;
}

/** Numeric equality as EventBridge applies it to a number in a pattern: same value, or equal when compared. */
export function numbersEqual(a: number, b: number): boolean {
  if (a === b) return true;
  return inComparableRange(a) && inComparableRange(b) && comparable(a) === comparable(b);
}
