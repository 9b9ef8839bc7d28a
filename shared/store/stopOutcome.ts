import {
  TransactGetItemsCommand,
  TransactionCanceledException,
  TransactWriteItemsCommand,
  type TransactWriteItem,
} from '@aws-sdk/client-dynamodb';
import type { HistoryEvent } from '../core/history';
import type { ObservedTask } from '../core/observed';
import type { Backoff, Deployment, Service, UnplacedDemand } from '../core/service';
import { fromItem, toItem, toValue } from './codec';
import { buildUpdate, newerVersionUpdate } from './conditional';
import { intentItem } from './intents';
import type { StoreContext } from './context';
import { historyItem } from './history';
import { resolveStartItem } from './pendingStarts';
import { leaseKey } from './leases';
import { KEY } from './table';
import { observedTaskFields, type StoredTask } from './tasks';

/** A stopped task as stored, with what Shepherd decided about it. */
export type StoppedRecord = StoredTask & { replacement?: ReplacementState; replacementGeneration?: number };

/**
 * The service and the stored task in one strongly consistent read (TransactGetItems): everything
 * the stop decision needs, in one call, before anything is written.
 */
export async function readStopContext(ctx: StoreContext, service: string, taskArn: string): Promise<{ service?: Service; task?: StoppedRecord }> {
  const out = await ctx.client.send(
    new TransactGetItemsCommand({
      TransactItems: [
        { Get: { TableName: ctx.tableName, Key: toItem(KEY.service(service)) } },
        { Get: { TableName: ctx.tableName, Key: toItem(KEY.task(service, taskArn)) } },
      ],
    }),
  );
  const [svc, task] = out.Responses ?? [];
  return {
    ...(svc?.Item ? { service: fromItem<Service>(svc.Item) } : {}),
    ...(task?.Item ? { task: fromItem<StoppedRecord>(task.Item) } : {}),
  };
}

/** What became of a stopped task: replaced, owed (backoff or no room), or not wanted. */
export type ReplacementState = 'replaced' | 'deferred' | 'unplaced' | 'none';

export interface StopOutcome {
  /** The STOPPED observation; written only if its version is newer than the stored one. */
  observed: ObservedTask;
  state: ReplacementState;
  reason: string;
  generation: number;
  /** Tasks RunTask started for it (recorded as intents, version 0, until their events arrive). */
  started: Array<{ taskArn: string; taskDefinitionArn: string; containerInstanceArn?: string; lastStatus: string; availabilityZone?: string }>;
  history: HistoryEvent[];
  /** New runtime fields for the service (null clears), written only if its runtimeRevision is still `runtimeRevision`. */
  runtime?: { backoff?: Backoff | null; unplaced?: UnplacedDemand | null; deployments?: Deployment[]; runtimeRevision: number | undefined; revision: number };
  startedBy: string;
  group: string;
  /** The token of the start announced for the replacement: resolved by this write. */
  announced?: string;
  /** Release the service's lease held by this owner in the same write (if it still holds it). */
  releaseLease?: string;
}

/** Someone else changed the service's runtime fields first: re-read and decide again. */
export class RuntimeConflictError extends Error {
  override readonly name = 'RuntimeConflictError';
}

/**
 * Records a stop and its outcome in one transaction (one write): the STOPPED observation (only if
 * newer) with the decision, the replacement intents, the history (which the outbox publishes) and
 * the service's backoff / unplaced demand. Returns false when the observation is not newer than
 * the stored one (a duplicate or older delivery): then nothing at all is written.
 */
export async function recordStopOutcome(ctx: StoreContext, o: StopOutcome): Promise<boolean> {
  const svc = o.observed.service;
  const cluster = o.observed.cluster;
  const items: TransactWriteItem[] = [];
  const { set, setIfAbsent } = observedTaskFields(ctx, o.observed);
  Object.assign(set, {
    replacement: o.state,
    replacementReason: o.reason,
    replacementGeneration: o.generation,
    ...(o.started[0] ? { replacedBy: o.started[0].taskArn } : {}),
  });
  items.push({ Update: { TableName: ctx.tableName, Key: toItem(KEY.task(svc, o.observed.taskArn)), ...newerVersionUpdate(o.observed.version, set, setIfAbsent) } });
  for (const t of o.started) {
    items.push(intentItem(ctx, t, { service: svc, cluster, startedBy: o.startedBy, group: o.group, extra: { replaces: o.observed.taskArn, ...(o.announced ? { startToken: o.announced } : {}) } }));
  }
  for (const e of o.history) {
    items.push({ Put: { TableName: ctx.tableName, Item: toItem(historyItem(ctx, e)), ConditionExpression: 'attribute_not_exists(pk)' } });
  }
  if (o.announced) items.push(resolveStartItem(ctx, svc, o.announced));
  if (o.runtime) {
    const set: Record<string, unknown> = {};
    const remove: string[] = [];
    for (const k of ['backoff', 'unplaced', 'deployments'] as const) {
      const v = o.runtime[k];
      if (v === null) remove.push(k);
      else if (v !== undefined) set[k] = v;
    }
    const u = buildUpdate(set, remove, { ':one': toItem({ v: 1 }).v! }, ['#rr = if_not_exists(#rr, :zero) + :one']);
    u.ExpressionAttributeNames['#rr'] = 'runtimeRevision';
    u.ExpressionAttributeValues[':zero'] = toItem({ v: 0 }).v!;
    // Guarded by both revisions: a runtime write or a spec change (e.g. a deploy through the API,
    // which rewrites `deployments`) since the read makes the handler read and decide again.
    u.ExpressionAttributeNames['#rev'] = 'revision';
    u.ExpressionAttributeValues[':expectedRev'] = toItem({ v: o.runtime.revision }).v!;
    let condition = 'attribute_exists(pk) AND #rev = :expectedRev AND attribute_not_exists(#rr)';
    if (o.runtime.runtimeRevision !== undefined) {
      condition = 'attribute_exists(pk) AND #rev = :expectedRev AND #rr = :expectedRr';
      u.ExpressionAttributeValues[':expectedRr'] = toItem({ v: o.runtime.runtimeRevision }).v!;
    }
    items.push({ Update: { TableName: ctx.tableName, Key: toItem(KEY.service(svc)), ...u, ConditionExpression: condition } });
  }
  const runtimeAt = o.runtime ? items.length - 1 : -1;
  if (o.releaseLease) {
    items.push({
      Delete: {
        TableName: ctx.tableName,
        Key: toItem(leaseKey(svc)),
        ConditionExpression: '#owner = :owner',
        ExpressionAttributeNames: { '#owner': 'owner' },
        ExpressionAttributeValues: { ':owner': toValue(o.releaseLease) },
      },
    });
  }
  try {
    await ctx.client.send(new TransactWriteItemsCommand({ TransactItems: items }));
    return true;
  } catch (err) {
    if (!(err instanceof TransactionCanceledException)) throw err;
    const reasons = err.CancellationReasons ?? [];
    if (reasons[0]?.Code === 'ConditionalCheckFailed') return false;
    // Another transaction touched the same items at the same moment (real DynamoDB does this
    // under concurrency; nothing was written): read again and decide again.
    if (reasons.some((r) => r.Code === 'TransactionConflict')) throw new RuntimeConflictError('concurrent transaction');
    if (runtimeAt >= 0 && reasons[runtimeAt]?.Code === 'ConditionalCheckFailed') throw new RuntimeConflictError('service runtime changed');
    // The lease lapsed and another actor took it: what this handler did is still recorded, without the release.
    if (o.releaseLease && reasons[items.length - 1]?.Code === 'ConditionalCheckFailed') return recordStopOutcome(ctx, { ...o, releaseLease: undefined } as StopOutcome);
    throw err;
  }
}
