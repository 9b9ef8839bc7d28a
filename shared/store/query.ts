import { GetItemCommand, QueryCommand, type QueryCommandInput } from '@aws-sdk/client-dynamodb';
import { fromItem, toItem, toValue, type Item } from './codec';
import type { StoreContext } from './context';
import { decodeToken, encodeToken, pageLimit, type Page, type PageRequest } from './page';
import { INDEX } from './table';

export interface PartitionQuery {
  /** Main table (pk/sk) or one of the GSIs. */
  index?: keyof typeof INDEX;
  partition: string;
  /** Only sort keys starting with this. */
  sortPrefix?: string;
  /** Newest (highest sort key) first. */
  descending?: boolean;
}

/** One bounded page of a partition, by key: the only read shape the store uses (no scans). */
export async function queryPage<T>(ctx: StoreContext, q: PartitionQuery, req: PageRequest = {}): Promise<Page<T>> {
  const [pkName, skName] = q.index === 'byCluster' ? ['gsi1pk', 'gsi1sk'] : q.index === 'byKind' ? ['gsi2pk', 'gsi2sk'] : ['pk', 'sk'];
  const scope = `${q.index ?? 'table'}|${q.partition}|${q.sortPrefix ?? ''}`;
  const out = await ctx.client.send(
    new QueryCommand({
      TableName: ctx.tableName,
      ...(q.index ? { IndexName: INDEX[q.index] } : { ConsistentRead: true }),
      KeyConditionExpression: q.sortPrefix ? '#p = :p AND begins_with(#s, :s)' : '#p = :p',
      ExpressionAttributeNames: q.sortPrefix ? { '#p': pkName as string, '#s': skName as string } : { '#p': pkName as string },
      ExpressionAttributeValues: q.sortPrefix ? { ':p': toValue(q.partition), ':s': toValue(q.sortPrefix) } : { ':p': toValue(q.partition) },
      ScanIndexForward: !q.descending,
      Limit: pageLimit(req),
      ExclusiveStartKey: decodeToken(req.nextToken, scope, [pkName as string, q.partition]),
    }),
  );
  const next = encodeToken(out.LastEvaluatedKey, scope);
  return { items: (out.Items ?? []).map((i) => fromItem<T>(i)), ...(next ? { nextToken: next } : {}) };
}

/** Every item of a partition, page by page (for bounded partitions such as one cluster's instances). */
export async function queryAll<T>(ctx: StoreContext, q: PartitionQuery): Promise<T[]> {
  const all: T[] = [];
  let nextToken: string | undefined;
  do {
    const page: Page<T> = await queryPage<T>(ctx, q, { limit: 100, ...(nextToken ? { nextToken } : {}) });
    all.push(...page.items);
    nextToken = page.nextToken;
  } while (nextToken);
  return all;
}

/** One item by its key, strongly consistent. */
export async function getByKey<T>(ctx: StoreContext, key: { pk: string; sk: string }): Promise<T | undefined> {
  const out = await ctx.client.send(new GetItemCommand({ TableName: ctx.tableName, Key: toItem(key), ConsistentRead: true }));
  return out.Item ? fromItem<T>(out.Item) : undefined;
}

/** Every item a query matches, in 1 MB pages (the caller bounds the partition). */
export async function allPages(ctx: StoreContext, input: Omit<QueryCommandInput, 'TableName' | 'ExclusiveStartKey'>): Promise<Item[]> {
  const items: Item[] = [];
  let start: Record<string, Item[string]> | undefined;
  do {
    const out = await ctx.client.send(new QueryCommand({ TableName: ctx.tableName, ...input, ...(start ? { ExclusiveStartKey: start } : {}) }));
    items.push(...(out.Items ?? []));
    start = out.LastEvaluatedKey;
  } while (start);
  return items;
}
