import type { Page, PageRequest } from '../store';

/** Reads a listing page by page (100 per page), up to `maxPages`; `truncated` when more remained. */
export async function allPages<T>(fetch: (req: PageRequest) => Promise<Page<T>>, maxPages = 50): Promise<{ items: T[]; truncated: boolean }> {
  const items: T[] = [];
  let nextToken: string | undefined;
  for (let i = 0; i < maxPages; i++) {
    const page = await fetch({ limit: 100, ...(nextToken ? { nextToken } : {}) });
    items.push(...page.items);
    nextToken = page.nextToken;
    if (!nextToken) return { items, truncated: false };
  }
  return { items, truncated: true };
}

/** A store listing's page as the API answers it: `{ items, nextToken? }`. */
export function pageBody<T, U>(page: Page<T>, view: (t: T) => U = (t) => t as unknown as U) {
  return { items: page.items.map(view), ...(page.nextToken ? { nextToken: page.nextToken } : {}) };
}
