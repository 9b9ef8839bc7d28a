import type { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import type { ECSClient } from '@aws-sdk/client-ecs';
import type { Store } from '../store';

/**
 * What the API's routes need, injected: production builds it from shared/runtime.ts and
 * shared/aws/clients.ts; tests pass a store on DynamoDB Local and clients on the simulator.
 */
export interface ApiDeps {
  store: Store;
  ecs: ECSClient;
  autoScaling: AutoScalingClient;
  now: () => Date;
  /** The stage: Shepherd's task markers (`startedBy = shepherd/<stage>`) and its Auto Scaling tag. */
  stage: string;
  /** Plans and acts for a service now (after a change); absent → the reconciler's next pass does. */
  act?: (service: string, why: string) => Promise<void>;
}
