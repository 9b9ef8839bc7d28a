/**
 * Capacity decisions triggered by the event path: at once when tasks could not be placed (rather
 * than after a once-a-minute metric and an alarm, as ECS cluster auto scaling does), and when a
 * host Shepherd is draining has emptied. A failure here never fails the event: the reconciler's
 * pass decides again within a minute.
 */
import type { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import type { ECSClient } from '@aws-sdk/client-ecs';
import type { Service } from '../core/service';
import { logger } from '../log';
import type { Runtime } from '../runtime';
import { evaluateCapacity, type CapacityOutcome } from './evaluate';

export async function capacityNow(
  deps: Runtime & { ecs: ECSClient; autoScaling?: AutoScalingClient },
  cluster: string,
  why: string,
  fresh: Service[] = [],
  opts: { ifDraining?: string; attempts?: number } = {},
): Promise<CapacityOutcome | undefined> {
  if (!deps.autoScaling) return undefined;
  try {
    // New demand from an event: worth waiting briefly for a decision in progress (it may predate it).
    return await evaluateCapacity({ ...deps, autoScaling: deps.autoScaling }, cluster, why, fresh, { attempts: fresh.length ? 4 : 1, ...opts });
  } catch (err) {
    logger.error('capacity decision failed; the reconciler will decide again', { cluster, why, error: String(err) });
    return undefined;
  }
}
