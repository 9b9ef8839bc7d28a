/**
 * Counting the AWS calls one reconciler pass makes, by command, even when passes overlap in one
 * process (tests run two at once on the same clients): a middleware installed once per client adds
 * to the counters of the pass whose async context made the call (AsyncLocalStorage). Logical calls
 * are counted once, whatever the SDK's retries.
 */
import { AsyncLocalStorage } from 'node:async_hooks';

export type CallCounts = Record<string, number>;

const current = new AsyncLocalStorage<CallCounts>();
const instrumented = new WeakSet<object>();

interface MiddlewareClient {
  middlewareStack: { add: (mw: never, opts: never) => void };
}

/** Installs the counting middleware on a client (once). */
export function countCalls(client: MiddlewareClient): void {
  if (instrumented.has(client)) return;
  instrumented.add(client);
  const add = client.middlewareStack.add as unknown as (mw: unknown, opts: unknown) => void;
  add.call(
    client.middlewareStack,
    (next: (args: unknown) => Promise<unknown>, context: { commandName?: string }) => async (args: unknown) => {
      const counts = current.getStore();
      if (counts) {
        const name = (context.commandName ?? 'unknown').replace(/Command$/, '');
        counts[name] = (counts[name] ?? 0) + 1;
      }
      return next(args);
    },
    { step: 'initialize', name: 'shepherdReconcileCallCounter' },
  );
}

/** Runs `fn` with its calls counted into `counts`. */
export function withCallCounts<T>(counts: CallCounts, fn: () => Promise<T>): Promise<T> {
  return current.run(counts, fn);
}

export function totalCalls(counts: CallCounts): number {
  return Object.values(counts).reduce((a, b) => a + b, 0);
}
