import { uuid } from '../random';
import type { EventEnvelope, SimContext } from '../types';
import { asRecord, reqArray, validationError } from './input';
import { EventBridgeStore } from './store';

/** EventBridge's limit on the summed size of a PutEvents request's entries. */
export const MAX_REQUEST_ENTRY_BYTES = 256 * 1024;

export type EntryResult = { EventId: string } | { ErrorCode: string; ErrorMessage: string };

/** A validated entry, ready to publish. */
export interface AcceptedEntry {
  busName: string;
  event: EventEnvelope;
}

const bytes = (s: unknown): number => (typeof s === 'string' ? Buffer.byteLength(s, 'utf8') : 0);

/** Entry size as EventBridge computes it: Time 14 bytes, plus UTF-8 bytes of Source, DetailType, Detail, Resources. */
export function entrySize(e: Record<string, unknown>): number {
  const resources = Array.isArray(e.Resources) ? (e.Resources as unknown[]) : [];
  return (e.Time !== undefined && e.Time !== null ? 14 : 0) + bytes(e.Source) + bytes(e.DetailType) + bytes(e.Detail) +
    resources.reduce<number>((n, r) => n + bytes(r), 0);
}

/** EventBridge's time format: ISO 8601 to the second, e.g. 2026-01-01T00:00:00Z. */
export function isoSeconds(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

function entryTime(t: unknown, now: number): number | undefined {
  if (t === undefined || t === null) return now;
  if (typeof t === 'number' && Number.isFinite(t)) return t * 1000;
  if (typeof t === 'string' && !Number.isNaN(Date.parse(t))) return Date.parse(t);
  return undefined;
}

const fail = (code: string, message: string): { error: { ErrorCode: string; ErrorMessage: string } } => ({
  error: { ErrorCode: code, ErrorMessage: message },
});

const required = (field: string) =>
  fail('InvalidArgument', `Parameter ${field} is not valid. Reason: ${field} is a required argument.`);

function validateEntry(
  e: Record<string, unknown>,
  store: EventBridgeStore,
  ctx: SimContext,
): { error: { ErrorCode: string; ErrorMessage: string } } | { entry: AcceptedEntry } {
  const { Source: source, DetailType: detailType, Detail: detailText } = e;
  if (typeof source !== 'string' || source === '') return required('Source');
  if (typeof detailType !== 'string' || detailType === '') return required('DetailType');
  if (typeof detailText !== 'string' || detailText === '') return required('Detail');
  let detail: unknown;
  try {
    detail = JSON.parse(detailText);
  } catch {
    return fail('MalformedDetail', 'Detail is malformed.');
  }
  if (typeof detail !== 'object' || detail === null || Array.isArray(detail)) return fail('MalformedDetail', 'Detail is malformed.');
  if (source.startsWith('aws.')) return fail('NotAuthorizedForSourceException', 'Not authorized for the source.');
  const resources = e.Resources ?? [];
  if (!Array.isArray(resources) || resources.some((r) => typeof r !== 'string')) {
    return fail('InvalidArgument', 'Parameter Resources is not valid. Reason: Resources must be a list of strings.');
  }
  const time = entryTime(e.Time, ctx.clock.now());
  if (time === undefined) return fail('InvalidArgument', 'Parameter Time is not valid.');
  const busName = EventBridgeStore.busName(typeof e.EventBusName === 'string' ? e.EventBusName : undefined);
  if (!store.buses.has(busName)) return fail('ResourceNotFoundException', `Event bus ${busName} does not exist.`);
  const event: EventEnvelope = {
    version: '0',
    id: uuid(ctx.random),
    'detail-type': detailType,
    source,
    account: ctx.accountId,
    time: isoSeconds(time),
    region: ctx.region,
    resources: resources as string[],
    detail: detail as Record<string, unknown>,
  };
  return { entry: { busName, event } };
}

/**
 * Validates a PutEvents request. Request-level problems (entry count, total size) throw
 * ValidationException; a bad entry gets its own ErrorCode/ErrorMessage and the rest go ahead.
 */
export function acceptEntries(
  input: Record<string, unknown>,
  store: EventBridgeStore,
  ctx: SimContext,
): { results: EntryResult[]; accepted: AcceptedEntry[] } {
  const entries = reqArray(input, 'Entries');
  if (entries.length < 1 || entries.length > 10) {
    throw validationError(
      "1 validation error detected: Value at 'entries' failed to satisfy constraint: " +
        'Member must have length less than or equal to 10 and greater than or equal to 1',
    );
  }
  const records = entries.map((e, i) => asRecord(e, `Entries[${i}]`));
  if (records.reduce((n, e) => n + entrySize(e), 0) > MAX_REQUEST_ENTRY_BYTES) {
    throw validationError('Total size of the entries in the request is over the limit.');
  }
  const results: EntryResult[] = [];
  const accepted: AcceptedEntry[] = [];
  for (const e of records) {
    const outcome = validateEntry(e, store, ctx);
    if ('error' in outcome) {
      results.push(outcome.error);
    } else {
      results.push({ EventId: outcome.entry.event.id });
      accepted.push(outcome.entry);
    }
  }
  return { results, accepted };
}
