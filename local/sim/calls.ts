import type { SimServiceName } from './faults';

/** Counts the calls each simulated service answered, by action: the benchmark reads these. */
export class CallLog {
  private readonly counts = new Map<string, number>();

  record(service: SimServiceName, action: string): void {
    const key = `${service}:${action}`;
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
  }

  /** Calls of one action, of one service, or all calls. */
  count(service?: SimServiceName, action?: string): number {
    let n = 0;
    for (const [key, c] of this.counts) {
      const [s, a] = key.split(':');
      if ((!service || s === service) && (!action || a === action)) n += c;
    }
    return n;
  }

  snapshot(): Record<string, number> {
    return Object.fromEntries([...this.counts].sort(([a], [b]) => a.localeCompare(b)));
  }

  reset(): void {
    this.counts.clear();
  }
}
