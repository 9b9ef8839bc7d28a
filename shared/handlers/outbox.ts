import { PutEventsCommand, type EventBridgeClient, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import type { HistoryEvent } from '../core/history';
import { logger } from '../log';
import { PREFIX } from '../store/table';

export const EVENT_SOURCE = 'shepherd';
const MAX_ENTRIES = 10;

/** The EventBridge entry a history item becomes on Shepherd's bus. */
export function toBusEntry(e: HistoryEvent, busName: string, stage: string): PutEventsRequestEntry {
  return {
    EventBusName: busName,
    Source: EVENT_SOURCE,
    DetailType: `Shepherd ${e.type}`,
    Time: new Date(e.time),
    Resources: [],
    Detail: JSON.stringify({ eventId: e.id, stage, subject: e.subject, message: e.message, ...e.detail }),
  };
}

/**
 * The outbox publisher: the table's stream → Shepherd's event bus. Every history item inserted by
 * a handler is published once its write has committed, so an event is never lost because a write
 * succeeded and a publish failed. Delivery to the bus is at least once: consumers dedupe on
 * `detail.eventId`. Failed entries are reported as batch item failures so Lambda retries from there.
 */
export async function publishOutbox(
  event: DynamoDBStreamEvent,
  deps: { events: EventBridgeClient; busName: string; stage: string },
): Promise<DynamoDBBatchResponse> {
  const pending: Array<{ seq: string; entry: PutEventsRequestEntry }> = [];
  for (const record of event.Records) {
    if (record.eventName !== 'INSERT' || !record.dynamodb?.NewImage) continue;
    let image: Record<string, unknown>;
    try {
      image = unmarshall(record.dynamodb.NewImage as Record<string, AttributeValue>);
    } catch (err) {
      // A record that cannot be read will never be readable: log it once and move on, never block the stream.
      logger.error('unreadable stream record skipped', { eventID: record.eventID, error: String(err) });
      continue;
    }
    if (typeof image.sk !== 'string' || !image.sk.startsWith(PREFIX.event)) continue;
    pending.push({ seq: record.dynamodb.SequenceNumber ?? '', entry: toBusEntry(image as unknown as HistoryEvent, deps.busName, deps.stage) });
  }
  const failed: string[] = [];
  for (let i = 0; i < pending.length; i += MAX_ENTRIES) {
    const batch = pending.slice(i, i + MAX_ENTRIES);
    try {
      const out = await deps.events.send(new PutEventsCommand({ Entries: batch.map((b) => b.entry) }));
      out.Entries?.forEach((r, j) => {
        if (r.ErrorCode) {
          logger.warn('event bus rejected an entry', { code: r.ErrorCode, message: r.ErrorMessage });
          failed.push(batch[j]?.seq ?? '');
        }
      });
    } catch (err) {
      logger.warn('PutEvents failed; the batch will be retried', { error: String(err) });
      failed.push(...batch.map((b) => b.seq));
    }
  }
  // Lambda resumes from the lowest failed sequence number; report them all.
  return { batchItemFailures: failed.filter(Boolean).map((itemIdentifier) => ({ itemIdentifier })) };
}
