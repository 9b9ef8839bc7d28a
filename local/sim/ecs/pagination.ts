/**
 * `maxResults` / `nextToken` paging. The token carries the key of the last item returned, so a page
 * stays correct when items appear or vanish between calls. Items must be sorted by key, ascending
 * (or descending when `descending`).
 */
import { invalid } from './validate';

export interface Page<T> {
  items: T[];
  nextToken?: string;
}

export function paginate<T>(
  items: T[],
  key: (item: T) => string,
  limit: number,
  token: string | undefined,
  descending = false,
): Page<T> {
  let start = 0;
  if (token !== undefined) {
    const last = decode(token);
    start = items.findIndex((i) => (descending ? key(i) < last : key(i) > last));
    if (start < 0) start = items.length;
  }
  const page = items.slice(start, start + limit);
  const more = start + limit < items.length;
  const lastItem = page[page.length - 1];
  return more && lastItem !== undefined ? { items: page, nextToken: encode(key(lastItem)) } : { items: page };
}

/** A sortable key for a sequence number. */
export const seqKey = (seq: number) => String(seq).padStart(12, '0');

const encode = (key: string) => Buffer.from(JSON.stringify({ k: key })).toString('base64url');

function decode(token: string): string {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
    if (parsed && typeof parsed === 'object' && typeof (parsed as { k?: unknown }).k === 'string') {
      return (parsed as { k: string }).k;
    }
  } catch {
    // fall through
  }
  throw invalid('Invalid nextToken.');
}
