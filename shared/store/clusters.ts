import type { CapacitySettings, Cluster } from '../core/cluster';
import { fromItem } from './codec';
import { createIfAbsent, updateIfRevision } from './conditional';
import type { StoreContext } from './context';
import { ConflictError } from './errors';
import type { Page, PageRequest } from './page';
import { getByKey, queryPage } from './query';
import { KEY } from './table';

export class ClusterStore {
  constructor(private readonly ctx: StoreContext) {}

  get(name: string): Promise<Cluster | undefined> {
    return getByKey<Cluster>(this.ctx, KEY.cluster(name));
  }

  /** Registers a cluster Shepherd schedules on; returns the existing record if it is already known. */
  async ensure(name: string): Promise<Cluster> {
    const now = this.ctx.now().toISOString();
    const cluster: Cluster = { name, revision: 1, createdAt: now, updatedAt: now };
    try {
      await createIfAbsent(this.ctx, { ...KEY.cluster(name), gsi2pk: 'CLUSTER', gsi2sk: name, entity: 'cluster', ...cluster }, `cluster ${name}`);
      return cluster;
    } catch (err) {
      if (err instanceof ConflictError && err.current) return fromItem<Cluster>(err.current as never);
      throw err;
    }
  }

  /** Sets (or clears, with undefined) capacity settings if the cluster is still at `expectedRevision`. */
  async setCapacity(name: string, expectedRevision: number, capacity: CapacitySettings | undefined): Promise<Cluster> {
    try {
      const item = await updateIfRevision(
        this.ctx,
        KEY.cluster(name),
        expectedRevision,
        { capacity, updatedAt: this.ctx.now().toISOString() },
        `cluster ${name}`,
      );
      return fromItem<Cluster>(item);
    } catch (err) {
      if (err instanceof ConflictError) throw new ConflictError(err.message, err.current ? fromItem<Cluster>(err.current as never) : undefined);
      throw err;
    }
  }

  list(req: PageRequest = {}): Promise<Page<Cluster>> {
    return queryPage<Cluster>(this.ctx, { index: 'byKind', partition: 'CLUSTER' }, req);
  }
}
