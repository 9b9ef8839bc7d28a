/**
 * The soak's clock: one step of simulated time, then until every delivery that fell due has been
 * handled. Handlers take no simulated time — except when one runs long in real time (waiting for
 * a lease a crashed handler left behind, say, or for the SDK's backoff after throttling): then
 * simulated time flows around it (1 s per 20 ms), as it would around a Lambda function that
 * waits, so a lease can lapse. How much flowed is reported.
 */
import type { VirtualClock } from '../../../local/sim/clock';
import type { Invocations } from './invocations';

/** Real time a handler may run before simulated time flows around it, and then how fast it flows. */
const HANDLER_GRACE_MS = 1_000;
const FLOW_EVERY_MS = 20;
const FLOW_STEP_MS = 1_000;

export class Stepper {
  flowedMs = 0;

  constructor(
    private readonly clock: VirtualClock,
    private readonly invocations: Invocations,
  ) {}

  async step(ms: number): Promise<void> {
    await this.clock.advance(ms);
    let wait = HANDLER_GRACE_MS;
    for (;;) {
      if (!(await this.invocations.idle(wait))) {
        await this.clock.advance(FLOW_STEP_MS);
        this.flowedMs += FLOW_STEP_MS;
        wait = FLOW_EVERY_MS;
        continue;
      }
      wait = HANDLER_GRACE_MS;
      // Deliveries scheduled for "now" by what just ran (events emitted by RunTask, say).
      const next = this.clock.nextAt();
      if (next === undefined || next > this.clock.now()) return;
      await this.clock.advance(0);
    }
  }

  /** Steps until `ms` of simulated time have passed (flowing time included), calling `after` after each. */
  async run(ms: number, stepMs: number, after: () => Promise<void>): Promise<void> {
    const end = this.clock.now() + ms;
    while (this.clock.now() < end) {
      await this.step(Math.min(stepMs, end - this.clock.now()));
      await after();
    }
  }
}
