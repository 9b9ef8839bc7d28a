import { OPERATOR_NAMES, parseMatchValue } from './expression';
import { CompiledPattern, EventPatternError, type ValueMatcher } from './types';

type MutableBranch = Map<string, readonly ValueMatcher[]>;

/** Upper bound on the AND-branches `$or` may expand into, so a hostile pattern cannot blow up. */
const MAX_BRANCHES = 1000;

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

function cross(left: MutableBranch[], right: MutableBranch[]): MutableBranch[] {
  const out: MutableBranch[] = [];
  for (const l of left) {
    for (const r of right) out.push(new Map([...l, ...r]));
  }
  if (out.length > MAX_BRANCHES) throw new EventPatternError('Rule is too complex - try using fewer $or branches');
  return out;
}

function fieldValues(list: unknown[]): ValueMatcher[] {
  if (list.length === 0) throw new EventPatternError('Empty arrays are not allowed');
  return list.map(parseMatchValue);
}

function compileOr(value: unknown, prefix: string): MutableBranch[] {
  if (!Array.isArray(value)) throw new EventPatternError('It must be an Array followed with $or.');
  const out: MutableBranch[] = [];
  for (const item of value as unknown[]) {
    if (!isPlainObject(item)) throw new EventPatternError('Only JSON object is allowed in array of $or relationship.');
    out.push(...compileObject(item, prefix, true));
  }
  if (value.length < 2) throw new EventPatternError('There must have at least 2 Objects in $or relationship.');
  return out;
}

/**
 * Turns one object level of a pattern into AND-branches. Fields join their paths with dots, as
 * EventBridge does (so `{"a": {"b": …}}` and `{"a.b": …}` mean the same); a later duplicate wins.
 */
function compileObject(obj: Record<string, unknown>, prefix: string, insideOr: boolean): MutableBranch[] {
  const keys = Object.keys(obj);
  if (keys.length === 0) throw new EventPatternError('Empty objects are not allowed');
  let branches: MutableBranch[] = [new Map()];
  for (const key of keys) {
    const value = obj[key];
    if (key === '$or') {
      branches = cross(branches, compileOr(value, prefix));
      continue;
    }
    if (insideOr && OPERATOR_NAMES.has(key)) {
      throw new EventPatternError(`${key} is Ruler reserved fieldName which cannot be used inside $or.`);
    }
    const path = prefix ? `${prefix}.${key}` : key;
    if (Array.isArray(value)) {
      const matchers = fieldValues(value as unknown[]);
      for (const b of branches) b.set(path, matchers);
    } else if (isPlainObject(value)) {
      branches = cross(branches, compileObject(value, path, insideOr));
    } else {
      throw new EventPatternError(`"${key}" must be an object or an array`);
    }
  }
  return branches;
}

/** Validates a parsed pattern the way EventBridge does and compiles it for matching. */
export function compilePattern(pattern: unknown): CompiledPattern {
  if (!isPlainObject(pattern)) throw new EventPatternError('Filter is not an object');
  return new CompiledPattern(compileObject(pattern, '', false));
}
