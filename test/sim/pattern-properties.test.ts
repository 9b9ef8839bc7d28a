import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { eventPatternProblem, matchesEventPattern } from '../../local/sim/events/pattern';

type Json = string | number | boolean | null | Json[] | { [k: string]: Json };

const key = fc.stringMatching(/^[a-z][a-z0-9-]{0,5}$/);
const scalar = fc.oneof(fc.string({ maxLength: 8 }), fc.integer({ min: -1e6, max: 1e6 }), fc.boolean(), fc.constant(null));

/** Events whose arrays hold scalars only, so any choice of one leaf per field is a consistent match. */
const { event } = fc.letrec<{ event: Record<string, Json>; value: Json }>((tie) => ({
  event: fc.dictionary(key, tie('value'), { minKeys: 1, maxKeys: 4 }),
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    scalar,
    fc.array(scalar, { minLength: 1, maxLength: 3 }),
    tie('event'),
  ),
}));

/** Every leaf of the event with its path, and for arrays every element. */
function leaves(node: Json, path: string[] = []): Array<{ path: string[]; value: Json }> {
  if (Array.isArray(node)) return node.flatMap((v) => leaves(v, path));
  if (node !== null && typeof node === 'object') return Object.entries(node).flatMap(([k, v]) => leaves(v, [...path, k]));
  return [{ path, value: node }];
}

function patternFrom(chosen: Array<{ path: string[]; value: Json }>): Record<string, unknown> {
  const root: Record<string, unknown> = {};
  for (const { path, value } of chosen) {
    let at = root;
    path.slice(0, -1).forEach((seg) => {
      at = (at[seg] ??= {}) as Record<string, unknown>;
    });
    at[path[path.length - 1] ?? ''] = [value];
  }
  return root;
}

describe('pattern matching properties', () => {
  it('a pattern built from some of an event’s own leaf values matches it', () => {
    fc.assert(
      fc.property(event, fc.infiniteStream(fc.nat()), (ev, picks) => {
        const all = leaves(ev);
        const byPath = new Map<string, { path: string[]; value: Json }>();
        const it = picks[Symbol.iterator]();
        for (const leaf of all) {
          const k = leaf.path.join('\u0000');
          if (!byPath.has(k) || (it.next().value as number) % 2 === 0) byPath.set(k, leaf);
        }
        const chosen = [...byPath.values()].filter(() => (it.next().value as number) % 3 !== 0);
        if (chosen.length === 0) return;
        expect(matchesEventPattern(patternFrom(chosen), ev)).toBe(true);
      }),
    );
  });

  it('anything-but a value never matches an event whose field is that value', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.integer({ min: -1e9, max: 1e9 })), (v) => {
        expect(matchesEventPattern({ detail: { f: [{ 'anything-but': v }] } }, { detail: { f: v } })).toBe(false);
        expect(matchesEventPattern({ detail: { f: [{ 'anything-but': [v] }] } }, { detail: { f: v } })).toBe(false);
      }),
    );
  });

  it('anything-but a value matches every other value of the same type', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), (a, b) => {
        fc.pre(a !== b);
        expect(matchesEventPattern({ f: [{ 'anything-but': a }] }, { f: b })).toBe(true);
      }),
    );
  });

  it('a numeric range matches exactly the numbers inside it', () => {
    fc.assert(
      fc.property(fc.integer({ min: -1e6, max: 1e6 }), fc.integer({ min: -1e6, max: 1e6 }), fc.integer({ min: -1e6, max: 1e6 }), (a, b, x) => {
        const [lo, hi] = a <= b ? [a, b] : [b, a];
        const inside = lo <= x && x < hi;
        expect(matchesEventPattern({ n: [{ numeric: ['>=', lo, '<', hi] }] }, { n: x })).toBe(inside);
      }),
    );
  });

  it('prefix, suffix and a wildcard built from a string all match that string', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 20 }), fc.nat(), fc.nat(), (s, i, j) => {
        const cut = s.length === 0 ? 0 : i % (s.length + 1);
        const end = cut + (s.length - cut === 0 ? 0 : j % (s.length - cut + 1));
        const escape = (t: string) => t.replace(/[\\*]/g, (c) => `\\${c}`);
        const wildcard = `${escape(s.slice(0, cut))}*${escape(s.slice(end))}`;
        expect(matchesEventPattern({ f: [{ prefix: s.slice(0, cut) }] }, { f: s })).toBe(true);
        expect(matchesEventPattern({ f: [{ suffix: s.slice(cut) }] }, { f: s })).toBe(true);
        expect(matchesEventPattern({ f: [{ wildcard }] }, { f: s })).toBe(true);
      }),
    );
  });

  it('validation never crashes: any JSON is either accepted or rejected with a reason', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 4 }), (v) => {
        const problem = eventPatternProblem(v as object);
        expect(problem === undefined || typeof problem === 'string').toBe(true);
        if (problem === undefined) matchesEventPattern(v as object, { detail: {} });
      }),
    );
  });
});
