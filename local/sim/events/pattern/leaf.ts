import { ipInRange, parseIp } from './ip';
import { inRange, numbersEqual } from './numeric';
import type { Exclusion, Leaf, ValueMatcher } from './types';

function excluded(ex: Exclusion, v: Leaf): boolean {
  switch (ex.kind) {
    case 'strings':
      return typeof v === 'string' && ex.values.has(v);
    case 'numbers':
      return typeof v === 'number' && ex.values.some((n) => numbersEqual(n, v));
    case 'prefix':
      return typeof v === 'string' && ex.values.some((p) => v.startsWith(p));
    case 'suffix':
      return typeof v === 'string' && ex.values.some((s) => v.endsWith(s));
    case 'equals-ignore-case':
      return typeof v === 'string' && ex.values.includes(v.toLowerCase());
    case 'wildcard':
      return typeof v === 'string' && ex.regexes.some((r) => r.test(v));
  }
}

/**
 * Whether one leaf value of an event satisfies one matcher. `exists` is decided by the caller
 * (it is about presence, not a value); here it matches any present value when true.
 */
export function leafMatches(m: ValueMatcher, v: Leaf): boolean {
  switch (m.kind) {
    case 'exact':
      if (typeof m.value === 'number') return typeof v === 'number' && numbersEqual(m.value, v);
      if (m.ip && typeof v === 'string') {
        const ip = parseIp(v);
        if (ip) return ip.family === m.ip.family && ip.value === m.ip.low;
      }
      return v === m.value;
    case 'prefix':
      return typeof v === 'string' && (m.ignoreCase ? v.toLowerCase() : v).startsWith(m.value);
    case 'suffix':
      return typeof v === 'string' && (m.ignoreCase ? v.toLowerCase() : v).endsWith(m.value);
    case 'equals-ignore-case':
      return typeof v === 'string' && v.toLowerCase() === m.value;
    case 'wildcard':
      return typeof v === 'string' && m.regex.test(v);
    case 'numeric':
      return typeof v === 'number' && inRange(m.range, v);
    case 'cidr':
      return typeof v === 'string' && ipInRange(m.range, v);
    case 'exists':
      return m.value;
    case 'anything-but':
      return !excluded(m.excludes, v);
  }
}
