import * as z from 'zod/mini';
import type { ContainerExit, ObservedInstance, ObservedTask, TaskNetwork, TaskStatus } from '../core/observed';
import { clusterName, serviceFromGroup } from '../core/markers';

/**
 * ECS's EventBridge events, parsed tolerantly: ECS may add fields at any time, so unknown
 * properties pass; only what Shepherd relies on is required.
 */
/** Bounded strings: what becomes part of a DynamoDB key or item must fit its limits (keys ≤ 1 KB). */
const text = (max: number) => z.string().check(z.minLength(1), z.maxLength(max));
const arn = text(512);
/** ISO-8601 timestamps (they sort history keys); ECS sends them with milliseconds and `Z`. */
const time = z.iso.datetime({ offset: true, local: false });

const envelope = <D extends z.ZodMiniType>(detailType: string, detail: D) =>
  z.looseObject({
    version: z.string().check(z.maxLength(16)),
    id: text(256),
    'detail-type': z.literal(detailType),
    source: z.literal('aws.ecs'),
    account: z.string().check(z.maxLength(32)),
    time,
    region: z.string(),
    resources: z.optional(z.array(z.string())),
    detail: detail,
  });

const container = z.looseObject({
  name: z.string().check(z.maxLength(255)),
  networkBindings: z.optional(z.array(z.looseObject({ containerPort: z.optional(z.int()), hostPort: z.optional(z.int()), protocol: z.optional(z.string()) }))),
  networkInterfaces: z.optional(z.array(z.looseObject({ privateIpv4Address: z.optional(z.string()) }))),
  lastStatus: z.optional(z.string().check(z.maxLength(32))),
  exitCode: z.optional(z.int()),
  reason: z.optional(z.string()),
  healthStatus: z.optional(z.string().check(z.maxLength(32))),
});

const taskDetail = z.looseObject({
  taskArn: arn,
  clusterArn: arn,
  containerInstanceArn: z.optional(arn),
  taskDefinitionArn: arn,
  lastStatus: text(32),
  desiredStatus: text(32),
  healthStatus: z.optional(z.string().check(z.maxLength(32))),
  stopCode: z.optional(z.string().check(z.maxLength(64))),
  stoppedReason: z.optional(z.string()),
  availabilityZone: z.optional(z.string().check(z.maxLength(64))),
  group: z.optional(z.string().check(z.maxLength(255))),
  startedBy: z.optional(z.string().check(z.maxLength(128))),
  containers: z._default(z.array(container).check(z.maxLength(100)), []),
  createdAt: z.optional(time),
  startedAt: z.optional(time),
  stoppingAt: z.optional(time),
  stoppedAt: z.optional(time),
  updatedAt: z.optional(time),
  version: z.int().check(z.nonnegative()),
});

export const taskStateChangeEvent = envelope('ECS Task State Change', taskDetail);
export type TaskStateChangeEvent = z.infer<typeof taskStateChangeEvent>;

const resource = z.looseObject({
  name: z.string(),
  type: z.optional(z.string()),
  integerValue: z.optional(z.number()),
  stringSetValue: z.optional(z.array(z.string())),
});

const instanceDetail = z.looseObject({
  containerInstanceArn: arn,
  clusterArn: arn,
  ec2InstanceId: z.optional(z.string().check(z.maxLength(64))),
  status: text(32),
  agentConnected: z.boolean(),
  registeredResources: z._default(z.array(resource), []),
  remainingResources: z._default(z.array(resource), []),
  // ECS allows 1–128 characters for attribute names and values.
  attributes: z._default(z.array(z.looseObject({ name: text(128), value: z.optional(z.string().check(z.maxLength(128))) })).check(z.maxLength(200)), []),
  runningTasksCount: z._default(z.int(), 0),
  pendingTasksCount: z._default(z.int(), 0),
  registeredAt: z.optional(time),
  updatedAt: z.optional(time),
  version: z.int().check(z.nonnegative()),
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
    ...(c.reason !== undefined ? { reason: c.reason.slice(0, 1024) } : {}),
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
    stoppedReason: d.stoppedReason?.slice(0, 1024),
    containers,
    ...networkOf(d.containers),
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

/** Bindings and private IP from the containers of an event or a DescribeTasks answer (same shape). */
export function networkOf(
  containers: Array<{ name?: string; networkBindings?: Array<{ containerPort?: number; hostPort?: number }>; networkInterfaces?: Array<{ privateIpv4Address?: string }> }>,
): { network?: TaskNetwork } {
  const bindings: TaskNetwork['bindings'] = [];
  let privateIp: string | undefined;
  for (const c of containers) {
    for (const b of c.networkBindings ?? []) {
      if (b.containerPort !== undefined && b.hostPort !== undefined) bindings.push({ containerName: c.name ?? '', containerPort: b.containerPort, hostPort: b.hostPort });
    }
    privateIp ??= c.networkInterfaces?.find((n) => n.privateIpv4Address)?.privateIpv4Address;
  }
  if (bindings.length === 0 && !privateIp) return {};
  return { network: { ...(privateIp ? { privateIp } : {}), bindings } };
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
export function describeIssues(err: { issues: ReadonlyArray<{ path: ReadonlyArray<PropertyKey>; message: string }> }): string {
  return err.issues
    .slice(0, 5)
    .map((i) => `${i.path.map(String).join('.') || '(root)'}: ${i.message}`)
    .join('; ');
}
