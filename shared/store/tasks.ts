import type { HistoryEvent } from '../core/history';
import { isTerminal, type ObservedTask } from '../core/observed';
import { historyItem } from './history';
import { fromItem } from './codec';
import { updateIfNewerVersion } from './conditional';
import { epochSeconds, type StoreContext } from './context';
import { StaleVersionError } from './errors';
import type { Page, PageRequest } from './page';
import { getByKey, queryPage } from './query';
import { KEY, PREFIX, TTL_ATTRIBUTE } from './table';

/** What is stored for a task: the observation plus fields Shepherd's own writers own. */
export type StoredTask = ObservedTask & {
  /** Set when Shepherd stopped the task on purpose (scale-in, deployment, drain): no replacement. */
  stopIntent?: string;
  /** ARN of the task started to replace this one, once started. */
  replacedBy?: string;
};

export class TaskStore {
  constructor(private readonly ctx: StoreContext) {}

  /**
   * Records an observation if its `version` is newer than the stored one: one conditional write.
   * Returns the task as stored afterwards; StaleVersionError (carrying the stored task) for a
   * duplicate or out-of-order delivery. A stopped task's record expires after the task TTL.
   * History events given are written in the same transaction: recorded together or not at all.
   * (With history, the returned task holds only the written fields, not ones other writers own.)
   */
  async recordObserved(task: ObservedTask, history: HistoryEvent[] = []): Promise<StoredTask> {
    const set: Record<string, unknown> = { ...task };
    delete set.version;
    delete set.taskArn;
    delete set.service;
    delete set.cluster;
    set[TTL_ATTRIBUTE] = isTerminal(task.lastStatus)
      ? epochSeconds(this.ctx.now()) + this.ctx.taskTtlSeconds
      : undefined;
    try {
      const item = await updateIfNewerVersion(this.ctx, KEY.task(task.service, task.taskArn), task.version, set, {
        taskArn: task.taskArn,
        service: task.service,
        cluster: task.cluster,
        entity: 'task',
        gsi1pk: KEY.clusterPk(task.cluster),
        gsi1sk: `${PREFIX.task}${task.taskArn}`,
      }, history.map((e) => historyItem(this.ctx, e)));
      return fromItem<StoredTask>(item);
    } catch (err) {
      if (err instanceof StaleVersionError) {
        throw new StaleVersionError(task.version, err.current ? fromItem<StoredTask>(err.current as never) : undefined);
      }
      throw err;
    }
  }

  get(service: string, taskArn: string): Promise<StoredTask | undefined> {
    return getByKey<StoredTask>(this.ctx, KEY.task(service, taskArn));
  }


  /** A service's tasks (all states still in the store). */
  listByService(service: string, req: PageRequest = {}): Promise<Page<StoredTask>> {
    return queryPage<StoredTask>(this.ctx, { partition: KEY.servicePk(service), sortPrefix: PREFIX.task }, req);
  }

  /** Every task of a cluster, across services (the reconciler's per-cluster read). */
  listByCluster(cluster: string, req: PageRequest = {}): Promise<Page<StoredTask>> {
    return queryPage<StoredTask>(this.ctx, { index: 'byCluster', partition: KEY.clusterPk(cluster), sortPrefix: PREFIX.task }, req);
  }
}
