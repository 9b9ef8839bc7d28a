import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import type { HistoryEvent } from '../core/history';
import { toItem } from './codec';
import { conditionFailedItem } from './conditional';
import { epochSeconds, type StoreContext } from './context';
import type { Page, PageRequest } from './page';
import { queryPage } from './query';
import { KEY, PREFIX, TTL_ATTRIBUTE } from './table';

/** The partition a subject's history lives in: a service's, or a cluster's for `cluster:<name>`. */
export function historyPartition(subject: string): string {
  return subject.startsWith('cluster:') ? KEY.clusterPk(subject.slice('cluster:'.length)) : KEY.servicePk(subject);
}

/** The item a history event is stored as (also the outbox record the stream publishes). */
export function historyItem(ctx: StoreContext, e: HistoryEvent): Record<string, unknown> {
  return {
    pk: historyPartition(e.subject),
    // Normalised, so keys sort in time order whatever precision the source gave.
    sk: `${PREFIX.event}${normaliseTime(e.time)}#${e.id}`,
    entity: 'event',
    ...e,
    [TTL_ATTRIBUTE]: epochSeconds(ctx.now()) + ctx.eventTtlSeconds,
  };
}

export class HistoryStore {
  constructor(private readonly ctx: StoreContext) {}

  /**
   * Appends an event. Idempotent: the key is (time, id), so writing the same event again changes
   * nothing and publishes nothing. Returns false when it was already there.
   */
  async append(e: HistoryEvent): Promise<boolean> {
    try {
      await this.ctx.client.send(
        new PutItemCommand({
          TableName: this.ctx.tableName,
          Item: toItem(historyItem(this.ctx, e)),
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return true;
    } catch (err) {
      if (conditionFailedItem(err) !== false) return false;
      throw err;
    }
  }

  /** A subject's history, newest first. */
  list(subject: string, req: PageRequest = {}): Promise<Page<HistoryEvent>> {
    return queryPage<HistoryEvent>(this.ctx, { partition: historyPartition(subject), sortPrefix: PREFIX.event, descending: true }, req);
  }
}

function normaliseTime(t: string): string {
  const ms = Date.parse(t);
  return Number.isNaN(ms) ? t : new Date(ms).toISOString();
}
