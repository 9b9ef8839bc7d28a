import { VirtualClock, type Clock, type TimerId } from '../clock';
import type { Random } from '../random';
import type { EventEnvelope } from '../types';

/** An in-process function standing in for a target (e.g. a Lambda function). */
export type TargetFunction = (event: EventEnvelope) => Promise<void> | void;

export interface DeliveryFaults {
  /** Share of deliveries lost entirely (0..1). */
  dropRate: number;
  /** Share of deliveries handed over twice (0..1). */
  duplicateRate: number;
  /** Share of deliveries held back by a random delay, so later events overtake them (0..1). */
  reorderRate: number;
  /** Upper bound of that delay, in ms of the simulator's clock. */
  maxDelayMs: number;
}

/** Where a delivery goes: a rule's target or an in-process subscriber. */
export interface Destination {
  /** Target ARN, or `subscriber:<name>`. */
  target: string;
  ruleArn?: string;
  /** The function to call, looked up when the delivery happens; none = the delivery is only recorded. */
  resolve(): TargetFunction | undefined;
}

export interface DeliveryRecord {
  target: string;
  ruleArn?: string;
  event: EventEnvelope;
  /** Clock time of the hand-over. */
  at: number;
  /** 1 for the first invocation, 2–3 for retries. */
  attempt: number;
}

export interface DeadLetter extends DeliveryRecord {
  error: string;
}

/** Lambda's asynchronous invocation: 2 retries after a function error, 1 then 2 minutes later. */
export const RETRY_DELAYS_MS: readonly number[] = [60_000, 120_000];
const DEFAULT_MAX_DELAY_MS = 5_000;
const LOG_LIMIT = 10_000;

function pushBounded<T>(list: T[], item: T): void {
  list.push(item);
  if (list.length > LOG_LIMIT) list.splice(0, list.length - LOG_LIMIT);
}

/**
 * Hands events to destinations asynchronously on the simulator's clock: at least once, with seeded
 * drop / duplicate / reorder faults, retrying a throwing function as Lambda's async invocation does
 * and dead-lettering it after the last attempt.
 */
export class DeliveryQueue {
  private faults: DeliveryFaults = { dropRate: 0, duplicateRate: 0, reorderRate: 0, maxDelayMs: DEFAULT_MAX_DELAY_MS };
  private readonly timers = new Map<TimerId, number>();
  private running = 0;
  private waiters: Array<() => void> = [];
  private readonly deliveredLog: DeliveryRecord[] = [];
  private readonly deadLog: DeadLetter[] = [];
  private readonly droppedLog: DeliveryRecord[] = [];

  constructor(
    private readonly clock: Clock,
    private readonly random: Random,
  ) {}

  setFaults(f: Partial<DeliveryFaults>): void {
    for (const rate of [f.dropRate, f.duplicateRate, f.reorderRate]) {
      if (rate !== undefined && !(rate >= 0 && rate <= 1)) throw new RangeError('fault rates must be between 0 and 1');
    }
    if (f.maxDelayMs !== undefined && !(f.maxDelayMs >= 0)) throw new RangeError('maxDelayMs must be >= 0');
    this.faults = { ...this.faults, ...f };
  }

  /** Queues one event for one destination. The same number of random draws happens whatever the fault rates. */
  send(event: EventEnvelope, dest: Destination): void {
    const drop = this.random() < this.faults.dropRate;
    const duplicate = this.random() < this.faults.duplicateRate;
    if (drop) {
      pushBounded(this.droppedLog, this.record(event, dest, 0));
      return;
    }
    for (let copy = 0; copy < (duplicate ? 2 : 1); copy++) {
      const reorder = this.random() < this.faults.reorderRate;
      const jitter = this.random();
      const delay = reorder ? 1 + Math.floor(jitter * this.faults.maxDelayMs) : 0;
      this.schedule(delay, () => this.attempt(event, dest, 1));
    }
  }

  delivered(target?: string): DeliveryRecord[] {
    return this.deliveredLog.filter((d) => target === undefined || d.target === target);
  }

  deadLetters(): DeadLetter[] {
    return [...this.deadLog];
  }

  dropped(): DeliveryRecord[] {
    return [...this.droppedLog];
  }

  /**
   * Resolves once every delivery queued so far, and any it triggers, has settled (delivered,
   * dropped or dead-lettered). On a VirtualClock it moves the clock forward to each waiting
   * delivery (so other timers due earlier fire too, in order); on a real clock it just waits.
   */
  async drain(): Promise<void> {
    for (;;) {
      if (this.running > 0) {
        await this.changed();
      } else if (this.timers.size === 0) {
        return;
      } else if (this.clock instanceof VirtualClock) {
        const next = Math.min(...this.timers.values());
        await this.clock.advance(Math.max(0, next - this.clock.now()));
      } else {
        await this.changed();
      }
    }
  }

  private record(event: EventEnvelope, dest: Destination, attempt: number): DeliveryRecord {
    const rec: DeliveryRecord = { target: dest.target, event, at: this.clock.now(), attempt };
    if (dest.ruleArn !== undefined) rec.ruleArn = dest.ruleArn;
    return rec;
  }

  private schedule(delayMs: number, fn: () => void): void {
    const id: TimerId = this.clock.setTimer(delayMs, () => {
      this.timers.delete(id);
      fn();
      this.notify();
    });
    this.timers.set(id, this.clock.now() + delayMs);
  }

  private attempt(event: EventEnvelope, dest: Destination, attempt: number): void {
    const fn = dest.resolve();
    const rec = this.record(event, dest, attempt);
    if (!fn) {
      pushBounded(this.deliveredLog, rec);
      return;
    }
    this.running++;
    let result: Promise<void>;
    try {
      result = Promise.resolve(fn(structuredClone(event)));
    } catch (err) {
      result = Promise.reject(err);
    }
    result
      .then(
        () => pushBounded(this.deliveredLog, rec),
        (err: unknown) => {
          const delay = RETRY_DELAYS_MS[attempt - 1];
          if (delay !== undefined) {
            this.schedule(delay, () => this.attempt(event, dest, attempt + 1));
          } else {
            pushBounded(this.deadLog, { ...rec, error: err instanceof Error ? err.message : String(err) });
          }
        },
      )
      .finally(() => {
        this.running--;
        this.notify();
      });
  }

  private changed(): Promise<void> {
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  private notify(): void {
    const waiting = this.waiters;
    this.waiters = [];
    for (const resolve of waiting) resolve();
  }
}
