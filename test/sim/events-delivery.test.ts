import { PutEventsCommand, PutRuleCommand, PutTargetsCommand } from '@aws-sdk/client-eventbridge';
import { afterEach, describe, expect, it } from 'vitest';
import type { EventEnvelope } from '../../local/sim/types';
import { fixture } from '../helpers/fixtures';
import { startEvents, type EventsHarness } from './events-harness';

const FN = 'arn:aws:lambda:us-east-1:123456789012:function:onTask';
const QUEUE = 'arn:aws:sqs:us-east-1:123456789012:audit';

let open: Array<{ close(): Promise<void> }> = [];
afterEach(async () => {
  await Promise.all(open.map((h) => h.close()));
  open = [];
});

async function harness(seed = 7): Promise<EventsHarness> {
  const h = await startEvents({ seed });
  open.push(h);
  await h.client.send(new PutRuleCommand({ Name: 'stopped', EventPattern: JSON.stringify({ source: ['shepherd.test'], detail: { status: ['STOPPED'] } }) }));
  await h.client.send(new PutTargetsCommand({ Rule: 'stopped', Targets: [{ Id: 'fn', Arn: FN }, { Id: 'audit', Arn: QUEUE }] }));
  return h;
}

const entry = (n: number, status = 'STOPPED') => ({ Source: 'shepherd.test', DetailType: 'Task', Detail: JSON.stringify({ n, status }) });

async function put(h: EventsHarness, count: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < count; i += 10) {
    const out = await h.client.send(new PutEventsCommand({ Entries: Array.from({ length: Math.min(10, count - i) }, (_, k) => entry(i + k)) }));
    ids.push(...(out.Entries ?? []).map((e) => e.EventId ?? ''));
  }
  return ids;
}

describe('delivery to rule targets', () => {
  it('delivers matching events asynchronously, never inside the PutEvents call', async () => {
    const h = await harness();
    const got: EventEnvelope[] = [];
    h.events.bindTarget(FN, (e) => {
      got.push(e);
    });
    const out = await h.client.send(new PutEventsCommand({ Entries: [entry(1), entry(2, 'RUNNING')] }));
    expect(got).toEqual([]);
    await h.events.drain();
    expect(got.map((e) => e.id)).toEqual([out.Entries?.[0]?.EventId]);
    expect(got[0]).toMatchObject({ source: 'shepherd.test', 'detail-type': 'Task', detail: { n: 1, status: 'STOPPED' } });
    // A target with no function bound is delivered to all the same, and recorded.
    expect(h.events.deliveries(QUEUE).map((d) => d.event.id)).toEqual([out.Entries?.[0]?.EventId]);
    expect(h.events.deliveries(QUEUE)[0]?.ruleArn).toBe('arn:aws:events:us-east-1:123456789012:rule/stopped');
  });

  it('does not deliver through a disabled rule', async () => {
    const h = await harness();
    await h.client.send(new PutRuleCommand({ Name: 'stopped', EventPattern: '{"source":["shepherd.test"]}', State: 'DISABLED' }));
    await put(h, 1);
    await h.events.drain();
    expect(h.events.deliveries()).toEqual([]);
  });

  it('routes the ECS simulator’s events (emit) on the default bus to rules and subscribers', async () => {
    const h = await harness();
    await h.client.send(
      new PutRuleCommand({ Name: 'ecs', EventPattern: JSON.stringify({ source: ['aws.ecs'], 'detail-type': ['ECS Task State Change'], detail: { lastStatus: ['STOPPED'] } }) }),
    );
    await h.client.send(new PutTargetsCommand({ Rule: 'ecs', Targets: [{ Id: 'fn', Arn: FN }] }));
    const viaRule: string[] = [];
    const viaSubscriber: string[] = [];
    h.events.bindTarget(FN, (e) => {
      viaRule.push(e.id);
    });
    const unsubscribe = h.events.subscribe('default', { source: ['aws.ecs'] }, (e) => {
      viaSubscriber.push(e.id);
    }, 'watcher');
    const stopped = fixture<EventEnvelope>('ec2/task-stopped-essential-exit.json');
    const running = fixture<EventEnvelope>('ec2/task-running.json');
    h.events.emit(stopped);
    h.events.emit(running);
    await h.events.drain();
    expect(viaRule).toEqual([stopped.id]);
    expect(viaSubscriber).toEqual([stopped.id, running.id]);
    expect(h.events.deliveries('subscriber:watcher')).toHaveLength(2);
    unsubscribe();
    h.events.emit(stopped);
    await h.events.drain();
    expect(viaSubscriber).toHaveLength(2);
  });

  it('rejects a subscriber with an invalid pattern', async () => {
    const h = await harness();
    expect(() => h.events.subscribe('default', { source: 'aws.ecs' }, () => undefined)).toThrow(/Event pattern is not valid/);
  });
});

describe('target failures (Lambda asynchronous invocation)', () => {
  it('retries a throwing function twice, 1 and 2 minutes later, then dead-letters the event', async () => {
    const h = await harness();
    const attempts: number[] = [];
    h.events.bindTarget(FN, () => {
      attempts.push(h.clock.now());
      throw new Error('boom');
    });
    const start = h.clock.now();
    const [id] = await put(h, 1);
    await h.events.drain();
    expect(attempts.map((t) => t - start)).toEqual([0, 60_000, 180_000]);
    expect(h.events.deadLetters()).toEqual([
      expect.objectContaining({ target: FN, attempt: 3, error: 'boom', event: expect.objectContaining({ id }) }),
    ]);
    expect(h.events.deliveries(FN)).toEqual([]);
  });

  it('delivers on a retry when the function recovers (rejected promises count as failures)', async () => {
    const h = await harness();
    let calls = 0;
    h.events.bindTarget(FN, async () => {
      calls++;
      if (calls === 1) throw new Error('transient');
    });
    await put(h, 1);
    await h.events.drain();
    expect(calls).toBe(2);
    expect(h.events.deadLetters()).toEqual([]);
    expect(h.events.deliveries(FN).map((d) => d.attempt)).toEqual([2]);
  });
});

describe('delivery faults', () => {
  async function run(seed: number): Promise<{ order: string[]; ids: string[]; dropped: string[] }> {
    const h = await harness(seed);
    h.events.setDeliveryFaults({ dropRate: 0.1, duplicateRate: 0.2, reorderRate: 0.5, maxDelayMs: 30_000 });
    const order: string[] = [];
    h.events.bindTarget(FN, (e) => {
      order.push(e.id);
    });
    const ids = await put(h, 60);
    await h.events.drain();
    const dropped = h.events.dropped().filter((d) => d.target === FN).map((d) => d.event.id);
    return { order, ids, dropped };
  }

  it('drops, duplicates and reorders, and does so identically for the same seed', async () => {
    const a = await run(11);
    const b = await run(11);
    expect(b).toEqual(a);

    const counts = new Map<string, number>();
    for (const id of a.order) counts.set(id, (counts.get(id) ?? 0) + 1);
    const duplicated = [...counts.values()].filter((c) => c === 2).length;
    expect(a.dropped.length).toBeGreaterThan(0);
    expect(duplicated).toBeGreaterThan(0);
    expect([...new Set(a.order)]).not.toEqual(a.ids.filter((id) => counts.has(id)));
    // Every event either reached the target (once or twice) or was dropped, never both.
    for (const id of a.ids) expect(counts.has(id) !== a.dropped.includes(id)).toBe(true);
    expect(Math.max(...counts.values())).toBeLessThanOrEqual(2);
  });

  it('gives a different sequence for a different seed', async () => {
    const a = await run(11);
    const c = await run(12);
    expect(c.order).not.toEqual(a.order);
  });

  it('delivers everything once, in order, with no faults set', async () => {
    const h = await harness();
    const order: string[] = [];
    h.events.bindTarget(FN, (e) => {
      order.push(e.id);
    });
    const ids = await put(h, 25);
    await h.events.drain();
    expect(order).toEqual(ids);
  });
});

describe('drain', () => {
  it('works under a real clock, waiting for held-back deliveries', async () => {
    const h = await startEvents({ clock: 'real' });
    open.push(h);
    await h.client.send(new PutRuleCommand({ Name: 'all', EventPattern: '{"source":["shepherd.test"]}' }));
    await h.client.send(new PutTargetsCommand({ Rule: 'all', Targets: [{ Id: 'fn', Arn: FN }] }));
    h.events.setDeliveryFaults({ reorderRate: 1, maxDelayMs: 40 });
    const got: string[] = [];
    h.events.bindTarget(FN, (e) => {
      got.push(e.id);
    });
    const out = await h.client.send(new PutEventsCommand({ Entries: [entry(1), entry(2), entry(3)] }));
    await h.events.drain();
    expect(got.sort()).toEqual((out.Entries ?? []).map((e) => e.EventId).sort());
  });

  it('waits for deliveries that a target’s own PutEvents call triggers', async () => {
    const h = await harness();
    await h.client.send(new PutRuleCommand({ Name: 'echo', EventPattern: '{"source":["shepherd.echo"]}' }));
    const echoQueue = 'arn:aws:sqs:us-east-1:123456789012:echo';
    await h.client.send(new PutTargetsCommand({ Rule: 'echo', Targets: [{ Id: 'q', Arn: echoQueue }] }));
    h.events.bindTarget(FN, async (e) => {
      await h.client.send(new PutEventsCommand({ Entries: [{ Source: 'shepherd.echo', DetailType: 'Echo', Detail: JSON.stringify({ of: e.id }) }] }));
    });
    const [id] = await put(h, 1);
    await h.events.drain();
    expect(h.events.deliveries(echoQueue).map((d) => d.event.detail)).toEqual([{ of: id }]);
  });
});

describe('scheduled rules', () => {
  it('fires rate() rules on the clock with a Scheduled Event', async () => {
    const h = await harness();
    await h.client.send(new PutRuleCommand({ Name: 'tick', ScheduleExpression: 'rate(5 minutes)' }));
    await h.client.send(new PutTargetsCommand({ Rule: 'tick', Targets: [{ Id: 'fn', Arn: FN }] }));
    const got: EventEnvelope[] = [];
    h.events.bindTarget(FN, (e) => {
      got.push(e);
    });
    await h.clock.advance(4 * 60_000);
    expect(got).toHaveLength(0);
    await h.clock.advance(11 * 60_000);
    expect(got).toHaveLength(3);
    expect(got[0]).toMatchObject({
      'detail-type': 'Scheduled Event',
      source: 'aws.events',
      resources: ['arn:aws:events:us-east-1:123456789012:rule/tick'],
      detail: {},
      time: '2026-01-01T00:05:00Z',
    });
  });
});
