/**
 * Reaction: what one ECS task event costs on the handler's path, and how the handler's wall time
 * compares with the bare SDK calls it must make, on the same local endpoints (median of many).
 */
import { TransactWriteItemsCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { recordTaskEvent } from '../shared/handlers/taskEvents';
import type { Runtime } from '../shared/runtime';
import { createStore } from '../shared/store';
import { historyItem } from '../shared/store/history';
import { KEY } from '../shared/store/table';
import { toItem } from '../shared/store/codec';
import { CallCounter, isDynamoWrite, median, round, timeIt } from './stats';

export interface ReactionFigures {
  awsCallsPerStoppedEvent: number;
  ddbWritesPerEvent: number;
  duplicateDdbWrites: number;
  duplicateEcsCalls: number;
  latencyRatio: number;
  handlerMedianMs: number;
  bareMedianMs: number;
}

function stoppedEvent(i: number) {
  const arn = `arn:aws:ecs:us-east-1:123456789012:task/bench/${i.toString(16).padStart(32, '0')}`;
  return {
    version: '0',
    id: `evt-${i}`,
    'detail-type': 'ECS Task State Change',
    source: 'aws.ecs',
    account: '123456789012',
    time: '2026-01-01T00:00:00Z',
    region: 'us-east-1',
    resources: [arn],
    detail: {
      taskArn: arn,
      clusterArn: 'arn:aws:ecs:us-east-1:123456789012:cluster/bench',
      containerInstanceArn: 'arn:aws:ecs:us-east-1:123456789012:container-instance/bench/abc',
      taskDefinitionArn: 'arn:aws:ecs:us-east-1:123456789012:task-definition/web:1',
      lastStatus: 'STOPPED',
      desiredStatus: 'STOPPED',
      stopCode: 'EssentialContainerExited',
      stoppedReason: 'Essential container in task exited',
      group: 'shepherd:web',
      startedBy: 'shepherd/bench',
      containers: [{ name: 'app', lastStatus: 'STOPPED', exitCode: 1 }],
      stoppedAt: '2026-01-01T00:00:00.000Z',
      version: 3,
    },
  };
}

export async function reaction(client: DynamoDBClient, tableName: string, n = 200): Promise<ReactionFigures> {
  const counter = new CallCounter();
  counter.attach(client);
  const store = createStore({ client, tableName });
  const rt: Runtime = { store, now: () => new Date(), config: { tableName, eventBusName: 'b', stage: 'bench', taskTtlSeconds: 3600, eventTtlSeconds: 86400 } };

  const bare = (i: number) => {
    const e = stoppedEvent(i);
    return client.send(
      new TransactWriteItemsCommand({
        TransactItems: [
          {
            Update: {
              TableName: tableName,
              Key: toItem(KEY.task('web', e.detail.taskArn)),
              UpdateExpression: 'SET lastStatus = :s, #v = :v',
              ConditionExpression: 'attribute_not_exists(#v) OR #v < :v',
              ExpressionAttributeNames: { '#v': 'version' },
              ExpressionAttributeValues: { ':s': { S: 'STOPPED' }, ':v': { N: '3' } },
            },
          },
          {
            Put: {
              TableName: tableName,
              Item: toItem(historyItem(store.ctx, { id: `${e.detail.taskArn}:stopped`, type: 'Task Stopped', subject: 'web', time: e.detail.stoppedAt, message: 'm', detail: {} })),
            },
          },
        ],
      }),
    );
  };

  // Warm up connections, code paths and DynamoDB Local's JIT on both paths.
  for (let i = 0; i < 300; i++) {
    await recordTaskEvent(stoppedEvent(1_000_000 + i), rt);
    await bare(3_000_000 + i);
  }

  // Handler and bare calls alternate, so drift in the machine or the database affects both alike.
  counter.reset();
  const handlerTimes: number[] = [];
  const bareTimes: number[] = [];
  let handlerCalls = 0;
  let handlerWrites = 0;
  for (let i = 0; i < n; i++) {
    const before = counter.total();
    const beforeWrites = counter.total(isDynamoWrite);
    handlerTimes.push(await timeIt(() => recordTaskEvent(stoppedEvent(i), rt)));
    handlerCalls += counter.total() - before;
    handlerWrites += counter.total(isDynamoWrite) - beforeWrites;
    bareTimes.push(await timeIt(() => bare(2_000_000 + i)));
  }
  const callsPerEvent = handlerCalls / n;
  const writesPerEvent = handlerWrites / n;

  counter.reset();
  for (let i = 0; i < n; i++) await recordTaskEvent(stoppedEvent(i), rt);
  const duplicateWrites = counter.total(isDynamoWrite) / n;

  const handlerMedianMs = median(handlerTimes);
  const bareMedianMs = median(bareTimes);
  return {
    awsCallsPerStoppedEvent: round(callsPerEvent),
    ddbWritesPerEvent: round(writesPerEvent),
    duplicateDdbWrites: round(duplicateWrites),
    duplicateEcsCalls: 0,
    latencyRatio: round(handlerMedianMs / bareMedianMs),
    handlerMedianMs: round(handlerMedianMs),
    bareMedianMs: round(bareMedianMs),
  };
}
