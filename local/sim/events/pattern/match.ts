import { flattenEvent, type FlatLeaf, type Trail } from './flatten';
import { leafMatches } from './leaf';
import type { Branch, CompiledPattern, ValueMatcher } from './types';

/** A field's options: the leaves it may be satisfied by, or `absent` when satisfied by absence. */
type Options = { absent: true } | { absent: false; leaves: FlatLeaf[] };

function options(matchers: readonly ValueMatcher[], leaves: FlatLeaf[]): Options | undefined {
  const present = leaves.length > 0;
  if (!present && matchers.some((m) => m.kind === 'exists' && !m.value)) return { absent: true };
  const ok = leaves.filter((l) => matchers.some((m) => leafMatches(m, l.value)));
  return ok.length > 0 ? { absent: false, leaves: ok } : undefined;
}

/** Two leaves can be combined unless they sit in different elements of the same array. */
function consistent(chosen: Map<number, number>, trail: Trail): boolean {
  return trail.every(([id, index]) => {
    const at = chosen.get(id);
    return at === undefined || at === index;
  });
}

function choose(fields: FlatLeaf[][], i: number, chosen: Map<number, number>): boolean {
  const leaves = fields[i];
  if (!leaves) return true;
  for (const leaf of leaves) {
    if (!consistent(chosen, leaf.trail)) continue;
    const added = leaf.trail.filter(([id]) => !chosen.has(id));
    for (const [id, index] of added) chosen.set(id, index);
    if (choose(fields, i + 1, chosen)) return true;
    for (const [id] of added) chosen.delete(id);
  }
  return false;
}

function branchMatches(branch: Branch, flat: Map<string, FlatLeaf[]>): boolean {
  const fields: FlatLeaf[][] = [];
  for (const [path, matchers] of branch) {
    const opts = options(matchers, flat.get(path) ?? []);
    if (!opts) return false;
    if (!opts.absent) fields.push(opts.leaves);
  }
  fields.sort((a, b) => a.length - b.length);
  return choose(fields, 0, new Map());
}

/** Whether a compiled pattern matches an event (any `$or` branch whose every field matches). */
export function matchCompiled(pattern: CompiledPattern, event: unknown): boolean {
  const flat = flattenEvent(event);
  return pattern.branches.some((b) => branchMatches(b, flat));
}
