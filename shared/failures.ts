/**
 * Parking what can never succeed: a malformed event is logged once and sent to the stack's failure
 * queue (the same queue Lambda's on-failure destination and the rules' DLQs use), instead of being
 * retried by Lambda or dropped silently.
 */
import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';

export interface FailureParker {
  park(kind: string, event: unknown, detail: Record<string, unknown>): Promise<void>;
}

const MAX_EVENT_CHARS = 200_000;

export function sqsParker(sqs: () => SQSClient, queueUrl: string): FailureParker {
  return {
    park: async (kind, event, detail) => {
      let raw: string;
      try {
        raw = JSON.stringify(event) ?? String(event);
      } catch {
        raw = String(event);
      }
      const body = JSON.stringify({ kind, ...detail, event: raw.length > MAX_EVENT_CHARS ? `${raw.slice(0, MAX_EVENT_CHARS)}…(truncated)` : raw });
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
