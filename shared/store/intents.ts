import { TransactWriteItemsCommand, UpdateItemCommand, type TransactWriteItem } from '@aws-sdk/client-dynamodb';
import type { HistoryEvent } from '../core/history';
import { toItem, toValue } from './codec';
import { conditionFailedItem, ifAbsentClauses } from './conditional';
import type { StoreContext } from './context';
import { historyItem } from './history';
import { resolveStartItem } from './pendingStarts';
import { KEY, PREFIX } from './table';

/** A task RunTask/StartTask just started, as its response described it. */
export interface StartedTask {
  taskArn: string;
  taskDefinitionArn: string;
  containerInstanceArn?: string;
  lastStatus: string;
  availabilityZone?: string;
}

/**
 * The intent record of a task Shepherd started (version 0, until its own events arrive). Every
 * field is written only where the item has none, so an event that got there first wins.
 */
export function intentItem(
  ctx: StoreContext,
  t: StartedTask,
  o: { service: string; cluster: string; startedBy: string; group: string; extra?: Record<string, unknown> },
): TransactWriteItem {
  const now = ctx.now().toISOString();
  const abs = ifAbsentClauses({
    taskArn: t.taskArn,
    service: o.service,
    cluster: o.cluster,
    entity: 'task',
    gsi1pk: KEY.clusterPk(o.cluster),
    gsi1sk: `${PREFIX.task}${t.taskArn}`,
    taskDefinitionArn: t.taskDefinitionArn,
    containerInstanceArn: t.containerInstanceArn,
    availabilityZone: t.availabilityZone,
    lastStatus: t.lastStatus,
    desiredStatus: 'RUNNING',
    containers: [],
    startedBy: o.startedBy,
    group: o.group,
    version: 0,
    createdAt: now,
    updatedAt: now,
    ...(o.extra ?? {}),
  });
  return {
    Update: {
      TableName: ctx.tableName,
      Key: toItem(KEY.task(o.service, t.taskArn)),
      UpdateExpression: `SET ${abs.sets.join(', ')}`,
      ExpressionAttributeNames: abs.names,
      ExpressionAttributeValues: abs.values,
    },
  };
}

/** Records tasks a plan started, and the history entry saying so, in one transaction (resolving the start's announcement). */
export async function recordStarts(
  ctx: StoreContext,
  o: { service: string; cluster: string; startedBy: string; group: string; started: StartedTask[]; history: HistoryEvent[]; extra?: Record<string, unknown>; announced?: string },
): Promise<void> {
  const items: TransactWriteItem[] = o.started.map((t) => intentItem(ctx, t, { ...o, extra: { ...o.extra, ...(o.announced ? { startToken: o.announced } : {}) } }));
  for (const e of o.history) items.push({ Put: { TableName: ctx.tableName, Item: toItem(historyItem(ctx, e)) } });
  if (o.announced) items.push(resolveStartItem(ctx, o.service, o.announced));
  for (let i = 0; i < items.length; i += 100) {
    await ctx.client.send(new TransactWriteItemsCommand({ TransactItems: items.slice(i, i + 100) }));
  }
}

/**
 * Marks a task as stopped on purpose *before* StopTask is called, so the STOPPED event that
 * follows is never mistaken for a failure to replace. Returns false if the task already stopped.
 */
export async function markStopIntent(
  ctx: StoreContext,
  service: string,
  taskArn: string,
  intent: string,
  reason: string,
  opts: { stopAfter?: string } = {},
): Promise<boolean> {
  try {
    await ctx.client.send(
      new UpdateItemCommand({
        TableName: ctx.tableName,
        Key: toItem(KEY.task(service, taskArn)),
        UpdateExpression: `SET stopIntent = if_not_exists(stopIntent, :i), stopIntentReason = if_not_exists(stopIntentReason, :r)${opts.stopAfter ? ', stopAfter = if_not_exists(stopAfter, :a)' : ''}`,
        ConditionExpression: 'attribute_not_exists(lastStatus) OR lastStatus <> :stopped',
        ExpressionAttributeValues: {
          ':i': toValue(intent),
          ':r': toValue(reason),
          ':stopped': toValue('STOPPED'),
          ...(opts.stopAfter ? { ':a': toValue(opts.stopAfter) } : {}),
        },
      }),
    );
    return true;
  } catch (err) {
    if (conditionFailedItem(err) !== false) return false;
    throw err;
  }
}
