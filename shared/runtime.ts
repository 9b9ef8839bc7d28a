import { config, type Config } from './config';
import { dynamoClient, sqsClient } from './aws/clients';
import { sqsParker, type FailureParker } from './failures';
import { createStore, type Store } from './store';

/** What a handler needs at run time, built once per Lambda container from the environment. */
export interface Runtime {
  config: Config;
  store: Store;
  now: () => Date;
  /** Parks malformed input on the failure queue; absent → logged only. */
  failures?: FailureParker;
}

let cached: Runtime | undefined;

export function runtime(): Runtime {
  if (cached) return cached;
  const c = config();
  cached = {
    config: c,
    store: createStore({
      client: dynamoClient(),
      tableName: c.tableName,
      taskTtlSeconds: c.taskTtlSeconds,
      eventTtlSeconds: c.eventTtlSeconds,
    }),
    now: () => new Date(),
    ...(c.failureQueueUrl ? { failures: sqsParker(sqsClient, c.failureQueueUrl) } : {}),
  };
  return cached;
}

export function resetRuntime(): void {
  cached = undefined;
}
