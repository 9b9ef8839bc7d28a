/**
 * Time for the simulator. Everything in local/sim reads time and schedules work only through a
 * Clock, so the same code runs in real time (`npm start`) and on a virtual clock (tests, bench),
 * where a scenario of hours runs in milliseconds.
 */
export type TimerId = number;

export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  /** Runs fn once, delayMs from now. */
  setTimer(delayMs: number, fn: () => void): TimerId;
  clearTimer(id: TimerId): void;
}

interface Timer {
  id: TimerId;
  at: number;
  fn: () => void;
}

/** Wall-clock time with real timers. */
export class RealClock implements Clock {
  private readonly timers = new Map<TimerId, NodeJS.Timeout>();
  private nextId = 1;

  now(): number {
    return Date.now();
  }

  setTimer(delayMs: number, fn: () => void): TimerId {
    const id = this.nextId++;
    const handle = setTimeout(() => {
      this.timers.delete(id);
      fn();
    }, Math.max(0, delayMs));
    handle.unref();
    this.timers.set(id, handle);
    return id;
  }

  clearTimer(id: TimerId): void {
    const handle = this.timers.get(id);
    if (handle) clearTimeout(handle);
    this.timers.delete(id);
  }

  /** Cancels every pending timer (shutdown). */
  clearAll(): void {
    for (const handle of this.timers.values()) clearTimeout(handle);
    this.timers.clear();
  }
}

/**
 * A clock that moves only when told to. Timers fire in time order (ties in scheduling order);
 * a timer scheduled by a firing timer fires in the same advance() if it is due.
 */
export class VirtualClock implements Clock {
  private current: number;
  private timers: Timer[] = [];
  private nextId = 1;

  constructor(start: number = Date.UTC(2026, 0, 1)) {
    this.current = start;
  }

  now(): number {
    return this.current;
  }

  setTimer(delayMs: number, fn: () => void): TimerId {
    const id = this.nextId++;
    this.timers.push({ id, at: this.current + Math.max(0, delayMs), fn });
    return id;
  }

  clearTimer(id: TimerId): void {
    this.timers = this.timers.filter((t) => t.id !== id);
  }

  /** Number of timers waiting. */
  pending(): number {
    return this.timers.length;
  }

  /** Time of the next timer, or undefined. */
  nextAt(): number | undefined {
    let min: number | undefined;
    for (const t of this.timers) if (min === undefined || t.at < min) min = t.at;
    return min;
  }

  /**
   * Moves time forward by ms, firing every timer that falls due on the way, in order.
   * Between timers it yields to the event loop so promise chains started by a timer can settle.
   */
  async advance(ms: number): Promise<void> {
    const target = this.current + Math.max(0, ms);
    for (;;) {
      const next = this.takeNextDue(target);
      if (!next) break;
      this.current = next.at;
      next.fn();
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    this.current = target;
  }

  private takeNextDue(limit: number): Timer | undefined {
    let best: Timer | undefined;
    for (const t of this.timers) {
      if (t.at <= limit && (!best || t.at < best.at || (t.at === best.at && t.id < best.id))) best = t;
    }
    if (best) this.timers = this.timers.filter((t) => t !== best);
    return best;
  }
}
