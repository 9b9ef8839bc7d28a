import { randomUUID } from 'node:crypto';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { inject } from 'vitest';
import { createLocalTable, localDynamoClient } from '../../local/dynamodb';
import { createStore, type Store, type StoreOptions } from '../../shared/store';
import '../setup/dynamodb';

export interface TestStore {
  store: Store;
  client: DynamoDBClient;
  tableName: string;
  endpoint: string;
}

/** A fresh table on the run's DynamoDB Local, so test files never see each other's data. */
export async function makeTestStore(opts: Partial<Omit<StoreOptions, 'client' | 'tableName'>> = {}): Promise<TestStore> {
  const endpoint = inject('dynamoEndpoint');
  const client = localDynamoClient(endpoint);
  const tableName = `shepherd-test-${randomUUID().slice(0, 8)}`;
  await createLocalTable(client, tableName);
  return { store: createStore({ client, tableName, ...opts }), client, tableName, endpoint };
}
