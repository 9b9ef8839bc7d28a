import { ipAsRange, parseCidr } from './ip';
import { parseNumeric } from './numeric';
import { EventPatternError, type Exclusion, type Leaf, type ValueMatcher } from './types';
import { compileWildcard } from './wildcard';

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

function onlyKey(obj: Record<string, unknown>): [string, unknown] {
  const entries = Object.entries(obj);
  const first = entries[0];
  if (!first) throw new EventPatternError('Match expression name not found');
  return first;
}

function assertSingleKey(obj: Record<string, unknown>, message = 'Only one key allowed in match expression'): void {
  if (Object.keys(obj).length > 1) throw new EventPatternError(message);
}

/** `"prefix": "x"` or `"prefix": { "equals-ignore-case": "x" }` (the same for suffix). */
function affix(kind: 'prefix' | 'suffix', value: unknown): ValueMatcher {
  if (typeof value === 'string') return { kind, value, ignoreCase: false };
  if (isPlainObject(value)) {
    const [k, v] = onlyKey(value);
    if (k === 'equals-ignore-case' && typeof v === 'string' && Object.keys(value).length === 1) {
      return { kind, value: v.toLowerCase(), ignoreCase: true };
    }
  }
  throw new EventPatternError(`${kind} match pattern must be a string`);
}

function stringList(value: unknown, message: string, allowEmpty = true): string[] {
  const list = Array.isArray(value) ? (value as unknown[]) : [value];
  return list.map((v) => {
    if (typeof v !== 'string') throw new EventPatternError(message);
    if (!allowEmpty && v === '') throw new EventPatternError('Null prefix/suffix not allowed');
    return v;
  });
}

function anythingButObject(obj: Record<string, unknown>): Exclusion {
  const [k, v] = onlyKey(obj);
  let out: Exclusion;
  switch (k) {
    case 'prefix':
    case 'suffix':
      if (isPlainObject(v)) {
        throw new EventPatternError('Value of anything-but must be an array or single string/number value.');
      }
      out = { kind: k, values: stringList(v, 'prefix/suffix match pattern must be a string', false) };
      break;
    case 'equals-ignore-case':
      out = {
        kind: 'equals-ignore-case',
        values: stringList(
          v,
          'Inside anything-but/equals-ignore-case list, number|start|null|boolean is not supported.',
        ).map((s) => s.toLowerCase()),
      };
      break;
    case 'wildcard':
      out = { kind: 'wildcard', regexes: stringList(v, 'wildcard match pattern must be a string').map(compileWildcard) };
      break;
    default:
      throw new EventPatternError(`Unsupported anything-but pattern: ${k}`);
  }
  assertSingleKey(obj);
  return out;
}

function anythingBut(value: unknown): Exclusion {
  if (typeof value === 'string') return { kind: 'strings', values: new Set([value]) };
  if (typeof value === 'number') return { kind: 'numbers', values: [value] };
  if (isPlainObject(value)) return anythingButObject(value);
  if (Array.isArray(value)) {
    const list = value as unknown[];
    for (const v of list) {
      if (typeof v !== 'string' && typeof v !== 'number') {
        throw new EventPatternError('Inside anything but list, start|null|boolean is not supported.');
      }
    }
    const strings = list.filter((v): v is string => typeof v === 'string');
    if (strings.length === list.length && list.length > 0) return { kind: 'strings', values: new Set(strings) };
    const numbers = list.filter((v): v is number => typeof v === 'number');
    if (numbers.length === list.length && list.length > 0) return { kind: 'numbers', values: numbers };
    throw new EventPatternError(
      'Inside anything but list, either all values are number or string, mixed type is not supported',
    );
  }
  throw new EventPatternError('Value of anything-but must be an array or single string/number value.');
}

/** Parses one `{ "<operator>": … }` object inside a field's match array. */
export function parseExpression(obj: Record<string, unknown>): ValueMatcher {
  const [name, value] = onlyKey(obj);
  let matcher: ValueMatcher;
  switch (name) {
    case 'prefix':
    case 'suffix':
      matcher = affix(name, value);
      break;
    case 'equals-ignore-case':
      if (typeof value !== 'string') throw new EventPatternError('equals-ignore-case match pattern must be a string');
      matcher = { kind: 'equals-ignore-case', value: value.toLowerCase() };
      break;
    case 'wildcard':
      if (typeof value !== 'string') throw new EventPatternError('wildcard match pattern must be a string');
      matcher = { kind: 'wildcard', regex: compileWildcard(value) };
      break;
    case 'numeric':
      matcher = { kind: 'numeric', range: parseNumeric(value) };
      assertSingleKey(obj, 'Too many elements in numeric expression');
      return matcher;
    case 'exists':
      if (typeof value !== 'boolean') throw new EventPatternError('exists match pattern must be either true or false.');
      matcher = { kind: 'exists', value };
      break;
    case 'cidr':
      // EventBridge really does word this one as "prefix" (its parser shares the message).
      if (typeof value !== 'string') throw new EventPatternError('prefix match pattern must be a string');
      matcher = { kind: 'cidr', range: parseCidr(value) };
      break;
    case 'anything-but':
      matcher = { kind: 'anything-but', excludes: anythingBut(value) };
      assertSingleKey(obj, 'Too many elements in numeric expression');
      return matcher;
    default:
      throw new EventPatternError(`Unrecognized match type ${name}`);
  }
  assertSingleKey(obj);
  return matcher;
}

/** Parses one element of a field's match array: a literal or an operator object. */
export function parseMatchValue(v: unknown): ValueMatcher {
  if (isPlainObject(v)) return parseExpression(v);
  if (typeof v === 'string') {
    const ip = ipAsRange(v);
    return ip ? { kind: 'exact', value: v, ip } : { kind: 'exact', value: v };
  }
  if (typeof v === 'number' || typeof v === 'boolean' || v === null) return { kind: 'exact', value: v as Leaf };
  throw new EventPatternError('Match value must be String, number, true, false, or null');
}

/** The names that are operators, and so cannot be field names inside `$or`. */
export const OPERATOR_NAMES: ReadonlySet<string> = new Set([
  'prefix',
  'suffix',
  'equals-ignore-case',
  'wildcard',
  'numeric',
  'exists',
  'cidr',
  'anything-but',
]);
