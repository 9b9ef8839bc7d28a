/** Malformed events are logged once and parked on the failure queue (SQS, simulated), never thrown. */
import { SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sqsParker } from '../../shared/failures';
import { recordInstanceEvent } from '../../shared/handlers/instanceEvents';
import { recordTaskEvent } from '../../shared/handlers/taskEvents';
import { fixture, managedTaskEvent } from '../helpers/fixtures';
import { makeWorld, type World } from '../helpers/world';

let w: World;
let sqs: SQSClient;

beforeAll(async () => {
  w = await makeWorld({ instances: 1 });
  const url = w.sim.sqs.createQueue('shepherd-test-failures');
  sqs = new SQSClient({ endpoint: w.sim.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
  w.deps.failures = sqsParker(() => sqs, url);
});
afterAll(async () => {
  sqs.destroy();
  await w.close();
});

const parked = () => w.sim.sqs.messages('shepherd-test-failures').map((m) => JSON.parse(m.Body) as Record<string, unknown>);

describe('malformed events', () => {
  it('a task event missing its ARN is parked once with its id and the offending field', async () => {
    const e = managedTaskEvent('ec2/task-running.json') as unknown as { id: string; detail: Record<string, unknown> };
    delete e.detail.taskArn;
    expect(await recordTaskEvent(e, w.deps)).toMatchObject({ outcome: 'malformed', eventId: e.id });
    const [msg] = parked();
    expect(msg).toMatchObject({ kind: 'malformed-event', eventId: e.id, eventKind: 'ECS Task State Change' });
    expect(String(msg!.issues)).toContain('detail.taskArn');
    expect(JSON.parse(String(msg!.event))).toEqual(e);
  });

  it('truncated, wrong-typed and unknown-shaped events never throw, and each is parked', async () => {
    const before = parked().length;
    const junk: unknown[] = [null, 'text', 42, [], {}, { 'detail-type': 'ECS Task State Change', detail: 'x' }];
    for (const j of junk) expect((await recordTaskEvent(j, w.deps)).outcome).toBe('malformed');
    const inst = fixture<{ detail: Record<string, unknown> }>('ec2/container-instance-draining.json');
    inst.detail.version = 'seven';
    expect((await recordInstanceEvent(inst, w.deps)).outcome).toBe('malformed');
    expect(parked().length - before).toBe(junk.length + 1);
  });

  it('when the queue cannot be reached the handler throws, so Lambda retries and nothing is lost', async () => {
    w.sim.faults.set('sqs', { serverErrorRate: 1 });
    const sqsNoRetry = new SQSClient({ endpoint: w.sim.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' }, maxAttempts: 1 });
    const deps = { ...w.deps, failures: sqsParker(() => sqsNoRetry, w.sim.sqs.url('shepherd-test-failures')) };
    await expect(recordTaskEvent({ broken: true }, deps)).rejects.toThrow();
    w.sim.faults.clear();
    sqsNoRetry.destroy();
  });
});
