import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ClusterStore } from './clusters';
import { DEFAULT_EVENT_TTL_SECONDS, DEFAULT_TASK_TTL_SECONDS, type StoreContext } from './context';
import { HistoryStore } from './history';
import { InstanceStore } from './instances';
import { ServiceStore } from './services';
import { TaskStore } from './tasks';

export * from './errors';
export type { Page, PageRequest } from './page';
export type { StoredTask } from './tasks';
export type { ServiceRuntime } from './services';
export { tableDefinition, TTL_ATTRIBUTE } from './table';

export interface StoreOptions {
  client: DynamoDBClient;
  tableName: string;
  now?: () => Date;
  taskTtlSeconds?: number;
  eventTtlSeconds?: number;
}

/** Shepherd's state in DynamoDB: typed, conditional operations per entity. */
export interface Store {
  ctx: StoreContext;
  services: ServiceStore;
  tasks: TaskStore;
  instances: InstanceStore;
  clusters: ClusterStore;
  history: HistoryStore;
}

export function createStore(opts: StoreOptions): Store {
  const ctx: StoreContext = {
    client: opts.client,
    tableName: opts.tableName,
    now: opts.now ?? (() => new Date()),
    taskTtlSeconds: opts.taskTtlSeconds ?? DEFAULT_TASK_TTL_SECONDS,
    eventTtlSeconds: opts.eventTtlSeconds ?? DEFAULT_EVENT_TTL_SECONDS,
  };
  return {
    ctx,
    services: new ServiceStore(ctx),
    tasks: new TaskStore(ctx),
    instances: new InstanceStore(ctx),
    clusters: new ClusterStore(ctx),
    history: new HistoryStore(ctx),
  };
}
