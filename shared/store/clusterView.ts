import { QueryCommand, type QueryCommandInput } from '@aws-sdk/client-dynamodb';
import type { Cluster } from '../core/cluster';
import type { ObservedInstance } from '../core/observed';
import type { Service } from '../core/service';
import { fromItem, toValue, type Item } from './codec';
import type { StoreContext } from './context';
import type { StoredTask } from './tasks';
import { INDEX, KEY, PREFIX } from './table';

/**
 * What the store holds for one cluster, in as few reads as DynamoDB allows: the `byCluster`
 * partition (the cluster's services and its tasks that are not STOPPED, filtered server-side) and
 * the cluster's container instances (strongly consistent), each in 1 MB pages. The reconciler's
 * per-cluster read; its size is bounded by the cluster (≈ 1–3 KB per task, 2–6 KB per instance).
 * The index is eventually consistent: the reconciler re-reads a service consistently before acting.
 */
export interface ClusterView {
  services: Service[];
  tasks: StoredTask[];
  instances: ObservedInstance[];
  /** The cluster's own record (settings, capacity state), when registered. */
  cluster?: Cluster;
}

async function allPages(ctx: StoreContext, input: Omit<QueryCommandInput, 'TableName' | 'ExclusiveStartKey'>): Promise<Item[]> {
  const items: Item[] = [];
  let start: Record<string, Item[string]> | undefined;
  do {
    const out = await ctx.client.send(new QueryCommand({ TableName: ctx.tableName, ...input, ...(start ? { ExclusiveStartKey: start } : {}) }));
    items.push(...(out.Items ?? []));
    start = out.LastEvaluatedKey;
  } while (start);
  return items;
}

/** The cluster's services and live tasks (byCluster) and its instances, read in parallel. */
export async function readClusterView(ctx: StoreContext, cluster: string): Promise<ClusterView> {
  const [byCluster, partition] = await Promise.all([
    allPages(ctx, {
      IndexName: INDEX.byCluster,
      KeyConditionExpression: 'gsi1pk = :p',
      FilterExpression: 'attribute_not_exists(lastStatus) OR lastStatus <> :stopped',
      ExpressionAttributeValues: { ':p': toValue(KEY.clusterPk(cluster)), ':stopped': toValue('STOPPED') },
    }),
    // The cluster's partition from its own item (`#CLUSTER`) through its instances (`CI#…`):
    // the cluster record comes with the same read, and its history (`EVT#…`) sorts after them.
    allPages(ctx, {
      KeyConditionExpression: 'pk = :p AND sk BETWEEN :from AND :to',
      ExpressionAttributeValues: { ':p': toValue(KEY.clusterPk(cluster)), ':from': toValue(KEY.cluster(cluster).sk), ':to': toValue(`${PREFIX.instance}\uffff`) },
      ConsistentRead: true,
    }),
  ]);
  const services: Service[] = [];
  const tasks: StoredTask[] = [];
  for (const item of byCluster) {
    const sk = item.gsi1sk?.S ?? '';
    if (sk.startsWith(PREFIX.service)) services.push(fromItem<Service>(item));
    else if (sk.startsWith(PREFIX.task)) tasks.push(fromItem<StoredTask>(item));
  }
  const record = partition.find((i) => i.sk?.S === KEY.cluster(cluster).sk);
  return {
    services,
    tasks,
    instances: partition.filter((i) => i.sk?.S?.startsWith(PREFIX.instance)).map((i) => fromItem<ObservedInstance>(i)),
    ...(record ? { cluster: fromItem<Cluster>(record) } : {}),
  };
}
