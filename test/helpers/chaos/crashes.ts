/**
 * Handler crashes between steps: a share of invocations die right after one of their AWS calls
 * returned — after RunTask succeeded but before the DynamoDB write that records it, say — through
 * the real clients' middleware (the call itself went through). A dead invocation makes no further
 * call and fails, so the simulated Lambda redelivers the event (1, then 2 minutes later), as
 * Lambda's asynchronous invocation does.
 */
import type { Random } from '../../../local/sim/random';
import { intercept, type SdkClient } from './middleware';
import { currentInvocation, type Invocation, type InvocationHooks } from './invocations';

export class Crash extends Error {
  override readonly name = 'Crash';
}

/**
 * A crash lands after 1..MAX_CALL calls; an invocation making fewer dies just before returning. A
 * replacement makes 7 calls (RunTask the 6th), a plan 6 or more: every step can be the last.
 */
const MAX_CALL = 8;

export class CrashInjector implements InvocationHooks {
  enabled = true;
  crashes = 0;
  /** Where the crashes happened: `after <Command>` or `before returning`. */
  readonly where = new Map<string, number>();
  /**
   * Tasks a RunTask / StartTask started right before its invocation died: ECS runs them, Shepherd's
   * store does not know them until the event is redelivered or a reconciler pass lists them.
   */
  readonly orphanStarts = new Map<string, number>();
  /** The simulated clock (set once the world exists). */
  now: () => number = () => 0;

  constructor(
    private readonly random: Random,
    private readonly rate: number,
  ) {}

  /** Installs the crash point on a client the handlers use (AWS calls outside handlers are never touched). */
  attach(client: SdkClient): void {
    intercept(client, 'outermost', 'chaosCrash', async (call, send) => {
      const inv = currentInvocation();
      if (!inv) return send();
      if (inv.dead) throw new Crash(`${inv.fn} is dead (crashed earlier); ${call.command} was never sent`);
      const out = await send();
      inv.calls++;
      if (inv.crashAfter !== undefined && inv.calls === inv.crashAfter) {
        if (call.command === 'RunTask' || call.command === 'StartTask') {
          for (const t of (out as { tasks?: Array<{ taskArn?: string }> } | undefined)?.tasks ?? []) if (t.taskArn) this.orphanStarts.set(t.taskArn, this.now());
        }
        this.die(inv, `after ${call.command}`);
      }
      return out;
    });
  }

  start(inv: Invocation): void {
    // Two draws per invocation whatever the outcome, so the sequence does not shift with the rate.
    const doomed = this.random() < this.rate;
    const at = 1 + Math.floor(this.random() * MAX_CALL);
    if (this.enabled && doomed) inv.crashAfter = at;
  }

  end(inv: Invocation): void {
    if (inv.dead) throw new Crash(`${inv.fn} crashed earlier in this invocation`);
    if (inv.crashAfter !== undefined) this.die(inv, 'before returning');
  }

  private die(inv: Invocation, where: string): never {
    inv.dead = true;
    this.crashes++;
    this.where.set(where, (this.where.get(where) ?? 0) + 1);
    throw new Crash(`${inv.fn} crashed ${where} (event ${inv.event.id})`);
  }
}
