/** DynamoDB stream of Shepherd's table → Shepherd's event bus (the outbox). */
import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { eventBridgeClient } from '../shared/aws/clients';
import { config } from '../shared/config';
import { publishOutbox } from '../shared/handlers/outbox';
import { lambda } from '../shared/lambda';

export const handler = lambda(async (event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> => {
  const c = config();
  return publishOutbox(event, { events: eventBridgeClient(), busName: c.eventBusName, stage: c.stage });
});
