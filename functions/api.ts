/**
 * The HTTP API (API Gateway HTTP API, IAM-authorised): Shepherd's desired state — services, task
 * definitions, cluster capacity. Routes, validation and errors live in shared/api; this builds
 * their dependencies from the environment on the first request.
 */
import { createApiHandler } from '../shared/api/handler';
import { autoScalingClient, ecsClient } from '../shared/aws/clients';
import { runtime } from '../shared/runtime';

export const handler = createApiHandler(() => {
  const r = runtime();
  return { store: r.store, ecs: ecsClient(), autoScaling: autoScalingClient(), now: r.now, stage: r.config.stage };
});
