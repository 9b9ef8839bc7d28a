/**
 * HTTP plumbing shared by the routes: reading a bounded JSON body, entity tags, responses.
 */
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { HttpProblem, invalidField } from './problem';

/** Request bodies larger than this are refused with 413 (API Gateway itself allows 10 MB). */
export const MAX_BODY_BYTES = 64 * 1024;

export interface ApiResponse {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export function json(status: number, body: unknown, headers: Record<string, string> = {}): ApiResponse {
  return { status, body, headers };
}

export function toResult(r: ApiResponse, contentType = 'application/json'): APIGatewayProxyStructuredResultV2 {
  if (r.body === undefined) return { statusCode: r.status, headers: { ...r.headers } };
  return { statusCode: r.status, headers: { 'content-type': contentType, ...r.headers }, body: JSON.stringify(r.body) };
}

/** Header names lower-cased (API Gateway v2 already does; direct callers may not). */
export function headersOf(event: APIGatewayProxyEventV2): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(event.headers ?? {})) if (typeof v === 'string') out[k.toLowerCase()] = v;
  return out;
}

const JSON_MEDIA_TYPE = /^application\/(?:[\w.+-]+\+)?json\s*(?:;.*)?$/i;

/**
 * The request's JSON body: undefined when there is none. 413 above MAX_BODY_BYTES, 415 when a
 * body comes with another media type, 400 when it is not JSON.
 */
export function readJsonBody(event: APIGatewayProxyEventV2): unknown {
  const raw = event.body;
  if (raw === undefined || raw === null || raw === '') return undefined;
  const bytes = event.isBase64Encoded ? Buffer.from(raw, 'base64') : Buffer.from(raw, 'utf8');
  if (bytes.length > MAX_BODY_BYTES) {
    throw new HttpProblem('payloadTooLarge', `the request body is ${bytes.length} bytes; at most ${MAX_BODY_BYTES} are accepted`);
  }
  const contentType = headersOf(event)['content-type'];
  if (!contentType || !JSON_MEDIA_TYPE.test(contentType)) {
    throw new HttpProblem('unsupportedMediaType', `send the body as application/json (got ${contentType ? JSON.stringify(contentType.slice(0, 100)) : 'no Content-Type'})`);
  }
  const text = bytes.toString('utf8');
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw invalidField('body', `not valid JSON: ${(err as Error).message.slice(0, 200)}`);
  }
}

/** A service's (or cluster's) entity tag: its spec revision, quoted. */
export const etagOf = (revision: number): string => `"${revision}"`;

/** A parsed If-Match header: `*`, or the strong entity tags it lists (weak ones never match). */
export type IfMatch = { any: true } | { any: false; tags: string[] };

const ETAG_ITEM = /\s*(W\/)?"([\x21\x23-\x7e\x80-\xff]*)"\s*(?:,|$)/y;

/** Parses If-Match (RFC 9110 §13.1.1); a malformed header is a 400 naming it. */
export function parseIfMatch(header: string | undefined): IfMatch | undefined {
  if (header === undefined) return undefined;
  const value = header.trim();
  if (value === '*') return { any: true };
  const tags: string[] = [];
  ETAG_ITEM.lastIndex = 0;
  let pos = 0;
  while (pos < value.length) {
    ETAG_ITEM.lastIndex = pos;
    const m = ETAG_ITEM.exec(value);
    if (!m) throw invalidField('header.If-Match', 'must be * or a list of entity tags such as "3" (use the ETag a GET returned)');
    if (!m[1]) tags.push(m[2] ?? '');
    pos = ETAG_ITEM.lastIndex;
  }
  if (tags.length === 0 && !/"/.test(value)) {
    throw invalidField('header.If-Match', 'must be * or a list of entity tags such as "3" (use the ETag a GET returned)');
  }
  return { any: false, tags };
}

export function ifMatchAccepts(m: IfMatch, revision: number): boolean {
  return m.any || m.tags.includes(String(revision));
}

export function describeIfMatch(m: IfMatch): string {
  return m.any ? '*' : m.tags.map((t) => `"${t}"`).join(', ') || '(only weak tags)';
}
