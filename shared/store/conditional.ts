import {
  ConditionalCheckFailedException,
  PutItemCommand,
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

/** `SET #x = if_not_exists(#x, :x)` for each field: written only where the item has none yet. */
export function ifAbsentClauses(fields: Record<string, unknown>, prefix = 'a') {
  const names: Record<string, string> = {};
  const values: Record<string, AttributeValue> = {};
  const sets: string[] = [];
  let j = 0;
  for (const [field, value] of Object.entries(fields)) {
    if (value === undefined) continue;
    names[`#${prefix}${j}`] = field;
    values[`:${prefix}${j}`] = toValue(value);
    sets.push(`#${prefix}${j} = if_not_exists(#${prefix}${j}, :${prefix}${j})`);
    j++;
  }
  return { names, values, sets };
}

export const NEWER_VERSION_CONDITION = 'attribute_not_exists(#version) OR #version < :version';

/** The UpdateItem parts that write observed state only if `version` is newer than the stored one. */
export function newerVersionUpdate(version: number, set: Record<string, unknown>, setIfAbsent: Record<string, unknown> = {}) {
  const abs = ifAbsentClauses(setIfAbsent);
  const u = buildUpdate(set, [], { ':version': toValue(version), ...abs.values }, [...abs.sets, '#version = :version']);
  Object.assign(u.ExpressionAttributeNames, abs.names, { '#version': 'version' });
  return { ...u, ConditionExpression: NEWER_VERSION_CONDITION };
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
  /** ALL_NEW: the item afterwards; ALL_OLD: the item before (empty when it is new). */
  returnValues: 'ALL_NEW' | 'ALL_OLD' = 'ALL_NEW',
): Promise<Item> {
  try {
    const out = await ctx.client.send(
      new UpdateItemCommand({
        TableName: ctx.tableName,
        Key: toItem(key),
        ...newerVersionUpdate(version, set, setIfAbsent),
        ReturnValues: returnValues,
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
