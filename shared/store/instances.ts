import type { ObservedInstance } from '../core/observed';
import { fromItem } from './codec';
import { updateIfNewerVersion } from './conditional';
import { epochSeconds, type StoreContext } from './context';
import { StaleVersionError } from './errors';
import type { Page, PageRequest } from './page';
import { getByKey, queryPage } from './query';
import { KEY, PREFIX, TTL_ATTRIBUTE } from './table';

export class InstanceStore {
  constructor(private readonly ctx: StoreContext) {}

  /**
   * Records an observation if newer than the stored one (`detail.version`); StaleVersionError
   * otherwise. Returns what was stored before (undefined for an instance seen for the first time),
   * so callers can act on transitions (registered, draining, reactivated).
   */
  async recordObserved(instance: ObservedInstance): Promise<{ previous?: ObservedInstance }> {
    const set: Record<string, unknown> = { ...instance };
    delete set.version;
    delete set.containerInstanceArn;
    delete set.cluster;
    // A deregistered instance never comes back: its record expires like a stopped task's.
    set[TTL_ATTRIBUTE] = instance.status === 'INACTIVE' ? epochSeconds(this.ctx.now()) + this.ctx.taskTtlSeconds : undefined;
    try {
      const old = await updateIfNewerVersion(
        this.ctx,
        KEY.instance(instance.cluster, instance.containerInstanceArn),
        instance.version,
        set,
        { containerInstanceArn: instance.containerInstanceArn, cluster: instance.cluster, entity: 'instance' },
        'ALL_OLD',
      );
      return Object.keys(old).length ? { previous: fromItem<ObservedInstance>(old) } : {};
    } catch (err) {
      if (err instanceof StaleVersionError) {
        throw new StaleVersionError(instance.version, err.current ? fromItem<ObservedInstance>(err.current as never) : undefined);
      }
      throw err;
    }
  }

  get(cluster: string, containerInstanceArn: string): Promise<ObservedInstance | undefined> {
    return getByKey<ObservedInstance>(this.ctx, KEY.instance(cluster, containerInstanceArn));
  }


  listByCluster(cluster: string, req: PageRequest = {}): Promise<Page<ObservedInstance>> {
    return queryPage<ObservedInstance>(this.ctx, { partition: KEY.clusterPk(cluster), sortPrefix: PREFIX.instance }, req);
  }
}
