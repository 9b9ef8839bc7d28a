/**
 * Tasks whose service is gone from the store (its item deleted by hand, say) are nobody's: no
 * planner sees them. A reconciler pass stops them once they are older than the grace period, with a
 * stop intent recorded first; younger ones are left alone.
 */
import { DeleteItemCommand } from '@aws-sdk/client-dynamodb';
import { afterEach, describe, expect, it } from 'vitest';
import { reconcileCluster } from '../../shared/reconcile/cluster';
import { ORPHAN_GRACE_MS } from '../../shared/reconcile/orphans';
import { toItem } from '../../shared/store/codec';
import { KEY } from '../../shared/store/table';
import { makeWorld, type World } from '../helpers/world';

let w: World | undefined;
afterEach(async () => {
  await w?.close();
  w = undefined;
});

const pass = (world: World) => reconcileCluster(world.deps, 'prod');

describe('orphaned tasks', () => {
  it('tasks of a service removed from the store are stopped after the grace period, and only theirs', async () => {
    const world = (w = await makeWorld({ instances: 3 }));
    await world.launchService({ name: 'web', desiredCount: 2 });
    await world.launchService({ name: 'api', taskDefinition: 'api:1', desiredCount: 1 });
    await pass(world);
    await world.client.send(new DeleteItemCommand({ TableName: world.tableName, Key: toItem(KEY.service('web')) }));

    // Within the grace period: left alone.
    const early = await pass(world);
    expect(early.drift.orphansStopped).toBe(0);
    expect(world.liveTasks('web')).toHaveLength(2);

    await world.settle(ORPHAN_GRACE_MS);
    const late = await pass(world);
    expect(late.drift.orphansStopped).toBe(2);
    await world.settle(30_000);
    expect(world.liveTasks('web')).toHaveLength(0);
    expect(world.liveTasks('api')).toHaveLength(1);
    const [first] = world.sim.ecs.snapshot().tasks.filter((t) => t.group === 'shepherd:web');
    expect((await world.store.tasks.get('web', first!.arn))?.stopIntent).toBe('service-deleted');
    // No replacement: nobody wants them.
    expect(world.sim.ecs.snapshot().tasks.filter((t) => t.group === 'shepherd:web')).toHaveLength(2);
  });
});
