/**
 * Shepherd's event handlers as the simulated Lambda runs them: each invocation gets its own async
 * context (so SDK middleware knows which invocation made a call), hooks see it start, finish and
 * settle, and the driver can wait until none is in flight.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { EventEnvelope } from '../../../local/sim/types';
import type { WorldHandler } from '../world';

export interface Invocation {
  /** The function's name in serverless.yml (onTaskStateChange, …). */
  fn: string;
  event: EventEnvelope;
  /** AWS calls that returned so far in this invocation. */
  calls: number;
  /** The simulated Lambda dies once this many calls have returned (undefined: it lives). */
  crashAfter?: number;
  /** It died: every further call fails, and so does the invocation (Lambda retries the event). */
  dead: boolean;
}

export interface InvocationHooks {
  /** Before the handler runs. */
  start?(inv: Invocation): void;
  /** After the handler returned, still inside the invocation (may throw to fail it). */
  end?(inv: Invocation): void;
  /** Once the invocation is over; `error` is what it failed with, if it did. */
  settled?(inv: Invocation, error: unknown): void;
}

const current = new AsyncLocalStorage<Invocation>();

/** The handler invocation whose async context is running now (undefined outside handlers). */
export const currentInvocation = (): Invocation | undefined => current.getStore();

export class Invocations {
  private running = 0;
  private waiters: Array<() => void> = [];

  constructor(private readonly hooks: InvocationHooks[]) {}

  wrap(fn: string, handler: WorldHandler): WorldHandler {
    return async (event) => {
      const inv: Invocation = { fn, event, calls: 0, dead: false };
      this.running++;
      let error: unknown;
      try {
        for (const h of this.hooks) h.start?.(inv);
        await current.run(inv, async () => {
          await handler(event);
          for (const h of this.hooks) h.end?.(inv);
        });
      } catch (err) {
        error = err;
        throw err;
      } finally {
        for (const h of this.hooks) h.settled?.(inv, error);
        if (--this.running === 0) this.notify();
      }
    };
  }

  /** Resolves true once no invocation is in flight, or false after `timeoutMs` of real time. */
  async idle(timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (this.running > 0) {
      const left = deadline - Date.now();
      if (left <= 0) return false;
      let timer: NodeJS.Timeout | undefined;
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        timer = setTimeout(resolve, left);
      });
      clearTimeout(timer);
    }
    return true;
  }

  private notify(): void {
    const waiting = this.waiters;
    this.waiters = [];
    for (const resolve of waiting) resolve();
  }
}
