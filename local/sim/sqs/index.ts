/**
 * A minimal SQS (JSON 1.0, `X-Amz-Target: AmazonSQS.<Action>`): enough for Shepherd's failure
 * queue — CreateQueue, GetQueueUrl, ListQueues, SendMessage, ReceiveMessage, DeleteMessage.
 * No visibility timeouts, FIFO, DLQ redrive or long polling.
 */
import { createHash } from 'node:crypto';
import { SimError } from '../errors';
import { uuid } from '../random';
import type { JsonProtocolService } from '../server';
import type { SimContext } from '../types';

export interface QueueMessage {
  MessageId: string;
  ReceiptHandle: string;
  Body: string;
  MD5OfBody: string;
  MessageAttributes?: Record<string, unknown>;
  sentAt: number;
}

const MAX_BODY = 256 * 1024;
const md5 = (s: string) => createHash('md5').update(s, 'utf8').digest('hex');

export class SqsSimulator implements JsonProtocolService {
  readonly name = 'sqs' as const;
  readonly targetPrefix = 'AmazonSQS';
  private readonly queues = new Map<string, QueueMessage[]>();

  constructor(private readonly ctx: SimContext) {}

  url(name: string): string {
    return `https://sqs.${this.ctx.region}.amazonaws.com/${this.ctx.accountId}/${name}`;
  }

  createQueue(name: string): string {
    if (!this.queues.has(name)) this.queues.set(name, []);
    return this.url(name);
  }

  /** Messages waiting in a queue (tests). */
  messages(name: string): QueueMessage[] {
    return [...(this.queues.get(name) ?? [])];
  }

  handle(action: string, input: Record<string, unknown>): unknown {
    switch (action) {
      case 'CreateQueue':
        return { QueueUrl: this.createQueue(this.queueName(input.QueueName)) };
      case 'GetQueueUrl': {
        const name = this.queueName(input.QueueName);
        if (!this.queues.has(name)) throw new SimError('AWS.SimpleQueueService.NonExistentQueue', 'The specified queue does not exist.');
        return { QueueUrl: this.url(name) };
      }
      case 'ListQueues':
        return { QueueUrls: [...this.queues.keys()].map((n) => this.url(n)) };
      case 'SendMessage': {
        const q = this.queue(input.QueueUrl);
        const body = typeof input.MessageBody === 'string' ? input.MessageBody : '';
        if (!body) throw new SimError('MissingParameter', 'The request must contain the parameter MessageBody.');
        if (Buffer.byteLength(body) > MAX_BODY) throw new SimError('InvalidParameterValue', 'One or more parameters are invalid. Reason: Message must be shorter than 262144 bytes.');
        const m: QueueMessage = {
          MessageId: uuid(this.ctx.random),
          ReceiptHandle: uuid(this.ctx.random),
          Body: body,
          MD5OfBody: md5(body),
          ...(input.MessageAttributes ? { MessageAttributes: input.MessageAttributes as Record<string, unknown> } : {}),
          sentAt: this.ctx.clock.now(),
        };
        q.push(m);
        return { MessageId: m.MessageId, MD5OfMessageBody: m.MD5OfBody };
      }
      case 'ReceiveMessage': {
        const q = this.queue(input.QueueUrl);
        const max = Math.min(10, Math.max(1, Number(input.MaxNumberOfMessages ?? 1)));
        return { Messages: q.slice(0, max).map(({ sentAt: _s, MessageAttributes: _a, ...m }) => m) };
      }
      case 'DeleteMessage': {
        const q = this.queue(input.QueueUrl);
        const i = q.findIndex((m) => m.ReceiptHandle === input.ReceiptHandle);
        if (i >= 0) q.splice(i, 1);
        return {};
      }
      default:
        throw new SimError('UnsupportedOperation', `SQS action ${action} is not simulated`);
    }
  }

  private queueName(v: unknown): string {
    if (typeof v !== 'string' || !/^[A-Za-z0-9_-]{1,80}$/.test(v)) throw new SimError('InvalidParameterValue', 'Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length');
    return v;
  }

  private queue(url: unknown): QueueMessage[] {
    const name = typeof url === 'string' ? url.slice(url.lastIndexOf('/') + 1) : '';
    const q = this.queues.get(name);
    if (!q) throw new SimError('AWS.SimpleQueueService.NonExistentQueue', 'The specified queue does not exist.');
    return q;
  }
}
