/** Counts the ThrottlingException answers a client got (every attempt, before the SDK's own retry). */
import { intercept, type SdkClient } from './middleware';

export class ThrottleCounter {
  count = 0;

  attach(client: SdkClient): void {
    intercept(client, 'perAttempt', 'chaosThrottles', async (_call, send) => {
      try {
        return await send();
      } catch (err) {
        if ((err as { name?: string }).name === 'ThrottlingException') this.count++;
        throw err;
      }
    });
  }
}
