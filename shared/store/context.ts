import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';

export interface StoreContext {
  client: DynamoDBClient;
  tableName: string;
  /** The clock; injectable so tests control time. */
  now: () => Date;
  /** How long a task's record outlives its STOPPED state. */
  taskTtlSeconds: number;
  /** How long history events are kept. */
  eventTtlSeconds: number;
}

export const DEFAULT_TASK_TTL_SECONDS = 24 * 3600;
export const DEFAULT_EVENT_TTL_SECONDS = 30 * 24 * 3600;

export function epochSeconds(d: Date): number {
  return Math.floor(d.getTime() / 1000);
}
