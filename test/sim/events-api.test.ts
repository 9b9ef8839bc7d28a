import {
  CreateEventBusCommand,
  DeleteEventBusCommand,
  DeleteRuleCommand,
  DescribeEventBusCommand,
  DescribeRuleCommand,
  DisableRuleCommand,
  EnableRuleCommand,
  InvalidEventPatternException,
  LimitExceededException,
  ListEventBusesCommand,
  ListRulesCommand,
  ListTargetsByRuleCommand,
  PutRuleCommand,
  PutTargetsCommand,
  RemoveTargetsCommand,
  ResourceAlreadyExistsException,
  ResourceNotFoundException,
  TestEventPatternCommand,
} from '@aws-sdk/client-eventbridge';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEvents, type EventsHarness } from './events-harness';

let h: EventsHarness;
beforeAll(async () => {
  h = await startEvents();
});
afterAll(async () => h.close());

describe('event buses', () => {
  it('has the default bus and creates, lists, describes and deletes custom ones', async () => {
    const def = await h.client.send(new DescribeEventBusCommand({}));
    expect(def.Name).toBe('default');
    expect(def.Arn).toBe('arn:aws:events:us-east-1:123456789012:event-bus/default');
    expect(def.CreationTime).toBeInstanceOf(Date);

    const created = await h.client.send(new CreateEventBusCommand({ Name: 'orders', Description: 'order events' }));
    expect(created.EventBusArn).toBe('arn:aws:events:us-east-1:123456789012:event-bus/orders');
    const byArn = await h.client.send(new DescribeEventBusCommand({ Name: created.EventBusArn }));
    expect(byArn).toMatchObject({ Name: 'orders', Description: 'order events' });

    const listed = await h.client.send(new ListEventBusesCommand({ NamePrefix: 'ord' }));
    expect(listed.EventBuses?.map((b) => b.Name)).toEqual(['orders']);

    await expect(h.client.send(new CreateEventBusCommand({ Name: 'orders' }))).rejects.toBeInstanceOf(ResourceAlreadyExistsException);
    await h.client.send(new PutRuleCommand({ Name: 'on-order', EventBusName: 'orders', EventPattern: '{"source":["shop"]}' }));
    await h.client.send(new DeleteEventBusCommand({ Name: 'orders' }));
    await expect(h.client.send(new DescribeEventBusCommand({ Name: 'orders' }))).rejects.toBeInstanceOf(ResourceNotFoundException);
    // Its rules went with it: a new bus of the same name starts empty.
    await h.client.send(new CreateEventBusCommand({ Name: 'orders' }));
    expect((await h.client.send(new ListRulesCommand({ EventBusName: 'orders' }))).Rules).toEqual([]);
  });

  it('refuses to delete the default bus and to create a badly named one', async () => {
    await expect(h.client.send(new DeleteEventBusCommand({ Name: 'default' }))).rejects.toMatchObject({
      name: 'ValidationException',
      message: 'Cannot delete event bus default.',
    });
    await expect(h.client.send(new CreateEventBusCommand({ Name: 'has space' }))).rejects.toMatchObject({ name: 'ValidationException' });
  });

  it('pages ListEventBuses with Limit and NextToken', async () => {
    for (const n of ['page-a', 'page-b', 'page-c']) await h.client.send(new CreateEventBusCommand({ Name: n }));
    const first = await h.client.send(new ListEventBusesCommand({ NamePrefix: 'page-', Limit: 2 }));
    expect(first.EventBuses?.map((b) => b.Name)).toEqual(['page-a', 'page-b']);
    const second = await h.client.send(new ListEventBusesCommand({ NamePrefix: 'page-', Limit: 2, NextToken: first.NextToken }));
    expect(second.EventBuses?.map((b) => b.Name)).toEqual(['page-c']);
    expect(second.NextToken).toBeUndefined();
  });
});

describe('rules', () => {
  it('creates, describes, lists, disables, enables and deletes a rule', async () => {
    const pattern = JSON.stringify({ source: ['aws.ecs'], 'detail-type': ['ECS Task State Change'] });
    const put = await h.client.send(new PutRuleCommand({ Name: 'tasks', EventPattern: pattern, Description: 'task events' }));
    expect(put.RuleArn).toBe('arn:aws:events:us-east-1:123456789012:rule/tasks');

    const described = await h.client.send(new DescribeRuleCommand({ Name: 'tasks' }));
    expect(described).toMatchObject({ Name: 'tasks', EventPattern: pattern, State: 'ENABLED', EventBusName: 'default', Description: 'task events' });

    await h.client.send(new DisableRuleCommand({ Name: 'tasks' }));
    expect((await h.client.send(new DescribeRuleCommand({ Name: 'tasks' }))).State).toBe('DISABLED');
    await h.client.send(new EnableRuleCommand({ Name: 'tasks' }));
    expect((await h.client.send(new DescribeRuleCommand({ Name: 'tasks' }))).State).toBe('ENABLED');

    expect((await h.client.send(new ListRulesCommand({ NamePrefix: 'tas' }))).Rules?.map((r) => r.Name)).toEqual(['tasks']);
    await h.client.send(new DeleteRuleCommand({ Name: 'tasks' }));
    await expect(h.client.send(new DescribeRuleCommand({ Name: 'tasks' }))).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
      message: 'Rule tasks does not exist on EventBus default.',
    });
    // Deleting a rule that is not there succeeds, as in AWS.
    await h.client.send(new DeleteRuleCommand({ Name: 'tasks' }));
  });

  it('names rules on custom buses with the bus in the ARN', async () => {
    await h.client.send(new CreateEventBusCommand({ Name: 'ops' }));
    const put = await h.client.send(new PutRuleCommand({ Name: 'r1', EventBusName: 'ops', EventPattern: '{"source":["x"]}' }));
    expect(put.RuleArn).toBe('arn:aws:events:us-east-1:123456789012:rule/ops/r1');
  });

  it('rejects an invalid pattern with InvalidEventPatternException and EventBridge’s reason', async () => {
    const err = await h.client.send(new PutRuleCommand({ Name: 'bad', EventPattern: '{"source": "aws.ecs"}' })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InvalidEventPatternException);
    expect((err as Error).message).toBe('Event pattern is not valid. Reason: "source" must be an object or an array');
  });

  it('needs a pattern or a schedule, and allows schedules on the default bus only', async () => {
    await expect(h.client.send(new PutRuleCommand({ Name: 'empty' }))).rejects.toMatchObject({
      name: 'ValidationException',
      message: 'Parameter(s) EventPattern or ScheduleExpression must be specified.',
    });
    await expect(h.client.send(new PutRuleCommand({ Name: 's', EventBusName: 'ops', ScheduleExpression: 'rate(5 minutes)' }))).rejects.toMatchObject({
      name: 'ValidationException',
    });
    await expect(h.client.send(new PutRuleCommand({ Name: 's', ScheduleExpression: 'rate(1 minutes)' }))).rejects.toMatchObject({
      name: 'ValidationException',
      message: 'Parameter ScheduleExpression is not valid.',
    });
    await h.client.send(new PutRuleCommand({ Name: 's', ScheduleExpression: 'rate(1 minute)' }));
  });

  it('answers rules on a missing bus with ResourceNotFoundException', async () => {
    await expect(h.client.send(new PutRuleCommand({ Name: 'r', EventBusName: 'nope', EventPattern: '{"a":[1]}' }))).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
      message: 'Event bus nope does not exist.',
    });
  });
});

describe('targets', () => {
  it('puts, lists, replaces and removes targets; a rule with targets cannot be deleted', async () => {
    await h.client.send(new PutRuleCommand({ Name: 'with-targets', EventPattern: '{"source":["a"]}' }));
    const put = await h.client.send(
      new PutTargetsCommand({
        Rule: 'with-targets',
        Targets: [
          { Id: 'fn', Arn: 'arn:aws:lambda:us-east-1:123456789012:function:onTask', Input: '{"x":1}' },
          { Id: 'q', Arn: 'arn:aws:sqs:us-east-1:123456789012:queue' },
        ],
      }),
    );
    expect(put).toMatchObject({ FailedEntryCount: 0, FailedEntries: [] });
    const listed = await h.client.send(new ListTargetsByRuleCommand({ Rule: 'with-targets' }));
    expect(listed.Targets).toEqual([
      { Id: 'fn', Arn: 'arn:aws:lambda:us-east-1:123456789012:function:onTask', Input: '{"x":1}' },
      { Id: 'q', Arn: 'arn:aws:sqs:us-east-1:123456789012:queue' },
    ]);

    await expect(h.client.send(new DeleteRuleCommand({ Name: 'with-targets' }))).rejects.toMatchObject({
      name: 'ValidationException',
      message: "Rule can't be deleted since it has targets.",
    });

    const removed = await h.client.send(new RemoveTargetsCommand({ Rule: 'with-targets', Ids: ['fn', 'q', 'never-there'] }));
    expect(removed).toMatchObject({ FailedEntryCount: 0, FailedEntries: [] });
    expect((await h.client.send(new ListTargetsByRuleCommand({ Rule: 'with-targets' }))).Targets).toEqual([]);
    await h.client.send(new DeleteRuleCommand({ Name: 'with-targets' }));
  });

  it('rejects a sixth target, a malformed ARN, and targets of a missing rule', async () => {
    await h.client.send(new PutRuleCommand({ Name: 'many', EventPattern: '{"source":["a"]}' }));
    const five = Array.from({ length: 5 }, (_, i) => ({ Id: `t${i}`, Arn: `arn:aws:sqs:us-east-1:123456789012:q${i}` }));
    await h.client.send(new PutTargetsCommand({ Rule: 'many', Targets: five }));
    await expect(
      h.client.send(new PutTargetsCommand({ Rule: 'many', Targets: [{ Id: 't5', Arn: 'arn:aws:sqs:us-east-1:123456789012:q5' }] })),
    ).rejects.toBeInstanceOf(LimitExceededException);
    await expect(h.client.send(new PutTargetsCommand({ Rule: 'many', Targets: [{ Id: 't0', Arn: 'not-an-arn' }] }))).rejects.toMatchObject({
      name: 'ValidationException',
    });
    await expect(
      h.client.send(new PutTargetsCommand({ Rule: 'missing', Targets: [{ Id: 'a', Arn: 'arn:aws:sqs:us-east-1:123456789012:q' }] })),
    ).rejects.toBeInstanceOf(ResourceNotFoundException);
    await expect(h.client.send(new ListTargetsByRuleCommand({ Rule: 'missing' }))).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
      message: 'Rule missing does not exist.',
    });
  });
});

describe('TestEventPattern', () => {
  const event = JSON.stringify({
    id: 'e1',
    account: '123456789012',
    source: 'aws.ecs',
    time: '2026-01-01T00:00:00Z',
    region: 'us-east-1',
    resources: [],
    'detail-type': 'ECS Task State Change',
    detail: { lastStatus: 'STOPPED', stopCode: 'EssentialContainerExited' },
  });

  it('answers whether the pattern matches the event', async () => {
    const yes = await h.client.send(
      new TestEventPatternCommand({ Event: event, EventPattern: '{"detail":{"lastStatus":["STOPPED"],"stopCode":[{"prefix":"Essential"}]}}' }),
    );
    expect(yes.Result).toBe(true);
    const no = await h.client.send(new TestEventPatternCommand({ Event: event, EventPattern: '{"detail":{"lastStatus":["RUNNING"]}}' }));
    expect(no.Result).toBe(false);
  });

  it('rejects an event that is not an EventBridge event, and an invalid pattern', async () => {
    await expect(h.client.send(new TestEventPatternCommand({ Event: 'plain string', EventPattern: '{"a":["b"]}' }))).rejects.toMatchObject({
      name: 'ValidationException',
      message: 'Parameter Event is not valid.',
    });
    await expect(h.client.send(new TestEventPatternCommand({ Event: '{"detail":{}}', EventPattern: '{"a":["b"]}' }))).rejects.toMatchObject({
      name: 'ValidationException',
    });
    await expect(h.client.send(new TestEventPatternCommand({ Event: event, EventPattern: '{"a":[]}' }))).rejects.toBeInstanceOf(
      InvalidEventPatternException,
    );
  });
});
