import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { InvalidTokenError } from './errors';

/** A page of a bounded query. */
export interface Page<T> {
  items: T[];
  nextToken?: string;
}

export interface PageRequest {
  /** 1–100; default 50. */
  limit?: number;
  nextToken?: string;
}

export const MAX_PAGE = 100;

export function pageLimit(req: PageRequest | undefined): number {
  const l = req?.limit ?? 50;
  if (!Number.isFinite(l)) return 50;
  return Math.min(MAX_PAGE, Math.max(1, Math.floor(l)));
}

/** Opaque token: the LastEvaluatedKey, base64url JSON, bound to the partition it pages. */
export function encodeToken(key: Record<string, AttributeValue> | undefined, scope: string): string | undefined {
  if (!key) return undefined;
  return Buffer.from(JSON.stringify({ s: scope, k: key }), 'utf8').toString('base64url');
}

/**
 * The LastEvaluatedKey a token carries, if this store issued it for this listing: the scope must
 * match and the key must lie in the partition being listed (`partition` = [attribute, value]).
 */
export function decodeToken(token: string | undefined, scope: string, partition?: [string, string]): Record<string, AttributeValue> | undefined {
  if (token === undefined) return undefined;
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { s?: unknown; k?: unknown };
    if (parsed.s !== scope || typeof parsed.k !== 'object' || parsed.k === null) throw new Error('scope');
    for (const v of Object.values(parsed.k as Record<string, unknown>)) {
      if (typeof v !== 'object' || v === null || typeof (v as { S?: unknown }).S !== 'string') throw new Error('shape');
    }
    const key = parsed.k as Record<string, { S: string }>;
    const allowed = new Set(['pk', 'sk', 'gsi1pk', 'gsi1sk', 'gsi2pk', 'gsi2sk']);
    if (Object.keys(key).some((k) => !allowed.has(k)) || !key.pk || !key.sk) throw new Error('attributes');
    if (partition && key[partition[0]]?.S !== partition[1]) throw new Error('partition');
    return parsed.k as Record<string, AttributeValue>;
  } catch {
    throw new InvalidTokenError();
  }
}
