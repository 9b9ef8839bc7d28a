import { DeleteItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { toItem, toValue } from './codec';
import { conditionFailedItem } from './conditional';
import { epochSeconds, type StoreContext } from './context';
import { KEY, TTL_ATTRIBUTE } from './table';

/**
 * A per-service lease: one conditional PutItem in the service's partition (`SVC#<name>` /
 * `#LEASE`), so two overlapping reconciler passes never act on the same service at once. A lease
 * is taken only if there is none, it has expired (`leaseUntil` in ms on the store's clock), or the
 * same owner holds it; it is released by a DeleteItem conditioned on the owner. A holder that
 * crashes leaves a lease that expires after `ttlMs`; DynamoDB's TTL removes the item later.
 * Not an entity any reader lists: nothing queries the service partition without a sort prefix.
 */
export const LEASE_SK = '#LEASE';

export const CLUSTER_SUBJECT = 'cluster:';

/** How long a service's lease lasts unless renewed (announcing a start renews it) or released. */
export const SERVICE_LEASE_MS = 60_000;

/** A service's lease, or a cluster's (capacity decisions) for the subject `cluster:<name>`. */
export const leaseKey = (subject: string) => ({
  pk: subject.startsWith(CLUSTER_SUBJECT) ? KEY.clusterPk(subject.slice(CLUSTER_SUBJECT.length)) : KEY.servicePk(subject),
  sk: LEASE_SK,
});

export interface Lease {
  service: string;
  owner: string;
  leaseUntil: number;
}

/** Takes the lease for `ttlMs`; false when another owner holds an unexpired one. */
export async function acquireLease(ctx: StoreContext, service: string, owner: string, ttlMs: number): Promise<boolean> {
  const now = ctx.now();
  const leaseUntil = now.getTime() + ttlMs;
  try {
    await ctx.client.send(
      new PutItemCommand({
        TableName: ctx.tableName,
        Item: toItem({
          ...leaseKey(service),
          entity: 'lease',
          service,
          owner,
          leaseUntil,
          [TTL_ATTRIBUTE]: epochSeconds(now) + Math.ceil(ttlMs / 1000) + 3600,
        }),
        ConditionExpression: 'attribute_not_exists(pk) OR leaseUntil < :now OR #owner = :owner',
        ExpressionAttributeNames: { '#owner': 'owner' },
        ExpressionAttributeValues: { ':now': toValue(now.getTime()), ':owner': toValue(owner) },
      }),
    );
    return true;
  } catch (err) {
    if (conditionFailedItem(err) !== false) return false;
    throw err;
  }
}

/** Gives the lease back if this owner still holds it (a lease taken over after expiry is left alone). */
export async function releaseLease(ctx: StoreContext, service: string, owner: string): Promise<void> {
  try {
    await ctx.client.send(
      new DeleteItemCommand({
        TableName: ctx.tableName,
        Key: toItem(leaseKey(service)),
        ConditionExpression: '#owner = :owner',
        ExpressionAttributeNames: { '#owner': 'owner' },
        ExpressionAttributeValues: { ':owner': toValue(owner) },
      }),
    );
  } catch (err) {
    if (conditionFailedItem(err) === false) throw err;
  }
}
