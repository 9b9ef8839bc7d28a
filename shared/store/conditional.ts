import {
  ConditionalCheckFailedException,
  PutItemCommand,
  TransactionCanceledException,
  TransactWriteItemsCommand,
  UpdateItemCommand,
  type AttributeValue,
} from '@aws-sdk/client-dynamodb';
import { toItem, toValue, type Item } from './codec';
import type { StoreContext } from './context';
import { ConflictError, NotFoundError, StaleVersionError } from './errors';

/**
 * The store's three conditional writes. Each is one round trip; a failed condition comes back
 * with the winning item (ReturnValuesOnConditionCheckFailure: ALL_OLD) as a typed error.
 */

type Key = { pk: string; sk: string };

/** Builds `SET #a = :a, …` / `REMOVE #b` with placeholders for every name and value. */
export function buildUpdate(
  set: Record<string, unknown>,
  remove: string[] = [],
  extraValues: Record<string, AttributeValue> = {},
  extraSet: string[] = [],
): {
  UpdateExpression: string;
  ExpressionAttributeNames: Record<string, string>;
  ExpressionAttributeValues: Record<string, AttributeValue>;
} {
  const names: Record<string, string> = {};
  const values: Record<string, AttributeValue> = { ...extraValues };
  const sets: string[] = [...extraSet];
  let i = 0;
  for (const [field, value] of Object.entries(set)) {
    if (value === undefined) {
      remove.push(field);
      continue;
    }
    names[`#f${i}`] = field;
    values[`:f${i}`] = toValue(value);
    sets.push(`#f${i} = :f${i}`);
    i++;
  }
  const removes = [...new Set(remove)].map((field) => {
    names[`#f${i}`] = field;
    return `#f${i++}`;
  });
  const parts = [];
  if (sets.length) parts.push(`SET ${sets.join(', ')}`);
  if (removes.length) parts.push(`REMOVE ${removes.join(', ')}`);
  return { UpdateExpression: parts.join(' '), ExpressionAttributeNames: names, ExpressionAttributeValues: values };
}

export function conditionFailedItem(err: unknown): Item | undefined | false {
  if (err instanceof ConditionalCheckFailedException) return err.Item;
  if (err && typeof err === 'object' && (err as { name?: string }).name === 'ConditionalCheckFailedException') {
    return (err as { Item?: Item }).Item;
  }
  return false;
}

/** PutItem only if no item has this key. Conflict carries the existing item. */
export async function createIfAbsent(ctx: StoreContext, item: Record<string, unknown>, what: string): Promise<void> {
  try {
    await ctx.client.send(
      new PutItemCommand({
        TableName: ctx.tableName,
        Item: toItem(item),
        ConditionExpression: 'attribute_not_exists(pk)',
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      }),
    );
  } catch (err) {
    const current = conditionFailedItem(err);
    if (current === false) throw err;
    throw new ConflictError(`${what} already exists`, current);
  }
}

/**
 * Updates the given fields only if the item's `revision` is still `expectedRevision`, and bumps it.
 * Fields not named are left as they are (runtime fields written by other paths survive).
 */
export async function updateIfRevision(
  ctx: StoreContext,
  key: Key,
  expectedRevision: number,
  set: Record<string, unknown>,
  what: string,
): Promise<Item> {
  const u = buildUpdate(set, [], { ':expected': toValue(expectedRevision), ':one': toValue(1) }, [
    '#revision = #revision + :one',
  ]);
  u.ExpressionAttributeNames['#revision'] = 'revision';
  try {
    const out = await ctx.client.send(
      new UpdateItemCommand({
        TableName: ctx.tableName,
        Key: toItem(key),
        ...u,
        ConditionExpression: 'attribute_exists(pk) AND #revision = :expected',
        ReturnValues: 'ALL_NEW',
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      }),
    );
    return out.Attributes ?? {};
  } catch (err) {
    const current = conditionFailedItem(err);
    if (current === false) throw err;
    if (!current) throw new NotFoundError(what);
    throw new ConflictError(`${what} was changed by someone else (revision ${expectedRevision} is stale)`, current);
  }
}

/**
 * Writes observed state only if `version` is newer than the stored one (or nothing is stored).
 * `set` replaces the observed fields; `setIfAbsent` fields are written only when the item is new
 * (e.g. key attributes and creation time), so fields other writers own survive.
 * Returns the item as stored afterwards. A duplicate or older version throws StaleVersionError.
 */
export async function updateIfNewerVersion(
  ctx: StoreContext,
  key: Key,
  version: number,
  set: Record<string, unknown>,
  setIfAbsent: Record<string, unknown> = {},
  /** Items written in the same transaction, only if the version condition holds (e.g. history). */
  alsoPut: Record<string, unknown>[] = [],
): Promise<Item> {
  const extraSet: string[] = [];
  const extraValues: Record<string, AttributeValue> = { ':version': toValue(version) };
  const extraNames: Record<string, string> = { '#version': 'version' };
  let j = 0;
  for (const [field, value] of Object.entries(setIfAbsent)) {
    if (value === undefined) continue;
    extraNames[`#a${j}`] = field;
    extraValues[`:a${j}`] = toValue(value);
    extraSet.push(`#a${j} = if_not_exists(#a${j}, :a${j})`);
    j++;
  }
  extraSet.push('#version = :version');
  const u = buildUpdate(set, [], extraValues, extraSet);
  Object.assign(u.ExpressionAttributeNames, extraNames);
  const condition = 'attribute_not_exists(#version) OR #version < :version';
  if (alsoPut.length > 0) {
    try {
      await ctx.client.send(
        new TransactWriteItemsCommand({
          TransactItems: [
            {
              Update: {
                TableName: ctx.tableName,
                Key: toItem(key),
                ...u,
                ConditionExpression: condition,
                ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
              },
            },
            ...alsoPut.map((item) => ({ Put: { TableName: ctx.tableName, Item: toItem(item) } })),
          ],
        }),
      );
    } catch (err) {
      const reason = err instanceof TransactionCanceledException ? err.CancellationReasons?.[0] : undefined;
      if (reason?.Code === 'ConditionalCheckFailed') throw new StaleVersionError(version, reason.Item);
      throw err;
    }
    return { ...toItem({ ...setIfAbsent, ...set, version }), ...toItem(key) };
  }
  try {
    const out = await ctx.client.send(
      new UpdateItemCommand({
        TableName: ctx.tableName,
        Key: toItem(key),
        ...u,
        ConditionExpression: condition,
        ReturnValues: 'ALL_NEW',
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      }),
    );
    return out.Attributes ?? {};
  } catch (err) {
    const current = conditionFailedItem(err);
    if (current === false) throw err;
    throw new StaleVersionError(version, current);
  }
}
