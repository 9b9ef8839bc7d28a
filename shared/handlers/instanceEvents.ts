import { instanceStateChangeEvent, toObservedInstance } from '../events/ecs';
import type { Runtime } from '../runtime';
import { parseEvent, recordIfNewer, type Outcome } from './outcome';

export async function recordInstanceEvent(event: unknown, rt: Runtime): Promise<Outcome> {
  const parsed = parseEvent(instanceStateChangeEvent, event, 'ECS Container Instance State Change');
  if (!parsed.ok) return parsed.outcome;
  const instance = toObservedInstance(parsed.data);
  return recordIfNewer(instance.containerInstanceArn, () => rt.store.instances.recordObserved(instance));
}
