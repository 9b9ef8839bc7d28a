/**
 * Parking what can never succeed: a malformed event is logged once and sent to the stack's failure
 * queue (the same queue Lambda's on-failure destination and the rules' DLQs use), instead of being
 * retried by Lambda or dropped silently.
 */
import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';

export interface FailureParker {
  park(kind: string, event: unknown, detail: Record<string, unknown>): Promise<void>;
}

/** SQS's limit for a message body, in bytes. */
export const SQS_MAX_BYTES = 262_144;
const MAX_FIELD_CHARS = 512;

/** Short enough for a message: ids and issue lists from a malformed event can be huge too. */
function bounded(value: unknown): unknown {
  if (typeof value === 'string') return value.length > MAX_FIELD_CHARS ? `${value.slice(0, MAX_FIELD_CHARS)}…(truncated)` : value;
  if (Array.isArray(value)) return value.slice(0, 20).map(bounded);
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).slice(0, 20).map(([k, v]) => [k.slice(0, 64), bounded(v)]));
  return value;
}

/** The parked message: kind, the bounded detail, and as much of the raw event as fits in SQS's limit. */
export function parkedBody(kind: string, event: unknown, detail: Record<string, unknown>): string {
  let raw: string;
  try {
    raw = JSON.stringify(event) ?? String(event);
  } catch {
    raw = String(event);
  }
  const head = { kind: kind.slice(0, 64), ...(bounded(detail) as Record<string, unknown>) };
  let body = JSON.stringify({ ...head, event: raw });
  // JSON escaping can double a string's size: shrink the event until the whole message fits.
  for (let keep = raw.length; Buffer.byteLength(body) > SQS_MAX_BYTES - 1024 && keep > 0; ) {
    keep = Math.floor(keep * Math.min(0.9, (SQS_MAX_BYTES - 1024) / Buffer.byteLength(body)));
    body = JSON.stringify({ ...head, event: `${raw.slice(0, keep)}…(truncated)`, eventBytes: Buffer.byteLength(raw) });
  }
  return body;
}

export function sqsParker(sqs: () => SQSClient, queueUrl: string): FailureParker {
  return {
    park: async (kind, event, detail) => {
      const body = parkedBody(kind, event, detail);
      // A failure to park throws: Lambda retries the invocation, so nothing is lost.
      await sqs().send(
        new SendMessageCommand({
          QueueUrl: queueUrl,
          MessageBody: body,
          MessageAttributes: { kind: { DataType: 'String', StringValue: kind } },
        }),
      );
    },
  };
}
