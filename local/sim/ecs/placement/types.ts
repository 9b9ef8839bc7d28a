import type { Random } from '../../random';

/** What placement needs to know of one container instance (a snapshot; placement never mutates it). */
export interface PlacementCandidate {
  containerInstanceArn: string;
  ec2InstanceId: string;
  status: 'ACTIVE' | 'DRAINING' | 'INACTIVE' | 'REGISTERING' | 'DEREGISTERING' | 'REGISTRATION_FAILED';
  agentConnected: boolean;
  /** Attributes by name, including the standard ones (ecs.availability-zone, ecs.instance-type, ecs.os-type …). */
  attributes: Record<string, string>;
  registeredCpu: number;
  registeredMemory: number;
  remainingCpu: number;
  remainingMemory: number;
  /** TCP host ports in use (static and dynamic) and the ones reserved at registration. */
  usedPorts: ReadonlySet<number>;
  /** Live (not STOPPED) tasks on the instance, for spread and distinctInstance. */
  tasks: ReadonlyArray<{ group: string; taskDefinitionArn: string; startedBy?: string }>;
  /** Optional, for the cluster query language's `agentVersion` subject (e.g. "1.14.5"). */
  agentVersion?: string;
  /** Optional, for the `registeredAt` subject: registration time in epoch milliseconds. */
  registeredAt?: number;
  /** Optional, for the `runningTasksCount` subject; defaults to `tasks.length`. */
  runningTasksCount?: number;
}

export interface PlacementStrategy {
  type: 'binpack' | 'spread' | 'random';
  /** binpack: 'cpu' | 'memory'; spread: 'instanceId' | 'host' | 'attribute:<name>'; random: none. */
  field?: string;
}

export interface PlacementConstraint {
  type: 'distinctInstance' | 'memberOf';
  /** Cluster query language expression, for memberOf. */
  expression?: string;
}

export interface PlacementRequest {
  /** Number of tasks to place (1–10 for RunTask). */
  count: number;
  /** Task group (RunTask `group`, default `family:<family>`). */
  group: string;
  taskDefinitionArn: string;
  cpu: number;
  memory: number;
  /** Static TCP host ports each task needs. */
  staticPorts: number[];
  /** How many dynamic host ports (hostPort 0 in bridge mode) each task needs. */
  dynamicPorts: number;
  strategies: PlacementStrategy[];
  /** The call's constraints and the task definition's, combined. */
  constraints: PlacementConstraint[];
  random: Random;
  /**
   * Optional: attributes the task definition requires (its `requiresAttributes`, e.g.
   * `ecs.capability.task-eni` for awsvpc). An instance without one fails with reason ATTRIBUTE.
   * Without `value`, the attribute only has to exist.
   */
  requiredAttributes?: ReadonlyArray<{ name: string; value?: string }>;
}

export interface Placement {
  containerInstanceArn: string;
  /** Host ports given to this task: the static ones, then the dynamic ones in order. */
  hostPorts: number[];
}

/** As ECS reports it: `arn` is the container instance that could not take the task. */
export interface PlacementFailure {
  arn: string;
  reason: 'RESOURCE:CPU' | 'RESOURCE:MEMORY' | 'RESOURCE:PORTS' | 'AGENT' | 'ATTRIBUTE' | 'MISSING' | 'DISTINCT_INSTANCE' | string;
  detail?: string;
}

export interface PlacementResult {
  placements: Placement[];
  /** One row per instance that was rejected (for tasks left unplaced), as ECS reports. */
  failures: PlacementFailure[];
}

/** The dynamic host port range ECS uses on Linux. */
export const DYNAMIC_PORT_RANGE = { from: 32768, to: 61000 } as const;
