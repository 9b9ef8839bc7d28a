/**
 * A middleware on a real AWS SDK v3 client's stack: the harness watches (and, for crashes,
 * interrupts) calls that still go to the simulator or DynamoDB Local unchanged.
 */
export interface SdkClient {
  middlewareStack: { add: (mw: never, opts: never) => void };
}

export interface Call {
  /** e.g. RunTask, TransactWriteItems. */
  command: string;
  input: Record<string, unknown>;
}

/** Gets the call and a `send` that performs it (further middleware, the request, retries inside). */
export type Interceptor = (call: Call, send: () => Promise<unknown>) => Promise<unknown>;

/**
 * Where the interceptor sits: `outermost` and `outside` wrap the whole logical call, SDK retries
 * included (an `outermost` one wraps every `outside` one: it sees their effects, they see the
 * answer first); `perAttempt` sees every attempt inside the retry loop (errors such as throttling
 * that the SDK then retries).
 */
export type Placement = 'outermost' | 'outside' | 'perAttempt';

const STEPS: Record<Placement, { step: string; priority: string }> = {
  outermost: { step: 'initialize', priority: 'high' },
  outside: { step: 'initialize', priority: 'low' },
  perAttempt: { step: 'finalizeRequest', priority: 'low' },
};

export function intercept(client: SdkClient, where: Placement, name: string, fn: Interceptor): void {
  const add = client.middlewareStack.add as unknown as (mw: unknown, opts: unknown) => void;
  const options = { ...STEPS[where], name };
  add.call(
    client.middlewareStack,
    (next: (args: { input: Record<string, unknown> }) => Promise<{ output: unknown }>, context: { commandName?: string }) =>
      async (args: { input: Record<string, unknown> }) => {
        const command = (context.commandName ?? 'unknown').replace(/Command$/, '');
        let result: { output: unknown } | undefined;
        await fn({ command, input: args.input }, async () => {
          result = await next(args);
          return result.output;
        });
        if (!result) throw new Error(`middleware ${name} did not send the call`);
        return result;
      },
    options,
  );
}
