/**
 * The EventBridge simulator: the JSON 1.1 API (`X-Amz-Target: AWSEvents.<Action>`) for buses, rules,
 * targets and PutEvents, plus in-process hooks for the other simulated services and for tests.
 * What is and is not modelled: local/sim/events/README.md.
 */
import type { TimerId } from '../clock';
import { SimError } from '../errors';
import { seededRandom, uuid } from '../random';
import type { JsonProtocolService } from '../server';
import type { EventEnvelope, EventSink, SimContext } from '../types';
import { createEventBus, deleteEventBus, describeEventBus, listEventBuses } from './bus-actions';
import { DeliveryQueue, type DeadLetter, type DeliveryFaults, type DeliveryRecord, type Destination, type TargetFunction } from './delivery';
import { compileEventPattern, EventPatternError, matchesEventPattern, parseEventPattern, type CompiledPattern } from './pattern';
import { acceptEntries, isoSeconds } from './put-events';
import { deleteRule, describeRule, isEnabled, listRules, putRule, setRuleState, testEventPattern } from './rule-actions';
import { schedulePeriodMs } from './schedule';
import { DEFAULT_BUS, EventBridgeStore, type Rule } from './store';
import { listTargetsByRule, putTargets, removeTargets } from './target-actions';

export { matchesEventPattern, compileEventPattern, parseEventPattern, eventPatternProblem, EventPatternError } from './pattern';
export type { DeadLetter, DeliveryFaults, DeliveryRecord, TargetFunction } from './delivery';

interface Subscriber {
  bus: string;
  pattern: CompiledPattern;
  dest: Destination;
}

/** How many events history() keeps (newest last). */
const HISTORY_LIMIT = 10_000;

export class EventBridgeSimulator implements JsonProtocolService, EventSink {
  readonly name = 'events' as const;
  readonly targetPrefix = 'AWSEvents';

  private readonly store: EventBridgeStore;
  private readonly queue: DeliveryQueue;
  private readonly bindings = new Map<string, TargetFunction>();
  private readonly subscribers = new Set<Subscriber>();
  private readonly log: Array<{ bus: string; event: EventEnvelope }> = [];
  private readonly schedules = new Map<string, TimerId>();
  private subscriberCount = 0;

  constructor(private readonly ctx: SimContext) {
    this.store = new EventBridgeStore(ctx);
    // Delivery faults draw from their own stream, seeded once from ctx.random, so the fault sequence
    // does not shift when other code draws more or fewer ids.
    this.queue = new DeliveryQueue(ctx.clock, seededRandom(Math.floor(ctx.random() * 2 ** 32)));
  }

  handle(action: string, input: Record<string, unknown>): unknown {
    const { store } = this;
    switch (action) {
      case 'PutEvents':
        return this.putEvents(input);
      case 'CreateEventBus':
        return createEventBus(store, input);
      case 'DescribeEventBus':
        return describeEventBus(store, input);
      case 'ListEventBuses':
        return listEventBuses(store, input);
      case 'DeleteEventBus':
        return deleteEventBus(store, input, (arn) => this.stopSchedule(arn));
      case 'PutRule': {
        const rule = putRule(store, input);
        this.syncSchedule(rule);
        return { RuleArn: rule.arn };
      }
      case 'DescribeRule':
        return describeRule(store, this.ctx.accountId, input);
      case 'ListRules':
        return listRules(store, this.ctx.accountId, input);
      case 'DeleteRule': {
        const rule = deleteRule(store, input);
        if (rule) this.stopSchedule(rule.arn);
        return {};
      }
      case 'EnableRule':
        this.syncSchedule(setRuleState(store, input, 'ENABLED'));
        return {};
      case 'DisableRule':
        this.syncSchedule(setRuleState(store, input, 'DISABLED'));
        return {};
      case 'PutTargets':
        return putTargets(store, input);
      case 'RemoveTargets':
        return removeTargets(store, input);
      case 'ListTargetsByRule':
        return listTargetsByRule(store, input);
      case 'TestEventPattern':
        return testEventPattern(input);
      default:
        throw new SimError('UnknownOperationException', `The action ${action} is not supported by this simulator.`);
    }
  }

  /** An AWS service (the ECS simulator) puts an event on the default bus. */
  emit(event: EventEnvelope): void {
    this.publish(DEFAULT_BUS, event);
  }

  /**
   * In-process subscriber: every event put on `bus` that matches `pattern` is delivered to `target`
   * (with the same faults and retries as a rule's target). Returns unsubscribe.
   */
  subscribe(
    bus: string,
    pattern: object | string,
    target: TargetFunction,
    name = `subscriber-${++this.subscriberCount}`,
  ): () => void {
    let compiled: CompiledPattern;
    try {
      compiled = typeof pattern === 'string' ? parseEventPattern(pattern) : compileEventPattern(pattern);
    } catch (err) {
      if (err instanceof EventPatternError) {
        throw new SimError('InvalidEventPatternException', `Event pattern is not valid. Reason: ${err.message}`);
      }
      throw err;
    }
    const sub: Subscriber = { bus: EventBridgeStore.busName(bus), pattern: compiled, dest: { target: `subscriber:${name}`, resolve: () => target } };
    this.subscribers.add(sub);
    return () => {
      this.subscribers.delete(sub);
    };
  }

  /** Binds a target ARN (e.g. a Lambda function ARN used in PutTargets) to an in-process function. */
  bindTarget(arn: string, fn: TargetFunction): void {
    this.bindings.set(arn, fn);
  }

  setDeliveryFaults(f: Partial<DeliveryFaults>): void {
    this.queue.setFaults(f);
  }

  /** Resolves when every delivery queued so far (and any they trigger) has settled. */
  drain(): Promise<void> {
    return this.queue.drain();
  }

  /** Everything put on a bus (or on all buses), oldest first, bounded to the newest 10,000. */
  history(bus?: string): EventEnvelope[] {
    const name = bus === undefined ? undefined : EventBridgeStore.busName(bus);
    return this.log.filter((e) => name === undefined || e.bus === name).map((e) => e.event);
  }

  /** Successful hand-overs, optionally to one target (ARN, or `subscriber:<name>`). */
  deliveries(target?: string): DeliveryRecord[] {
    return this.queue.delivered(target);
  }

  /** Events whose target function failed on every attempt. */
  deadLetters(): DeadLetter[] {
    return this.queue.deadLetters();
  }

  /** Deliveries lost to the drop fault. */
  dropped(): DeliveryRecord[] {
    return this.queue.dropped();
  }

  private putEvents(input: Record<string, unknown>): unknown {
    const { results, accepted } = acceptEntries(input, this.store, this.ctx);
    for (const { busName, event } of accepted) this.publish(busName, event);
    return { FailedEntryCount: results.filter((r) => 'ErrorCode' in r).length, Entries: results };
  }

  private publish(busName: string, event: EventEnvelope): void {
    this.log.push({ bus: busName, event });
    if (this.log.length > HISTORY_LIMIT) this.log.splice(0, this.log.length - HISTORY_LIMIT);
    const bus = this.store.buses.get(busName);
    for (const rule of bus?.rules.values() ?? []) {
      if (isEnabled(rule) && rule.compiled && matchesEventPattern(rule.compiled, event)) this.sendToTargets(rule, event);
    }
    for (const sub of this.subscribers) {
      if (sub.bus === busName && matchesEventPattern(sub.pattern, event)) this.queue.send(event, sub.dest);
    }
  }

  private sendToTargets(rule: Rule, event: EventEnvelope): void {
    for (const t of rule.targets.values()) {
      this.queue.send(event, { target: t.Arn, ruleArn: rule.arn, resolve: () => this.bindings.get(t.Arn) });
    }
  }

  /** (Re)arms a rule's `rate(…)` schedule on the clock; cron schedules are stored but not fired. */
  private syncSchedule(rule: Rule): void {
    this.stopSchedule(rule.arn);
    if (rule.scheduleExpression === undefined || !isEnabled(rule)) return;
    const period = schedulePeriodMs(rule.scheduleExpression);
    if (period === undefined) return;
    const fire = (): void => {
      this.sendToTargets(rule, {
        version: '0',
        id: uuid(this.ctx.random),
        'detail-type': 'Scheduled Event',
        source: 'aws.events',
        account: this.ctx.accountId,
        time: isoSeconds(this.ctx.clock.now()),
        region: this.ctx.region,
        resources: [rule.arn],
        detail: {},
      });
      this.schedules.set(rule.arn, this.ctx.clock.setTimer(period, fire));
    };
    this.schedules.set(rule.arn, this.ctx.clock.setTimer(period, fire));
  }

  private stopSchedule(ruleArn: string): void {
    const timer = this.schedules.get(ruleArn);
    if (timer !== undefined) this.ctx.clock.clearTimer(timer);
    this.schedules.delete(ruleArn);
  }
}
