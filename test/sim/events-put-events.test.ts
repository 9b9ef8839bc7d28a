import { CreateEventBusCommand, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEvents, type EventsHarness } from './events-harness';

let h: EventsHarness;
beforeAll(async () => {
  h = await startEvents();
});
afterAll(async () => h.close());

const ok = { Source: 'shepherd.test', DetailType: 'Thing Happened', Detail: '{"n":1}' };

describe('PutEvents', () => {
  it('returns an EventId per entry and puts EventBridge’s envelope on the bus', async () => {
    const before = h.events.history('default').length;
    const out = await h.client.send(
      new PutEventsCommand({
        Entries: [
          { ...ok, Resources: ['arn:aws:ecs:us-east-1:123456789012:task/prod/abc'], Time: new Date('2026-03-01T12:00:00.750Z') },
          { ...ok, Detail: '{"nested":{"list":[1,"two",null]}}' },
        ],
      }),
    );
    expect(out.FailedEntryCount).toBe(0);
    expect(out.Entries).toHaveLength(2);
    const [first, second] = h.events.history('default').slice(before);
    expect(first).toEqual({
      version: '0',
      id: out.Entries?.[0]?.EventId,
      'detail-type': 'Thing Happened',
      source: 'shepherd.test',
      account: '123456789012',
      time: '2026-03-01T12:00:00Z',
      region: 'us-east-1',
      resources: ['arn:aws:ecs:us-east-1:123456789012:task/prod/abc'],
      detail: { n: 1 },
    });
    expect(second?.id).toBe(out.Entries?.[1]?.EventId);
    expect(second?.resources).toEqual([]);
    expect(second?.detail).toEqual({ nested: { list: [1, 'two', null] } });
    expect(second?.time).toBe(new Date(h.clock.now()).toISOString().replace('.000Z', 'Z'));
    expect(first?.id).not.toBe(second?.id);
  });

  it('stamps events with the simulator clock’s time when the entry has none', async () => {
    await h.clock.advance(90_000);
    await h.client.send(new PutEventsCommand({ Entries: [ok] }));
    expect(h.events.history().at(-1)?.time).toBe('2026-01-01T00:01:30Z');
  });

  it('reports bad entries one by one, in request order, and accepts the others', async () => {
    const before = h.events.history().length;
    const out = await h.client.send(
      new PutEventsCommand({
        Entries: [
          { DetailType: 'x', Detail: '{}' },
          ok,
          { Source: 's', Detail: '{}' },
          { Source: 's', DetailType: 'x' },
          { ...ok, Detail: 'not json' },
          { ...ok, Detail: '[1,2]' },
          { ...ok, EventBusName: 'no-such-bus' },
          { ...ok, Source: 'aws.ecs' },
          ok,
        ],
      }),
    );
    expect(out.FailedEntryCount).toBe(7);
    expect(out.Entries?.map((e) => e.ErrorCode ?? 'ok')).toEqual([
      'InvalidArgument',
      'ok',
      'InvalidArgument',
      'InvalidArgument',
      'MalformedDetail',
      'MalformedDetail',
      'ResourceNotFoundException',
      'NotAuthorizedForSourceException',
      'ok',
    ]);
    expect(out.Entries?.[0]?.ErrorMessage).toBe('Parameter Source is not valid. Reason: Source is a required argument.');
    expect(out.Entries?.[2]?.ErrorMessage).toBe('Parameter DetailType is not valid. Reason: DetailType is a required argument.');
    expect(out.Entries?.[3]?.ErrorMessage).toBe('Parameter Detail is not valid. Reason: Detail is a required argument.');
    expect(out.Entries?.[4]?.ErrorMessage).toBe('Detail is malformed.');
    expect(out.Entries?.[6]?.ErrorMessage).toBe('Event bus no-such-bus does not exist.');
    expect(out.Entries?.[1]?.EventId).toBeDefined();
    expect(out.Entries?.[0]?.EventId).toBeUndefined();
    expect(h.events.history().length - before).toBe(2);
  });

  it('puts entries on a custom bus named by name or ARN', async () => {
    const { EventBusArn } = await h.client.send(new CreateEventBusCommand({ Name: 'custom' }));
    await h.client.send(new PutEventsCommand({ Entries: [{ ...ok, EventBusName: 'custom' }, { ...ok, EventBusName: EventBusArn }] }));
    expect(h.events.history('custom')).toHaveLength(2);
    expect(h.events.history(EventBusArn)).toHaveLength(2);
  });

  it('rejects the whole request for no entries, more than 10, or more than 256 KB in total', async () => {
    await expect(h.client.send(new PutEventsCommand({ Entries: [] }))).rejects.toMatchObject({ name: 'ValidationException' });
    await expect(h.client.send(new PutEventsCommand({ Entries: Array.from({ length: 11 }, () => ok) }))).rejects.toMatchObject({
      name: 'ValidationException',
    });
    const big = JSON.stringify({ pad: 'x'.repeat(100 * 1024) });
    await expect(h.client.send(new PutEventsCommand({ Entries: [{ ...ok, Detail: big }, { ...ok, Detail: big }, { ...ok, Detail: big }] }))).rejects.toMatchObject({
      name: 'ValidationException',
      message: 'Total size of the entries in the request is over the limit.',
    });
    const out = await h.client.send(new PutEventsCommand({ Entries: [{ ...ok, Detail: big }, { ...ok, Detail: big }] }));
    expect(out.FailedEntryCount).toBe(0);
  });
});
