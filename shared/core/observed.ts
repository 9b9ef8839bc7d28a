/** What Shepherd observes of ECS: tasks it manages and the container instances of its clusters. */

export type TaskStatus =
  | 'PROVISIONING'
  | 'PENDING'
  | 'ACTIVATING'
  | 'RUNNING'
  | 'DEACTIVATING'
  | 'STOPPING'
  | 'DEPROVISIONING'
  | 'STOPPED'
  | 'DELETED';

export interface ContainerExit {
  name: string;
  exitCode?: number;
  reason?: string;
  lastStatus?: string;
  healthStatus?: string;
}

/** Where a task answers: its host-port bindings (bridge / host networking) and its ENI's private IP (awsvpc). */
export interface TaskNetwork {
  privateIp?: string;
  bindings: Array<{ containerName: string; containerPort: number; hostPort: number }>;
}

/** A task Shepherd manages, as last observed. `version` is ECS's `detail.version` (0 = not yet observed). */
export interface ObservedTask {
  taskArn: string;
  service: string;
  cluster: string;
  containerInstanceArn?: string;
  taskDefinitionArn: string;
  lastStatus: TaskStatus;
  desiredStatus: string;
  healthStatus?: string;
  stopCode?: string;
  stoppedReason?: string;
  containers: ContainerExit[];
  network?: TaskNetwork;
  availabilityZone?: string;
  startedBy?: string;
  group?: string;
  version: number;
  createdAt?: string;
  startedAt?: string;
  stoppingAt?: string;
  stoppedAt?: string;
  updatedAt: string;
}

export interface InstanceResources {
  cpu: number;
  memory: number;
  /** Reserved/used TCP host ports. */
  ports: number[];
}

/** A container instance of a cluster Shepherd schedules on, as last observed. */
export interface ObservedInstance {
  containerInstanceArn: string;
  cluster: string;
  ec2InstanceId?: string;
  status: string;
  agentConnected: boolean;
  registered: InstanceResources;
  remaining: InstanceResources;
  attributes: Record<string, string>;
  availabilityZone?: string;
  instanceType?: string;
  runningTasksCount: number;
  pendingTasksCount: number;
  version: number;
  registeredAt?: string;
  updatedAt: string;
}

export function isTerminal(status: string): boolean {
  return status === 'STOPPED' || status === 'DELETED';
}
