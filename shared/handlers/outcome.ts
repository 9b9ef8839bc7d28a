import type * as z from 'zod/mini';
import { describeIssues } from '../events/ecs';
import { logger } from '../log';
import type { FailureParker } from '../failures';
import { StaleVersionError } from '../store';

/** What an event handler did with one event; returned (and logged) so tests and logs can tell. */
export type Outcome =
  | { outcome: 'recorded'; key: string }
  | { outcome: 'stale'; key: string; storedVersion?: number }
  | { outcome: 'ignored'; reason: string }
  | { outcome: 'malformed'; eventId?: string; issues: string };

/** Parses an event; a malformed one is logged once with its id and answered as an outcome, never thrown. */
export function parseEvent<S extends z.ZodMiniType>(
  schema: S,
  event: unknown,
  label: string,
): { ok: true; data: z.infer<S> } | { ok: false; outcome: Outcome } {
  const parsed = schema.safeParse(event);
  if (parsed.success) return { ok: true, data: parsed.data };
  const rawId = typeof event === 'object' && event !== null ? (event as { id?: unknown }).id : undefined;
  const eventId = typeof rawId === 'string' ? rawId : undefined;
  const issues = describeIssues(parsed.error);
  logger.error(`malformed ${label} event`, { eventId, issues });
  return { ok: false, outcome: { outcome: 'malformed', ...(eventId ? { eventId } : {}), issues } };
}

/** Runs an observed-state write; a duplicate or older version becomes a `stale` outcome. */
export async function recordIfNewer(key: string, write: () => Promise<unknown>): Promise<Outcome> {
  try {
    await write();
    return { outcome: 'recorded', key };
  } catch (err) {
    if (!(err instanceof StaleVersionError)) throw err;
    const stored = err.current as { version?: number } | undefined;
    return { outcome: 'stale', key, ...(stored?.version !== undefined ? { storedVersion: stored.version } : {}) };
  }
}

/** Sends a malformed event to the failure queue (when the runtime has one) and answers its outcome. */
export async function parkMalformed(rt: { failures?: FailureParker }, outcome: Outcome, event: unknown, kind: string): Promise<Outcome> {
  if (outcome.outcome === 'malformed') {
    await rt.failures?.park('malformed-event', event, { eventKind: kind, eventId: outcome.eventId, issues: outcome.issues });
  }
  return outcome;
}
