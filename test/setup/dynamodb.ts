import type { TestProject } from 'vitest/node';
import { startLocalDynamo } from '../../local/dynamodb';

/** Starts one DynamoDB Local for the integration project; each test file makes its own table. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const dynamo = await startLocalDynamo();
  project.provide('dynamoEndpoint', dynamo.endpoint);
  return () => dynamo.stop();
}

declare module 'vitest' {
  export interface ProvidedContext {
    dynamoEndpoint: string;
  }
}
