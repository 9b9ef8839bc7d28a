import type { Cluster } from '../core/cluster';
import type { ObservedInstance } from '../core/observed';
import type { Service } from '../core/service';
import { fromItem, toValue } from './codec';
import { allPages } from './query';
import type { StoreContext } from './context';
import type { PendingStartRecord } from './pendingStarts';
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
  /** Starts announced and not yet resolved (shared/store/pendingStarts.ts). */
  pending: PendingStartRecord[];
  /** The cluster's own record (settings, capacity state), when registered. */
  cluster?: Cluster;
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
  const pending: PendingStartRecord[] = [];
  for (const item of byCluster) {
    const sk = item.gsi1sk?.S ?? '';
    if (sk.startsWith(PREFIX.service)) services.push(fromItem<Service>(item));
    else if (sk.startsWith(PREFIX.task)) tasks.push(fromItem<StoredTask>(item));
    else if (sk.startsWith(PREFIX.pending)) pending.push(fromItem<PendingStartRecord>(item));
  }
  const record = partition.find((i) => i.sk?.S === KEY.cluster(cluster).sk);
  return {
    services,
    tasks,
    pending,
    instances: partition.filter((i) => i.sk?.S?.startsWith(PREFIX.instance)).map((i) => fromItem<ObservedInstance>(i)),
    ...(record ? { cluster: fromItem<Cluster>(record) } : {}),
  };
}
