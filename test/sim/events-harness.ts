import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { CallLog } from '../../local/sim/calls';
import { RealClock, VirtualClock, type Clock } from '../../local/sim/clock';
import { EventBridgeSimulator } from '../../local/sim/events';
import { Faults } from '../../local/sim/faults';
import { seededRandom } from '../../local/sim/random';
import { startSimServer } from '../../local/sim/server';
import type { SimContext } from '../../local/sim/types';

/** The EventBridge simulator alone on a loopback endpoint, with the real SDK client pointed at it. */
export interface EventsHarness<C extends Clock = VirtualClock> {
  clock: C;
  ctx: SimContext;
  events: EventBridgeSimulator;
  client: EventBridgeClient;
  close(): Promise<void>;
}

export async function startEvents(opts?: { seed?: number }): Promise<EventsHarness>;
export async function startEvents(opts: { seed?: number; clock: 'real' }): Promise<EventsHarness<RealClock>>;
export async function startEvents(opts: { seed?: number; clock?: 'real' } = {}): Promise<EventsHarness<Clock>> {
  const clock = opts.clock === 'real' ? new RealClock() : new VirtualClock();
  const ctx: SimContext = { clock, random: seededRandom(opts.seed ?? 7), accountId: '123456789012', region: 'us-east-1' };
  const events = new EventBridgeSimulator(ctx);
  const server = await startSimServer({ json: [events], query: [], faults: new Faults(seededRandom(1)), calls: new CallLog() });
  const client = new EventBridgeClient({
    endpoint: server.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
    // The SDK classes LimitExceededException as throttling and would retry it with back-off.
    maxAttempts: 1,
  });
  return {
    clock,
    ctx,
    events,
    client,
    close: async () => {
      client.destroy();
      await server.close();
      if (clock instanceof RealClock) clock.clearAll();
    },
  };
}
