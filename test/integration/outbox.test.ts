/**
 * The outbox end to end: a handler's history write → the table's stream (DynamoDB Local) →
 * publishOutbox → Shepherd's bus on the EventBridge simulator, through the real SDK clients.
 */
import { CreateEventBusCommand, EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { publishOutbox } from '../../shared/handlers/outbox';
import { recordTaskEvent } from '../../shared/handlers/taskEvents';
import type { TaskEventDeps } from '../../shared/handlers/taskEvents';
import { testDeps } from '../helpers/ecs';
import { pollTableStream, type StreamPoller } from '../../local/streams';
import { readStack } from '../../local/stack';
import { CallLog } from '../../local/sim/calls';
import { VirtualClock } from '../../local/sim/clock';
import { EventBridgeSimulator } from '../../local/sim/events';
import { Faults } from '../../local/sim/faults';
import { seededRandom } from '../../local/sim/random';
import { startSimServer, type RunningServer } from '../../local/sim/server';
import { managedTaskEvent } from '../helpers/fixtures';
import { makeTestStore, type TestStore } from '../helpers/store';

let t: TestStore;
let rt: TaskEventDeps;
let bus: EventBridgeSimulator;
let server: RunningServer;
let events: EventBridgeClient;
let poller: StreamPoller;
const faults = new Faults(seededRandom(7));

beforeAll(async () => {
  t = await makeTestStore();
  rt = testDeps(t);
  bus = new EventBridgeSimulator({ clock: new VirtualClock(), random: seededRandom(1), accountId: '123456789012', region: 'us-east-1' });
  server = await startSimServer({ json: [bus], query: [], faults, calls: new CallLog() });
  events = new EventBridgeClient({ endpoint: server.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' }, maxAttempts: 1 });
  await events.send(new CreateEventBusCommand({ Name: 'shepherd-test' }));
  const stream = readStack().functions.find((f) => f.name === 'publishOutbox')!.events[0]!;
  if (stream.kind !== 'stream') throw new Error('publishOutbox has no stream event');
  poller = await pollTableStream({
    dynamo: t.client,
    endpoint: t.endpoint,
    tableName: t.tableName,
    batchSize: stream.batchSize,
    filterPatterns: stream.filterPatterns,
    deliver: (e) => publishOutbox(e, { events, busName: 'shepherd-test', stage: 'test' }),
  });
});
afterAll(async () => {
  poller.stop();
  events.destroy();
  await server.close();
  t.client.destroy();
});

const published = () => bus.history('shepherd-test');

describe('outbox: history items reach Shepherd\'s bus from the stream', () => {
  it('publishes a stopped task\'s history event once, and nothing for observations or duplicates', async () => {
    const running = managedTaskEvent('ec2/task-running.json', { service: 'outbox' });
    const stopped = managedTaskEvent('ec2/task-stopped-essential-exit.json', { service: 'outbox' });
    await recordTaskEvent(running, rt);
    await recordTaskEvent(stopped, rt);
    await recordTaskEvent(structuredClone(stopped), rt);
    await poller.pollOnce();
    const out = published();
    expect(out).toHaveLength(1);
    expect(out[0]).toMatchObject({ source: 'shepherd', 'detail-type': 'Shepherd Task Stopped' });
    expect(out[0]?.detail).toMatchObject({ subject: 'outbox', stopCode: 'EssentialContainerExited', eventId: `${stopped.detail.taskArn}:stopped` });
  });

  it('when the bus is unavailable nothing is lost: the batch is retried on the next poll', async () => {
    const before = published().length;
    faults.set('events', { serverErrorRate: 1 });
    await t.store.history.append({ id: 'retry-1', type: 'Capacity Changed', subject: 'cluster:prod', time: '2026-01-01T00:00:00.000Z', message: 'm', detail: {} });
    await poller.pollOnce();
    expect(published().length).toBe(before);
    faults.clear();
    await poller.pollOnce();
    const after = published();
    expect(after.length).toBe(before + 1);
    expect(after.at(-1)).toMatchObject({ 'detail-type': 'Shepherd Capacity Changed', detail: { eventId: 'retry-1', subject: 'cluster:prod' } });
  });
});
