import { TransactWriteItemsCommand, UpdateItemCommand, type TransactWriteItem } from '@aws-sdk/client-dynamodb';
import type { CapacityControllerState, CapacityReservation, CapacitySettings, Cluster } from '../core/cluster';
import type { HistoryEvent } from '../core/history';
import { fromItem, toItem } from './codec';
import { buildUpdate, createIfAbsent, updateIfRevision } from './conditional';
import { historyItem } from './history';
import type { StoreContext } from './context';
import { ConflictError } from './errors';
import type { Page, PageRequest } from './page';
import { getByKey, queryPage } from './query';
import { KEY } from './table';

export class ClusterStore {
  constructor(private readonly ctx: StoreContext) {}

  get(name: string): Promise<Cluster | undefined> {
    return getByKey<Cluster>(this.ctx, KEY.cluster(name));
  }

  /** Registers a cluster Shepherd schedules on; returns the existing record if it is already known. */
  async ensure(name: string): Promise<Cluster> {
    const now = this.ctx.now().toISOString();
    const cluster: Cluster = { name, revision: 1, createdAt: now, updatedAt: now };
    try {
      await createIfAbsent(this.ctx, { ...KEY.cluster(name), gsi2pk: 'CLUSTER', gsi2sk: name, entity: 'cluster', ...cluster }, `cluster ${name}`);
      return cluster;
    } catch (err) {
      if (err instanceof ConflictError && err.current) return fromItem<Cluster>(err.current as never);
      throw err;
    }
  }

  /** Sets (or clears, with undefined) capacity settings if the cluster is still at `expectedRevision`. */
  async setCapacity(name: string, expectedRevision: number, capacity: CapacitySettings | undefined): Promise<Cluster> {
    try {
      const item = await updateIfRevision(
        this.ctx,
        KEY.cluster(name),
        expectedRevision,
        { capacity, updatedAt: this.ctx.now().toISOString() },
        `cluster ${name}`,
      );
      return fromItem<Cluster>(item);
    } catch (err) {
      if (err instanceof ConflictError) throw new ConflictError(err.message, err.current ? fromItem<Cluster>(err.current as never) : undefined);
      throw err;
    }
  }

  /**
   * Records the capacity controller's memory and reservation figure (runtime fields: the cluster's
   * revision, its ETag, is not bumped), and with them, in one transaction, the history entries of
   * what it changed (`Capacity Changed` on Shepherd's bus, through the outbox). The caller holds the
   * cluster's lease, so no other writer races it; a history entry already written is skipped by
   * its own condition, so a retried decision publishes nothing twice.
   */
  async recordCapacity(name: string, fields: { capacityState?: CapacityControllerState; reservation?: CapacityReservation }, history: HistoryEvent[] = []): Promise<void> {
    const u = buildUpdate(fields as Record<string, unknown>);
    const update = { TableName: this.ctx.tableName, Key: toItem(KEY.cluster(name)), ...u, ConditionExpression: 'attribute_exists(pk)' };
    if (history.length === 0) {
      await this.ctx.client.send(new UpdateItemCommand(update));
      return;
    }
    const items: TransactWriteItem[] = [
      { Update: update },
      ...history.map((e) => ({ Put: { TableName: this.ctx.tableName, Item: toItem(historyItem(this.ctx, e)), ConditionExpression: 'attribute_not_exists(pk)' } })),
    ];
    try {
      await this.ctx.client.send(new TransactWriteItemsCommand({ TransactItems: items }));
    } catch (err) {
      // An entry already there (a retried decision): record the fields alone.
      if ((err as { name?: string }).name !== 'TransactionCanceledException') throw err;
      await this.ctx.client.send(new UpdateItemCommand(update));
    }
  }

  list(req: PageRequest = {}): Promise<Page<Cluster>> {
    return queryPage<Cluster>(this.ctx, { index: 'byKind', partition: 'CLUSTER' }, req);
  }
}
