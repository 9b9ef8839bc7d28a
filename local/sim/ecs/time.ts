/** How a view renders a timestamp (epoch ms): the JSON API sends epoch seconds, events ISO strings. */
export type TimeFormat = (ms: number) => number | string;

export const apiTime: TimeFormat = (ms) => ms / 1000;
export const eventTime: TimeFormat = (ms) => new Date(ms).toISOString();

/** Drops undefined members (recursively), so views carry only the fields that are set. */
export function compact<T>(value: T): T {
  if (Array.isArray(value)) return value.map((v: unknown) => compact(v)) as T;
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = compact(v);
    return out as T;
  }
  return value;
}
