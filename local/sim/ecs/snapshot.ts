/** A plain copy of the simulator's state for assertions (tests, bench, dashboards). */
import { remaining, type Remaining } from './resources';
import type { EcsState, InstanceStatus, RegisteredResources, TaskStatus } from './state';

export interface InstanceSnapshot {
  arn: string;
  clusterArn: string;
  ec2InstanceId: string;
  availabilityZone: string;
  instanceType: string;
  status: InstanceStatus;
  agentConnected: boolean;
  version: number;
  registered: RegisteredResources;
  remaining: Remaining;
  /** Tasks holding resources on the instance (not STOPPED). */
  liveTaskArns: string[];
}

export interface TaskSnapshot {
  arn: string;
  clusterArn: string;
  containerInstanceArn: string;
  taskDefinitionArn: string;
  group: string;
  startedBy?: string;
  lastStatus: TaskStatus;
  desiredStatus: 'RUNNING' | 'STOPPED';
  /** HEALTHY / UNHEALTHY / UNKNOWN (containers with health checks decide it). */
  healthStatus: string;
  stopCode?: string;
  version: number;
  cpu: number;
  memory: number;
  tcpHostPorts: number[];
  udpHostPorts: number[];
}

export interface EcsSnapshot {
  clusters: { arn: string; name: string }[];
  instances: InstanceSnapshot[];
  tasks: TaskSnapshot[];
}

export function snapshot(state: EcsState): EcsSnapshot {
  return {
    clusters: [...state.clusters.values()].map((c) => ({ arn: c.arn, name: c.name })),
    instances: [...state.instances.values()].map((ci) => ({
      arn: ci.arn,
      clusterArn: ci.clusterArn,
      ec2InstanceId: ci.ec2InstanceId,
      availabilityZone: ci.availabilityZone,
      instanceType: ci.instanceType,
      status: ci.status,
      agentConnected: ci.agentConnected,
      version: ci.version,
      registered: structuredClone(ci.registered),
      remaining: remaining(ci),
      liveTaskArns: [...ci.liveTasks].map((t) => t.arn),
    })),
    tasks: [...state.tasks.values()].map((t) => ({
      arn: t.arn,
      clusterArn: t.clusterArn,
      containerInstanceArn: t.instance.arn,
      taskDefinitionArn: t.taskDefinition.arn,
      group: t.group,
      ...(t.startedBy !== undefined ? { startedBy: t.startedBy } : {}),
      lastStatus: t.lastStatus,
      desiredStatus: t.desiredStatus,
      healthStatus: t.healthStatus,
      ...(t.stopCode !== undefined ? { stopCode: t.stopCode } : {}),
      version: t.version,
      cpu: t.cpu,
      memory: t.memory,
      tcpHostPorts: [...t.staticTcpPorts, ...t.dynamicTcpPorts],
      udpHostPorts: [...t.staticUdpPorts, ...t.dynamicUdpPorts],
    })),
  };
}
