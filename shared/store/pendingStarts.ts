/**
 * Pending starts: a start is announced in the store *before* its RunTask / StartTask call and
 * resolved in the same transaction that records the tasks it started. An actor that dies in
 * between (after ECS started the tasks, before the store knew them) leaves its announcement
 * behind, and every planner counts it as tasks that exist (shared/core/planner.ts) until:
 *
 * - the same start is retried with the same RunTask token (a redelivered event): ECS answers with
 *   the same tasks, which are recorded, and the announcement is resolved with them;
 * - or a reconciler pass whose ListTasks began after the announcement's fence (when its actor's
 *   lease ended; its ECS call had a deadline before that) has recorded every task ECS lists as
 *   running or stopping: the announcement is then dropped (shared/reconcile/cluster.ts).
 *
 * Announcing is fenced: one transaction writes the announcement and renews the service's lease
 * only if the caller still holds it, so an actor whose lease lapsed (and that another actor may
 * have taken over) never calls RunTask. The fence (30 s, within the renewed lease) bounds the ECS
 * call: it carries a deadline 10 s before it (shared/handlers/replan.ts startAnnounced).
 */
import { DeleteItemCommand, TransactionCanceledException, TransactWriteItemsCommand, type TransactWriteItem } from '@aws-sdk/client-dynamodb';
import { outstandingStarts, type PendingStart } from '../core/pendingStarts';
import { fromItem, toItem, toValue } from './codec';
import { buildUpdate, conditionFailedItem } from './conditional';
import { epochSeconds, type StoreContext } from './context';
import { leaseKey, SERVICE_LEASE_MS } from './leases';
import { allPages } from './query';
import type { StoredTask } from './tasks';
import { KEY, PREFIX, TTL_ATTRIBUTE } from './table';

export interface PendingStartRecord extends PendingStart {
  /** The RunTask client token (or, for StartTask, the plan step's key). */
  token: string;
  service: string;
  cluster: string;
  /** The lease holder that announced it. */
  owner: string;
  /** Epoch ms: the announced ECS call is over by then (it carries a deadline before it). */
  fenceUntil: number;
  createdAt: string;
}

/** How long an announced start's ECS call may take at most (its deadline is 10 s before). */
export const ANNOUNCEMENT_FENCE_MS = 30_000;

/** The caller no longer holds the service's lease: another actor may be acting; it must not start anything. */
export class LeaseLostError extends Error {
  override readonly name = 'LeaseLostError';
}

/** Announces a start under the caller's lease (renewing it); LeaseLostError if the lease is not the caller's any more. */
export async function announceStart(
  ctx: StoreContext,
  o: { service: string; cluster: string; token: string; count: number; instances?: string[]; owner: string; leaseMs?: number },
): Promise<PendingStartRecord> {
  const now = ctx.now();
  const leaseUntil = now.getTime() + (o.leaseMs ?? SERVICE_LEASE_MS);
  // Shorter than the lease: the call is bounded by its own deadline, so a pass can tell sooner
  // that a dead actor's start is over (after a crash the service waits on it that much less).
  const fenceUntil = Math.min(leaseUntil, now.getTime() + ANNOUNCEMENT_FENCE_MS);
  const record: PendingStartRecord = {
    token: o.token,
    service: o.service,
    cluster: o.cluster,
    count: o.count,
    ...(o.instances?.length ? { instances: o.instances } : {}),
    owner: o.owner,
    fenceUntil,
    createdAt: now.toISOString(),
  };
  const expires = epochSeconds(new Date(leaseUntil)) + 3600;
  // Announcing a token again (the same replacement retried) keeps the first `createdAt`: the window
  // in which that start's tasks may have been created only grows.
  const { createdAt, ...rest } = record;
  const fields = buildUpdate(
    {
      entity: 'pendingStart',
      gsi1pk: KEY.clusterPk(o.cluster),
      gsi1sk: `${PREFIX.pending}${o.service}#${o.token}`,
      ...rest,
      // A last resort only: a pass drops it long before (it is counted as tasks until then).
      [TTL_ATTRIBUTE]: expires + 23 * 3600,
    },
    [],
    { ':createdAt': toValue(createdAt) },
    ['createdAt = if_not_exists(createdAt, :createdAt)'],
  );
  const items: TransactWriteItem[] = [
    { Update: { TableName: ctx.tableName, Key: toItem(KEY.pending(o.service, o.token)), ...fields } },
    {
      Update: {
        TableName: ctx.tableName,
        Key: toItem(leaseKey(o.service)),
        UpdateExpression: 'SET leaseUntil = :until, #ttl = :ttl',
        ConditionExpression: '#owner = :owner AND leaseUntil >= :now',
        ExpressionAttributeNames: { '#owner': 'owner', '#ttl': TTL_ATTRIBUTE },
        ExpressionAttributeValues: { ':until': toValue(leaseUntil), ':ttl': toValue(expires), ':owner': toValue(o.owner), ':now': toValue(now.getTime()) },
      },
    },
  ];
  for (let attempt = 1; ; attempt++) {
    try {
      await ctx.client.send(new TransactWriteItemsCommand({ TransactItems: items }));
      return record;
    } catch (err) {
      if (!(err instanceof TransactionCanceledException)) throw err;
      const reasons = err.CancellationReasons ?? [];
      if (reasons[1]?.Code === 'ConditionalCheckFailed') throw new LeaseLostError(`the lease on service ${o.service} is no longer held by ${o.owner}`);
      // Another write touched the lease item at the same moment (an actor trying to take it): again.
      if (attempt >= 3 || !reasons.some((r) => r.Code === 'TransactionConflict')) throw err;
    }
  }
}

/** The write that resolves an announcement, for the transaction that records what it started. */
export function resolveStartItem(ctx: StoreContext, service: string, token: string): TransactWriteItem {
  return { Delete: { TableName: ctx.tableName, Key: toItem(KEY.pending(service, token)) } };
}

/**
 * Drops an announcement on its own: the start placed nothing, or failed, or (`expected`) a pass
 * found it resolved — then only if nobody announced (or resolved) the same token since. Returns whether it dropped it.
 */
export async function dropPendingStart(ctx: StoreContext, service: string, token: string, expected?: Pick<PendingStartRecord, 'owner' | 'fenceUntil'>): Promise<boolean> {
  try {
    await ctx.client.send(
      new DeleteItemCommand({
        TableName: ctx.tableName,
        Key: toItem(KEY.pending(service, token)),
        ...(expected
          ? {
              ConditionExpression: '#owner = :owner AND fenceUntil = :fence',
              ExpressionAttributeNames: { '#owner': 'owner' },
              ExpressionAttributeValues: { ':owner': toValue(expected.owner), ':fence': toValue(expected.fenceUntil) },
            }
          : {}),
      }),
    );
    return true;
  } catch (err) {
    if (conditionFailedItem(err) === false) throw err;
    return false;
  }
}

/**
 * A service's tasks and its pending starts in one strongly consistent Query: `PENDING#…` sorts
 * right before `TASK#…` in the service's partition, and nothing else sorts between them.
 */
export async function readServiceTasks(ctx: StoreContext, service: string): Promise<{ tasks: StoredTask[]; pending: PendingStartRecord[] }> {
  const items = await allPages(ctx, {
    KeyConditionExpression: 'pk = :p AND sk BETWEEN :from AND :to',
    ExpressionAttributeValues: { ':p': toValue(KEY.servicePk(service)), ':from': toValue(PREFIX.pending), ':to': toValue(`${PREFIX.task}\uffff`) },
    ConsistentRead: true,
  });
  const tasks: StoredTask[] = [];
  const pending: PendingStartRecord[] = [];
  for (const item of items) {
    const sk = item.sk?.S ?? '';
    if (sk.startsWith(PREFIX.task)) tasks.push(fromItem<StoredTask>(item));
    else if (sk.startsWith(PREFIX.pending)) pending.push(fromItem<PendingStartRecord>(item));
  }
  return { tasks, pending };
}

/** What a planner counts of a service's announcements, given the tasks the store holds (see core/pendingStarts.ts). */
export function plannedPending(pending: PendingStartRecord[], tasks: StoredTask[], except?: string): PendingStart[] {
  return pending.length ? outstandingStarts(pending, tasks, except) : [];
}
