import { z } from 'zod';
import type { ContainerExit, ObservedInstance, ObservedTask, TaskStatus } from '../core/observed';
import { clusterName, serviceFromGroup } from '../core/markers';

/**
 * ECS's EventBridge events, parsed tolerantly: ECS may add fields at any time, so unknown
 * properties pass; only what Shepherd relies on is required.
 */
const envelope = <D extends z.ZodType>(detailType: string, detail: D) =>
  z.looseObject({
    version: z.string(),
    id: z.string().min(1),
    'detail-type': z.literal(detailType),
    source: z.literal('aws.ecs'),
    account: z.string(),
    time: z.string(),
    region: z.string(),
    resources: z.array(z.string()).optional(),
    detail: detail,
  });

const container = z.looseObject({
  name: z.string(),
  lastStatus: z.string().optional(),
  exitCode: z.number().int().optional(),
  reason: z.string().optional(),
  healthStatus: z.string().optional(),
});

const taskDetail = z.looseObject({
  taskArn: z.string().min(1),
  clusterArn: z.string().min(1),
  containerInstanceArn: z.string().optional(),
  taskDefinitionArn: z.string().min(1),
  lastStatus: z.string().min(1),
  desiredStatus: z.string().min(1),
  healthStatus: z.string().optional(),
  stopCode: z.string().optional(),
  stoppedReason: z.string().optional(),
  availabilityZone: z.string().optional(),
  group: z.string().optional(),
  startedBy: z.string().optional(),
  containers: z.array(container).default([]),
  createdAt: z.string().optional(),
  startedAt: z.string().optional(),
  stoppingAt: z.string().optional(),
  stoppedAt: z.string().optional(),
  updatedAt: z.string().optional(),
  version: z.number().int().nonnegative(),
});

export const taskStateChangeEvent = envelope('ECS Task State Change', taskDetail);
export type TaskStateChangeEvent = z.infer<typeof taskStateChangeEvent>;

const resource = z.looseObject({
  name: z.string(),
  type: z.string().optional(),
  integerValue: z.number().optional(),
  stringSetValue: z.array(z.string()).optional(),
});

const instanceDetail = z.looseObject({
  containerInstanceArn: z.string().min(1),
  clusterArn: z.string().min(1),
  ec2InstanceId: z.string().optional(),
  status: z.string().min(1),
  agentConnected: z.boolean(),
  registeredResources: z.array(resource).default([]),
  remainingResources: z.array(resource).default([]),
  attributes: z.array(z.looseObject({ name: z.string(), value: z.string().optional() })).default([]),
  runningTasksCount: z.number().int().default(0),
  pendingTasksCount: z.number().int().default(0),
  registeredAt: z.string().optional(),
  updatedAt: z.string().optional(),
  version: z.number().int().nonnegative(),
});

export const instanceStateChangeEvent = envelope('ECS Container Instance State Change', instanceDetail);
export type InstanceStateChangeEvent = z.infer<typeof instanceStateChangeEvent>;

/** The observed task an event describes, or undefined when the task is not a Shepherd service's. */
export function toObservedTask(e: TaskStateChangeEvent): ObservedTask | undefined {
  const d = e.detail;
  const service = serviceFromGroup(d.group);
  if (!service) return undefined;
  const containers: ContainerExit[] = d.containers.map((c) => ({
    name: c.name,
    ...(c.lastStatus !== undefined ? { lastStatus: c.lastStatus } : {}),
    ...(c.exitCode !== undefined ? { exitCode: c.exitCode } : {}),
    ...(c.reason !== undefined ? { reason: c.reason } : {}),
    ...(c.healthStatus !== undefined ? { healthStatus: c.healthStatus } : {}),
  }));
  return {
    taskArn: d.taskArn,
    service,
    cluster: clusterName(d.clusterArn),
    containerInstanceArn: d.containerInstanceArn,
    taskDefinitionArn: d.taskDefinitionArn,
    lastStatus: d.lastStatus as TaskStatus,
    desiredStatus: d.desiredStatus,
    healthStatus: d.healthStatus,
    stopCode: d.stopCode,
    stoppedReason: d.stoppedReason,
    containers,
    availabilityZone: d.availabilityZone,
    startedBy: d.startedBy,
    group: d.group,
    version: d.version,
    createdAt: d.createdAt,
    startedAt: d.startedAt,
    stoppingAt: d.stoppingAt,
    stoppedAt: d.stoppedAt,
    updatedAt: d.updatedAt ?? e.time,
  };
}

type Resource = z.infer<typeof resource>;

function resources(list: Resource[]): { cpu: number; memory: number; ports: number[] } {
  const find = (name: string) => list.find((r) => r.name === name);
  return {
    cpu: find('CPU')?.integerValue ?? 0,
    memory: find('MEMORY')?.integerValue ?? 0,
    ports: (find('PORTS')?.stringSetValue ?? []).map(Number).filter(Number.isFinite).sort((a, b) => a - b),
  };
}

export function toObservedInstance(e: InstanceStateChangeEvent): ObservedInstance {
  const d = e.detail;
  const attributes: Record<string, string> = {};
  for (const a of d.attributes) attributes[a.name] = a.value ?? '';
  return {
    containerInstanceArn: d.containerInstanceArn,
    cluster: clusterName(d.clusterArn),
    ec2InstanceId: d.ec2InstanceId,
    status: d.status,
    agentConnected: d.agentConnected,
    registered: resources(d.registeredResources),
    remaining: resources(d.remainingResources),
    attributes,
    availabilityZone: attributes['ecs.availability-zone'],
    instanceType: attributes['ecs.instance-type'],
    runningTasksCount: d.runningTasksCount,
    pendingTasksCount: d.pendingTasksCount,
    version: d.version,
    registeredAt: d.registeredAt,
    updatedAt: d.updatedAt ?? e.time,
  };
}

/** A readable one-line summary of why an event did not parse (for the single error log line). */
export function describeIssues(err: z.ZodError): string {
  return err.issues
    .slice(0, 5)
    .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
    .join('; ');
}
