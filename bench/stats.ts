/** Small helpers for the benchmark: medians, ratios, counting SDK calls. */

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

export const round = (x: number, digits = 2) => Math.round(x * 10 ** digits) / 10 ** digits;

/** Counts every command a client sends, by command name (e.g. TransactWriteItemsCommand). */
export class CallCounter {
  readonly counts = new Map<string, number>();

  /** Any AWS SDK v3 client (they all have a middleware stack). */
  attach(client: { middlewareStack: { add: (...args: never[]) => unknown } }): void {
    (client.middlewareStack as unknown as { add: (mw: unknown, opts: unknown) => void }).add(
      (next: (args: unknown) => Promise<unknown>, context: { commandName?: string }) => async (args: unknown) => {
        const name = context.commandName ?? 'unknown';
        this.counts.set(name, (this.counts.get(name) ?? 0) + 1);
        return next(args);
      },
      { step: 'initialize', name: `callCounter${Math.random()}` },
    );
  }

  total(filter?: (name: string) => boolean): number {
    let n = 0;
    for (const [k, v] of this.counts) if (!filter || filter(k)) n += v;
    return n;
  }

  reset(): void {
    this.counts.clear();
  }
}

export const isDynamoWrite = (name: string) => /^(PutItem|UpdateItem|DeleteItem|TransactWriteItems|BatchWriteItem)Command$/.test(name);

export async function timeIt(fn: () => Promise<unknown>): Promise<number> {
  const t0 = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - t0) / 1e6;
}
