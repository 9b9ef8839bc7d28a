/**
 * ECS Container Instance State Change → record the instance's state and resources (only if newer);
 * on draining, registration or reactivation, re-plan the affected services at once.
 */
import { autoScalingClient, ecsClient, elbClient } from '../shared/aws/clients';
import { recordInstanceEvent } from '../shared/handlers/instanceEvents';
import { lambda } from '../shared/lambda';
import { runtime } from '../shared/runtime';

export const handler = lambda(async (event: unknown) => recordInstanceEvent(event, { ...runtime(), ecs: ecsClient(), autoScaling: autoScalingClient(), elb: elbClient() }));
