import type { Leaf } from './types';

/** Which element of which array (arrays numbered in document order) a leaf sits under. */
export type Trail = ReadonlyArray<readonly [arrayId: number, index: number]>;

export interface FlatLeaf {
  value: Leaf;
  trail: Trail;
}

/**
 * Flattens an event into dotted path → leaf values. Arrays add no path segment (their elements are
 * values of the parent field) but are remembered in each leaf's trail, so a match can refuse to
 * combine fields from different elements of one array, as EventBridge does. Empty arrays and
 * objects contribute no leaf, so they do not "exist".
 */
export function flattenEvent(event: unknown): Map<string, FlatLeaf[]> {
  const out = new Map<string, FlatLeaf[]>();
  let nextArrayId = 0;
  const visit = (node: unknown, path: string, trail: Trail): void => {
    if (Array.isArray(node)) {
      const id = nextArrayId++;
      (node as unknown[]).forEach((el, i) => visit(el, path, [...trail, [id, i]]));
      return;
    }
    if (typeof node === 'object' && node !== null) {
      for (const [k, v] of Object.entries(node)) visit(v, path ? `${path}.${k}` : k, trail);
      return;
    }
    const leafType = typeof node;
    if (path === '' || !(node === null || leafType === 'string' || leafType === 'number' || leafType === 'boolean')) return;
    const list = out.get(path);
    const leaf: FlatLeaf = { value: node as Leaf, trail };
    if (list) list.push(leaf);
    else out.set(path, [leaf]);
  };
  visit(event, '', []);
  return out;
}
