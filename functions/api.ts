/**
 * The HTTP API (API Gateway HTTP API, IAM-authorised): Shepherd's desired state — services, task
 * definitions, cluster capacity. Routes, validation and errors live in shared/api; this builds
 * their dependencies from the environment on the first request. After a change, the service is
 * planned and acted on in the same request (shared/api/act.ts).
 */
import { createApiHandler } from '../shared/api/handler';
import { autoScalingClient, ecsClient, elbClient } from '../shared/aws/clients';
import { replanService } from '../shared/handlers/replan';
import { runtime } from '../shared/runtime';

export const handler = createApiHandler(() => {
  const r = runtime();
  const acting = { ...r, ecs: ecsClient(), autoScaling: autoScalingClient(), elb: elbClient() };
  return {
    store: r.store,
    ecs: ecsClient(),
    autoScaling: autoScalingClient(),
    now: r.now,
    stage: r.config.stage,
    // A change takes effect in the same request: no waiting for the reconciler's next pass.
    act: async (service: string, why: string) => void (await replanService(acting, service, why, { tryOnce: true, maxStarts: 50 })),
  };
});
