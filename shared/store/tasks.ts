import { isTerminal, type ObservedTask } from '../core/observed';
import type { Target, TargetState } from '../core/targets';
import { UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { toItem, toValue } from './codec';
import { conditionFailedItem } from './conditional';
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
  /** An on-purpose stop waits until then (its load balancer targets are draining). */
  stopAfter?: string;
  /** Load balancer targets Shepherd registered for the task. */
  targets?: Target[];
  /** Their combined health as last read (healthy only when healthy in every target group). */
  targetHealth?: TargetState;
  /** When its targets were first read healthy in every group: from then on `unhealthy` fails the task at once (no grace). */
  targetHealthyAt?: string;
  /** The RunTask token (or plan step) of the Shepherd start that recorded it: see store/pendingStarts.ts. */
  startToken?: string;
};

export class TaskStore {
  constructor(private readonly ctx: StoreContext) {}

  /**
   * Records an observation if its `version` is newer than the stored one: one conditional write.
   * Returns the task as stored afterwards; StaleVersionError (carrying the stored task) for a
   * duplicate or out-of-order delivery. A stopped task's record expires after the task TTL.
   */
  async recordObserved(task: ObservedTask): Promise<StoredTask> {
    const { set, setIfAbsent } = observedTaskFields(this.ctx, task);
    try {
      const item = await updateIfNewerVersion(this.ctx, KEY.task(task.service, task.taskArn), task.version, set, setIfAbsent);
      return fromItem<StoredTask>(item);
    } catch (err) {
      if (err instanceof StaleVersionError) {
        throw new StaleVersionError(task.version, err.current ? fromItem<StoredTask>(err.current as never) : undefined);
      }
      throw err;
    }
  }

  /**
   * Records load balancer fields (targets registered, their health) on a task that has not
   * stopped; false when it has stopped meanwhile (or is unknown).
   */
  async setBalancing(service: string, taskArn: string, fields: { targets?: Target[]; targetHealth?: TargetState; targetHealthyAt?: string }, opts: { unlessStopping?: boolean } = {}): Promise<boolean> {
    const sets: string[] = [];
    const values: Record<string, ReturnType<typeof toValue>> = { ':stopped': toValue('STOPPED') };
    if (fields.targets) {
      sets.push('targets = :t');
      values[':t'] = toValue(fields.targets);
    }
    if (fields.targetHealth) {
      sets.push('targetHealth = :h');
      values[':h'] = toValue(fields.targetHealth);
    }
    if (fields.targetHealthyAt) {
      sets.push('targetHealthyAt = if_not_exists(targetHealthyAt, :ha)');
      values[':ha'] = toValue(fields.targetHealthyAt);
    }
    if (sets.length === 0) return true;
    try {
      await this.ctx.client.send(
        new UpdateItemCommand({
          TableName: this.ctx.tableName,
          Key: toItem(KEY.task(service, taskArn)),
          UpdateExpression: `SET ${sets.join(', ')}`,
          ConditionExpression: `attribute_exists(pk) AND lastStatus <> :stopped${opts.unlessStopping ? ' AND attribute_not_exists(stopIntent)' : ''}`,
          ExpressionAttributeValues: values,
        }),
      );
      return true;
    } catch (err) {
      if (conditionFailedItem(err) !== false) return false;
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

/** The fields an observation writes: observed ones always, key and index ones only when new. */
export function observedTaskFields(ctx: StoreContext, task: ObservedTask) {
  const set: Record<string, unknown> = { ...task };
  delete set.version;
  delete set.taskArn;
  delete set.service;
  delete set.cluster;
  set[TTL_ATTRIBUTE] = isTerminal(task.lastStatus) ? epochSeconds(ctx.now()) + ctx.taskTtlSeconds : undefined;
  const setIfAbsent = {
    taskArn: task.taskArn,
    service: task.service,
    cluster: task.cluster,
    entity: 'task',
    gsi1pk: KEY.clusterPk(task.cluster),
    gsi1sk: `${PREFIX.task}${task.taskArn}`,
  };
  return { set, setIfAbsent };
}
