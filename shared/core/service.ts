/**
 * The desired state of a service, as Shepherd stores it. Field names follow ECS's own
 * (CreateService) where ECS has one, so ECS knowledge carries over.
 */

export type SchedulingStrategy = 'REPLICA' | 'DAEMON';
export type LaunchType = 'EC2' | 'FARGATE' | 'EXTERNAL';

export interface PlacementStrategy {
  type: 'binpack' | 'spread' | 'random';
  field?: string;
}

export interface PlacementConstraint {
  type: 'distinctInstance' | 'memberOf';
  expression?: string;
}

export interface CapacityProviderStrategyItem {
  capacityProvider: string;
  weight?: number;
  base?: number;
}

export interface NetworkConfiguration {
  awsvpcConfiguration?: {
    subnets: string[];
    securityGroups?: string[];
    assignPublicIp?: 'ENABLED' | 'DISABLED';
  };
}

export interface DeploymentCircuitBreaker {
  enable: boolean;
  rollback: boolean;
}

export interface DeploymentConfiguration {
  minimumHealthyPercent: number;
  maximumPercent: number;
  deploymentCircuitBreaker: DeploymentCircuitBreaker;
}

export interface LoadBalancerTarget {
  targetGroupArn: string;
  containerName: string;
  containerPort: number;
}

export interface KeyValuePair {
  name: string;
  value: string;
}

/** RunTask's `overrides`, restricted to what a service may set for all its tasks. */
export interface TaskOverrides {
  containerOverrides?: Array<{
    name: string;
    command?: string[];
    environment?: KeyValuePair[];
    cpu?: number;
    memory?: number;
    memoryReservation?: number;
  }>;
  cpu?: string;
  memory?: string;
  taskRoleArn?: string;
  executionRoleArn?: string;
}

/** What a user asks for: everything the API accepts for a service. */
export interface ServiceSpec {
  name: string;
  cluster: string;
  taskDefinition: string;
  desiredCount: number;
  schedulingStrategy: SchedulingStrategy;
  launchType?: LaunchType;
  capacityProviderStrategy?: CapacityProviderStrategyItem[];
  placementStrategy: PlacementStrategy[];
  placementConstraints: PlacementConstraint[];
  networkConfiguration?: NetworkConfiguration;
  overrides?: TaskOverrides;
  deploymentConfiguration: DeploymentConfiguration;
  loadBalancers: LoadBalancerTarget[];
  tags: Record<string, string>;
  paused: boolean;
}

export type ServiceStatus = 'ACTIVE' | 'DRAINING';

export type RolloutState = 'IN_PROGRESS' | 'COMPLETED' | 'FAILED' | 'ROLLED_BACK';

/** One task definition a service runs or ran; the newest is the PRIMARY deployment. */
export interface Deployment {
  id: string;
  taskDefinition: string;
  status: 'PRIMARY' | 'ACTIVE' | 'INACTIVE';
  rolloutState: RolloutState;
  createdAt: string;
  updatedAt: string;
  failedTasks: number;
  /** Its task definition defines container health checks: its tasks count as healthy only when HEALTHY. */
  healthChecked?: boolean;
}

/** Crash-loop backoff of a service: restarts are delayed until nextAttemptAt. */
export interface Backoff {
  /** The task definition whose tasks crashed; a new one starts with a clean slate. */
  taskDefinition?: string;
  consecutiveFailures: number;
  delayMs: number;
  nextAttemptAt: string;
  lastFailureAt: string;
}

/** Tasks a service wanted but ECS could not place, and why. */
export interface UnplacedDemand {
  count: number;
  reasons: string[];
  since: string;
}

/**
 * The stored service: the spec plus bookkeeping. `revision` counts spec changes (the API's ETag);
 * runtime fields (deployments, backoff, unplaced) change without bumping it.
 */
export interface Service extends ServiceSpec {
  status: ServiceStatus;
  revision: number;
  createdAt: string;
  updatedAt: string;
  deployments: Deployment[];
  backoff?: Backoff;
  unplaced?: UnplacedDemand;
  /** Counts runtime-field writes (backoff, unplaced, deployment progress): their optimistic lock. */
  runtimeRevision?: number;
}

export const DEFAULT_DEPLOYMENT_CONFIGURATION: DeploymentConfiguration = {
  minimumHealthyPercent: 100,
  maximumPercent: 200,
  deploymentCircuitBreaker: { enable: true, rollback: true },
};

/** How many deployments a service keeps in its item (the primary and the ones it replaces). */
export const MAX_DEPLOYMENTS_KEPT = 5;
