import type { Store } from '../../shared/store';
import { ECSClient } from '@aws-sdk/client-ecs';

/** For tests where no replacement is ever due: an ECS client that fails loudly if it is ever used. */
export const unreachableEcs = new ECSClient({
  endpoint: 'http://127.0.0.1:9',
  region: 'us-east-1',
  credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
  maxAttempts: 1,
});

/** Handler dependencies on a test store, for tests where no replacement is ever due. */
export function testDeps(t: { store: Store; tableName: string }, stage = 'test') {
  return {
    ecs: unreachableEcs,
    store: t.store,
    now: () => new Date(),
    config: { tableName: t.tableName, eventBusName: 'shepherd-test', stage, taskTtlSeconds: 3600, eventTtlSeconds: 86400 },
  };
}
