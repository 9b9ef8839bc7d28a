/**
 * The ECS simulator's in-memory records. Timestamps are epoch milliseconds here; views convert them
 * to epoch seconds (API) or ISO strings (events).
 */
import type { TimerId } from '../clock';
import type { TaskFate } from './failureModels';

export interface Tag {
  key: string;
  value: string;
}

export interface NameValue {
  name: string;
  value?: string;
}

export type NetworkMode = 'bridge' | 'host' | 'awsvpc' | 'none';
export type Protocol = 'tcp' | 'udp';

export interface ClusterRecord {
  arn: string;
  name: string;
  status: 'ACTIVE';
  tags: Tag[];
  settings: NameValue[];
}

export interface PortMappingSpec {
  containerPort: number;
  /** Static host port; undefined (or 0 in the request) means dynamic in bridge mode. */
  hostPort?: number;
  protocol: Protocol;
}

export interface ContainerSpec {
  name: string;
  image: string;
  cpu: number;
  memory?: number;
  memoryReservation?: number;
  essential: boolean;
  portMappings: PortMappingSpec[];
  hasHealthCheck: boolean;
}

export interface TaskDefinitionRecord {
  arn: string;
  family: string;
  revision: number;
  status: 'ACTIVE' | 'INACTIVE';
  networkMode: NetworkMode;
  /** Task-level CPU units / MiB, when the task definition sets them. */
  cpu?: number;
  memory?: number;
  containers: ContainerSpec[];
  placementConstraints: { type: 'memberOf'; expression: string }[];
  /** Agent capabilities an instance needs to run the task (awsvpc, health checks). */
  requiresAttributes: NameValue[];
  tags: Tag[];
  registeredAt: number;
  deregisteredAt?: number;
  /** The API description (without status and timestamps), fixed at registration. */
  description: Record<string, unknown>;
}

export type InstanceStatus = 'ACTIVE' | 'DRAINING' | 'INACTIVE';

export interface RegisteredResources {
  cpu: number;
  memory: number;
  /** TCP ports the agent reserved at registration. */
  ports: number[];
  /** UDP ports the agent reserved at registration. */
  portsUdp: number[];
}

export interface ContainerInstanceRecord {
  arn: string;
  id: string;
  seq: number;
  clusterArn: string;
  clusterName: string;
  ec2InstanceId: string;
  availabilityZone: string;
  instanceType: string;
  status: InstanceStatus;
  statusReason?: string;
  agentConnected: boolean;
  registeredAt: number;
  updatedAt: number;
  /** Incremented on every change that emits an event. */
  version: number;
  attributes: NameValue[];
  registered: RegisteredResources;
  versionInfo: { agentVersion: string; agentHash: string; dockerVersion: string };
  tags: Tag[];
  /** Tasks on the instance that are not STOPPED: they hold its resources. */
  liveTasks: Set<TaskRecord>;
}

export type TaskStatus = 'PROVISIONING' | 'PENDING' | 'RUNNING' | 'STOPPING' | 'STOPPED';
export type HealthStatus = 'HEALTHY' | 'UNHEALTHY' | 'UNKNOWN';

export interface NetworkBinding {
  bindIP: string;
  containerPort: number;
  hostPort: number;
  protocol: Protocol;
}

export interface ContainerRecord {
  arn: string;
  name: string;
  image: string;
  essential: boolean;
  hasHealthCheck: boolean;
  cpu: number;
  memory?: number;
  memoryReservation?: number;
  lastStatus: 'PENDING' | 'RUNNING' | 'STOPPED';
  /** Whether the container ever ran (its bindings and runtime id are reported from then on). */
  started: boolean;
  exitCode?: number;
  reason?: string;
  healthStatus: HealthStatus;
  bindings: NetworkBinding[];
  runtimeId?: string;
  imageDigest?: string;
  networkInterfaces?: { attachmentId: string; privateIpv4Address: string }[];
}

export interface Attachment {
  id: string;
  type: string;
  status: string;
  details: NameValue[];
}

export interface TaskRecord {
  arn: string;
  id: string;
  seq: number;
  clusterArn: string;
  clusterName: string;
  instance: ContainerInstanceRecord;
  taskDefinition: TaskDefinitionRecord;
  group: string;
  startedBy?: string;
  lastStatus: TaskStatus;
  desiredStatus: 'RUNNING' | 'STOPPED';
  version: number;
  updatedAt: number;
  createdAt: number;
  connectivity?: 'CONNECTED' | 'DISCONNECTED';
  connectivityAt?: number;
  pullStartedAt?: number;
  pullStoppedAt?: number;
  startedAt?: number;
  stoppingAt?: number;
  executionStoppedAt?: number;
  stoppedAt?: number;
  stopCode?: string;
  stoppedReason?: string;
  healthStatus: HealthStatus;
  /** CPU units and MiB the task holds on its instance. */
  cpu: number;
  memory: number;
  /** Host ports the task holds. Static ones are listed in the instance's remaining PORTS / PORTS_UDP. */
  staticTcpPorts: number[];
  dynamicTcpPorts: number[];
  staticUdpPorts: number[];
  dynamicUdpPorts: number[];
  containers: ContainerRecord[];
  overrides: Record<string, unknown>;
  tags: Tag[];
  attachments: Attachment[];
  availabilityZone: string;
  enableExecuteCommand: boolean;
  fate: TaskFate;
  timers: TimerId[];
  /** Steps the agent will carry out, in order, once it reconnects. */
  deferred?: (() => void)[];
}

/** Every record the simulator holds, with the indexes the handlers need. */
export class EcsState {
  readonly clusters = new Map<string, ClusterRecord>(); // by name
  readonly families = new Map<string, TaskDefinitionRecord[]>(); // revisions in order, index = revision - 1
  readonly instances = new Map<string, ContainerInstanceRecord>(); // by ARN
  readonly tasks = new Map<string, TaskRecord>(); // by ARN
  private nextSeq = 1;

  seq(): number {
    return this.nextSeq++;
  }

  instancesOf(clusterArn: string): ContainerInstanceRecord[] {
    return [...this.instances.values()].filter((i) => i.clusterArn === clusterArn);
  }

  tasksOf(clusterArn: string): TaskRecord[] {
    return [...this.tasks.values()].filter((t) => t.clusterArn === clusterArn);
  }
}
