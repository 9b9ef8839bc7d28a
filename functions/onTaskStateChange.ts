/**
 * ECS Task State Change → record the observation (only if newer); when a service's task stops,
 * replace it at once (or owe it under crash-loop backoff). The EventBridge rule already drops tasks
 * that are not this stack's (startedBy) and transitions Shepherd does not act on.
 */
import { autoScalingClient, ecsClient, elbClient } from '../shared/aws/clients';
import { recordTaskEvent } from '../shared/handlers/taskEvents';
import { lambda } from '../shared/lambda';
import { runtime } from '../shared/runtime';

export const handler = lambda(async (event: unknown) => recordTaskEvent(event, { ...runtime(), ecs: ecsClient(), autoScaling: autoScalingClient(), elb: elbClient() }));
