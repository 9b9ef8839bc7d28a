/**
 * ECS Task State Change → record the observation (one conditional write, only if newer), and a
 * history event when a task stops. The EventBridge rule already drops tasks that are not this
 * stack's (startedBy) and transitions Shepherd does not act on.
 */
import { recordTaskEvent } from '../shared/handlers/taskEvents';
import { lambda } from '../shared/lambda';
import { runtime } from '../shared/runtime';

export const handler = lambda(async (event: unknown) => recordTaskEvent(event, runtime()));
