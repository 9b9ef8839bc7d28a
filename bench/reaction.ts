/**
 * Reaction: what one STOPPED task event costs on the handler's path (a replacement is due: each
 * event stops the one task of its own service), and how the handler's wall time compares with the
 * bare SDK calls it makes — the same read, lease, read with the service's tasks, announcement,
 * RunTask and write, built by hand — on the same local endpoints, interleaved, median of many.
 */
import { PutItemCommand, QueryCommand, TransactGetItemsCommand, TransactWriteItemsCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CreateClusterCommand, ECSClient, RegisterTaskDefinitionCommand, RunTaskCommand } from '@aws-sdk/client-ecs';
import { recordTaskEvent, type TaskEventDeps } from '../shared/handlers/taskEvents';
import { DEFAULT_DEPLOYMENT_CONFIGURATION } from '../shared/core/service';
import { createStore } from '../shared/store';
import { toItem } from '../shared/store/codec';
import { historyItem } from '../shared/store/history';
import { KEY } from '../shared/store/table';
import { startSimulator } from '../local/sim';
import type { VirtualClock } from '../local/sim/clock';
import { CallCounter, isDynamoWrite, median, round, timeIt } from './stats';

export interface ReactionFigures {
  awsCallsPerStoppedEvent: number;
  ddbWritesPerEvent: number;
  duplicateDdbWrites: number;
  duplicateAwsCalls: number;
  duplicateEcsCalls: number;
  latencyRatio: number;
  handlerMedianMs: number;
  bareMedianMs: number;
}

const STAGE = 'bench';

function stoppedEvent(taskArn: string, version: number, service: string) {
  return {
    version: '0',
    id: `evt-${taskArn}`,
    'detail-type': 'ECS Task State Change',
    source: 'aws.ecs',
    account: '123456789012',
    time: '2026-01-01T00:00:00Z',
    region: 'us-east-1',
    resources: [taskArn],
    detail: {
      taskArn,
      clusterArn: 'arn:aws:ecs:us-east-1:123456789012:cluster/bench',
      taskDefinitionArn: 'arn:aws:ecs:us-east-1:123456789012:task-definition/web:1',
      lastStatus: 'STOPPED',
      desiredStatus: 'STOPPED',
      stopCode: 'UserInitiated',
      stoppedReason: 'bench',
      group: `shepherd:${service}`,
      startedBy: `shepherd/${STAGE}`,
      containers: [{ name: 'app', lastStatus: 'STOPPED', exitCode: 0 }],
      startedAt: '2026-01-01T00:00:00.000Z',
      stoppedAt: '2026-01-01T01:00:00.000Z',
      version,
    },
  };
}

export async function reaction(client: DynamoDBClient, tableName: string, n = 150): Promise<ReactionFigures> {
  const sim = await startSimulator({ clock: 'virtual', seed: 3 });
  const clock = sim.clock as VirtualClock;
  const ecs = new ECSClient({ endpoint: sim.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
  try {
    await ecs.send(new CreateClusterCommand({ clusterName: 'bench' }));
    await ecs.send(new RegisterTaskDefinitionCommand({ family: 'web', containerDefinitions: [{ name: 'app', image: 'x', cpu: 1, memory: 6, essential: true }] }));
    sim.autoscaling.createGroup({ name: 'b', cluster: 'bench', instanceType: 'm5.2xlarge', availabilityZones: ['us-east-1a'], min: 0, max: 20, desired: 20, warmupMs: 1000 });
    await clock.advance(5000);
    const store = createStore({ client, tableName });
    // One service of one task per event: every event is a stop that needs its replacement.
    const serviceOf = (i: number) => `web-${i}`;
    const ids = [...Array.from({ length: 100 }, (_, i) => 100_000 + i), ...Array.from({ length: n }, (_, i) => i)];
    for (const i of ids) {
      await store.services.create({
        name: serviceOf(i), cluster: 'bench', taskDefinition: 'web:1', desiredCount: 1, schedulingStrategy: 'REPLICA', launchType: 'EC2',
        placementStrategy: [], placementConstraints: [], deploymentConfiguration: DEFAULT_DEPLOYMENT_CONFIGURATION, loadBalancers: [], tags: {}, paused: false,
      });
    }
    const dynamoCalls = new CallCounter();
    dynamoCalls.attach(client);
    const ecsCalls = new CallCounter();
    ecsCalls.attach(ecs);
    const deps: TaskEventDeps = { store, ecs, now: () => new Date(), random: () => 0.5, config: { tableName, eventBusName: 'b', stage: STAGE, taskTtlSeconds: 3600, eventTtlSeconds: 86400 } };

    const bare = async (i: number) => {
      const arn = `arn:aws:ecs:us-east-1:123456789012:task/bench/bare${i}`;
      const svc = serviceOf(i);
      const read = () =>
        client.send(new TransactGetItemsCommand({ TransactItems: [{ Get: { TableName: tableName, Key: toItem(KEY.service(svc)) } }, { Get: { TableName: tableName, Key: toItem(KEY.task(svc, arn)) } }] }));
      const lease = { pk: KEY.servicePk(svc), sk: '#BARE' };
      await read();
      await client.send(new PutItemCommand({ TableName: tableName, Item: toItem({ ...lease, owner: `o${i}`, leaseUntil: 1 }), ConditionExpression: 'attribute_not_exists(pk) OR leaseUntil < :n', ExpressionAttributeValues: { ':n': { N: '2' } } }));
      await Promise.all([
        read(),
        client.send(new QueryCommand({ TableName: tableName, KeyConditionExpression: 'pk = :p AND sk BETWEEN :a AND :b', ExpressionAttributeValues: { ':p': { S: KEY.servicePk(svc) }, ':a': { S: 'PENDING#' }, ':b': { S: 'TASK#\uffff' } }, ConsistentRead: true })),
      ]);
      const pending = { pk: KEY.servicePk(svc), sk: `PENDING#bare-${i}` };
      await client.send(
        new TransactWriteItemsCommand({
          TransactItems: [
            { Put: { TableName: tableName, Item: toItem({ ...pending, count: 1 }) } },
            { Update: { TableName: tableName, Key: toItem(lease), UpdateExpression: 'SET leaseUntil = :u', ConditionExpression: '#o = :o', ExpressionAttributeNames: { '#o': 'owner' }, ExpressionAttributeValues: { ':u': { N: '1' }, ':o': { S: `o${i}` } } } },
          ],
        }),
      );
      const run = await ecs.send(new RunTaskCommand({ cluster: 'bench', taskDefinition: 'web:1', count: 1, startedBy: `shepherd/${STAGE}`, group: `shepherd:${svc}`, clientToken: `bare-${i}` }));
      await client.send(
        new TransactWriteItemsCommand({
          TransactItems: [
            { Delete: { TableName: tableName, Key: toItem(pending) } },
            { Delete: { TableName: tableName, Key: toItem(lease), ConditionExpression: '#o = :o', ExpressionAttributeNames: { '#o': 'owner' }, ExpressionAttributeValues: { ':o': { S: `o${i}` } } } },
            { Update: { TableName: tableName, Key: toItem(KEY.task(svc, arn)), UpdateExpression: 'SET lastStatus = :s, #v = :v', ConditionExpression: 'attribute_not_exists(#v) OR #v < :v', ExpressionAttributeNames: { '#v': 'version' }, ExpressionAttributeValues: { ':s': { S: 'STOPPED' }, ':v': { N: '3' } } } },
            { Update: { TableName: tableName, Key: toItem(KEY.task(svc, run.tasks?.[0]?.taskArn ?? `${arn}-new`)), UpdateExpression: 'SET lastStatus = if_not_exists(lastStatus, :s)', ExpressionAttributeValues: { ':s': { S: 'PROVISIONING' } } } },
            { Put: { TableName: tableName, Item: toItem(historyItem(store.ctx, { id: `${arn}:stopped`, type: 'Task Stopped', subject: svc, time: '2026-01-01T01:00:00.000Z', message: 'm', detail: {} })) } },
            { Put: { TableName: tableName, Item: toItem(historyItem(store.ctx, { id: `${arn}:replaced`, type: 'Task Replaced', subject: svc, time: '2026-01-01T01:00:00.000Z', message: 'm', detail: {} })) } },
          ],
        }),
      );
    };
    const handler = (i: number, version = 3) => recordTaskEvent(stoppedEvent(`arn:aws:ecs:us-east-1:123456789012:task/bench/h${i}`, version, serviceOf(i)), deps);

    for (let i = 0; i < 100; i++) {
      await handler(100_000 + i);
      await bare(100_000 + i);
    }
    const handlerTimes: number[] = [];
    const bareTimes: number[] = [];
    let calls = 0;
    let writes = 0;
    for (let i = 0; i < n; i++) {
      const c0 = dynamoCalls.total() + ecsCalls.total();
      const w0 = dynamoCalls.total(isDynamoWrite);
      handlerTimes.push(
        await timeIt(async () => {
          const out = await handler(i);
          // The figure is for the replacement path: anything else would flatter it.
          if (!('state' in out) || out.state !== 'replaced') throw new Error(`reaction bench: event ${i} was not replaced: ${JSON.stringify(out)}`);
        }),
      );
      calls += dynamoCalls.total() + ecsCalls.total() - c0;
      writes += dynamoCalls.total(isDynamoWrite) - w0;
      bareTimes.push(await timeIt(() => bare(i)));
    }
    // Duplicates: the same events again.
    const dc0 = dynamoCalls.total() + ecsCalls.total();
    const dw0 = dynamoCalls.total(isDynamoWrite);
    const de0 = ecsCalls.total();
    for (let i = 0; i < n; i++) await handler(i);
    const handlerMedianMs = median(handlerTimes);
    const bareMedianMs = median(bareTimes);
    return {
      awsCallsPerStoppedEvent: round(calls / n),
      ddbWritesPerEvent: round(writes / n),
      duplicateAwsCalls: round((dynamoCalls.total() + ecsCalls.total() - dc0) / n),
      duplicateDdbWrites: round((dynamoCalls.total(isDynamoWrite) - dw0) / n),
      duplicateEcsCalls: round((ecsCalls.total() - de0) / n),
      latencyRatio: round(handlerMedianMs / bareMedianMs),
      handlerMedianMs: round(handlerMedianMs),
      bareMedianMs: round(bareMedianMs),
    };
  } finally {
    ecs.destroy();
    await sim.close();
  }
}
