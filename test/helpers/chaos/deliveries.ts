/**
 * What the handlers were handed: distinct events, extra copies (duplicates), events handed over
 * after one emitted later (reordered), failed invocations — counted from what the handlers saw,
 * with emission order taken from the bus's own history.
 */
import type { EventEnvelope } from '../../../local/sim/types';
import { Crash } from './crashes';
import type { Invocation, InvocationHooks } from './invocations';

interface PerEvent {
  invocations: number;
  failures: number;
}

export class DeliveryLedger implements InvocationHooks {
  readonly perEvent = new Map<string, PerEvent>();
  invocations = 0;
  /** Failures other than injected crashes, by message (e.g. a lease held by a crashed handler). */
  readonly errors = new Map<string, number>();
  reordered = 0;

  private readonly emitted = new Map<string, number>();
  private lastSeen: string | undefined;
  private firstDeliveries: string[] = [];
  private highestDelivered = -1;

  /** `history` is the bus's log, oldest first (bounded: call `catchUp` at least every few thousand events). */
  constructor(private readonly history: () => EventEnvelope[]) {}

  /** Forgets what was handed over so far (the setup's events are not the soak's). Call while no handler runs. */
  reset(): void {
    this.catchUp();
    this.perEvent.clear();
    this.errors.clear();
    this.invocations = 0;
    this.reordered = 0;
    this.firstDeliveries = [];
  }

  start(inv: Invocation): void {
    this.invocations++;
    const e = this.perEvent.get(inv.event.id);
    if (e) e.invocations++;
    else {
      this.perEvent.set(inv.event.id, { invocations: 1, failures: 0 });
      this.firstDeliveries.push(inv.event.id);
    }
  }

  settled(inv: Invocation, error: unknown): void {
    if (error === undefined) return;
    this.perEvent.get(inv.event.id)!.failures++;
    if (!(error instanceof Crash)) {
      const msg = error instanceof Error ? `${error.name}: ${error.message.replace(/[0-9a-f]{8,}/g, '…')}` : String(error);
      this.errors.set(msg, (this.errors.get(msg) ?? 0) + 1);
    }
  }

  get events(): number {
    return this.perEvent.size;
  }

  /**
   * Events handed over more than once as separate copies: invocations beyond the first that are
   * not Lambda's retries of a failed invocation (a failure is retried unless it was the last attempt).
   */
  duplicated(deadLettered: Set<string>): number {
    let n = 0;
    for (const [id, e] of this.perEvent) {
      const retries = e.failures - (deadLettered.has(id) ? 1 : 0);
      if (e.invocations - retries > 1) n++;
    }
    return n;
  }

  /** Reads new emissions from the bus's history and counts first deliveries that came after a later-emitted event's. */
  catchUp(): void {
    const log = this.history();
    let from = 0;
    if (this.lastSeen !== undefined) {
      const i = log.findIndex((e) => e.id === this.lastSeen);
      from = i + 1;
    }
    for (let i = from; i < log.length; i++) if (!this.emitted.has(log[i]!.id)) this.emitted.set(log[i]!.id, this.emitted.size);
    if (log.length) this.lastSeen = log[log.length - 1]!.id;
    const pending: string[] = [];
    for (const id of this.firstDeliveries) {
      const seq = this.emitted.get(id);
      if (seq === undefined) {
        pending.push(id);
        continue;
      }
      if (seq < this.highestDelivered) this.reordered++;
      else this.highestDelivered = seq;
    }
    this.firstDeliveries = pending;
  }
}
