/**
 * Reading what ECS runs, for the reconciler: ListTasks by Shepherd's `startedBy` (every page),
 * DescribeTasks in batches of 100, the cheap instance check (the ARNs of ACTIVE instances with a
 * connected agent, in one ListContainerInstances page per 100 instances) and
 * DescribeContainerInstances — and their answers as Shepherd's observed state.
 */
import {
  DescribeContainerInstancesCommand,
  DescribeTasksCommand,
  ListContainerInstancesCommand,
  ListTasksCommand,
  type ContainerInstance,
  type ECSClient,
  type Resource,
  type Task,
} from '@aws-sdk/client-ecs';
import { clusterName, serviceFromGroup } from '../core/markers';
import { networkOf } from '../events/ecs';
import type { ContainerExit, InstanceResources, ObservedInstance, ObservedTask, TaskStatus } from '../core/observed';

/** ECS's limit for DescribeTasks and DescribeContainerInstances. */
export const DESCRIBE_BATCH = 100;

export function chunk<T>(xs: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < xs.length; i += size) out.push(xs.slice(i, i + size));
  return out;
}

/**
 * Every task of `cluster` this stage started that ECS still wants running (desiredStatus RUNNING,
 * the default), or that it is stopping or stopped lately (STOPPED), all pages.
 */
export async function listTaskArns(ecs: ECSClient, cluster: string, startedBy: string, desiredStatus: 'RUNNING' | 'STOPPED' = 'RUNNING'): Promise<string[]> {
  const arns: string[] = [];
  let nextToken: string | undefined;
  do {
    const out = await ecs.send(new ListTasksCommand({ cluster, startedBy, desiredStatus, maxResults: 100, ...(nextToken ? { nextToken } : {}) }));
    arns.push(...(out.taskArns ?? []));
    nextToken = out.nextToken;
  } while (nextToken);
  return arns;
}

/** One DescribeTasks call (≤ 100 ARNs): the tasks ECS knows, and the ARNs it answers MISSING. */
export async function describeTaskBatch(ecs: ECSClient, cluster: string, arns: string[]): Promise<{ tasks: Task[]; missing: string[] }> {
  if (arns.length === 0) return { tasks: [], missing: [] };
  const out = await ecs.send(new DescribeTasksCommand({ cluster, tasks: arns }));
  return {
    tasks: out.tasks ?? [],
    missing: (out.failures ?? []).filter((f) => f.reason === 'MISSING' && f.arn).map((f) => f.arn!),
  };
}

/**
 * The cheap instance check: ARNs of the cluster's ACTIVE instances whose agent is connected — the
 * instances the planner may use — one call per 100 instances. Any difference with the store says
 * which instances to describe.
 */
export async function listUsableInstanceArns(ecs: ECSClient, cluster: string): Promise<string[]> {
  const arns: string[] = [];
  let nextToken: string | undefined;
  do {
    const out = await ecs.send(
      new ListContainerInstancesCommand({ cluster, status: 'ACTIVE', filter: 'agentConnected==true', maxResults: 100, ...(nextToken ? { nextToken } : {}) }),
    );
    arns.push(...(out.containerInstanceArns ?? []));
    nextToken = out.nextToken;
  } while (nextToken);
  return arns;
}

/** One DescribeContainerInstances call (≤ 100 ARNs). */
export async function describeInstanceBatch(
  ecs: ECSClient,
  cluster: string,
  arns: string[],
): Promise<{ instances: ContainerInstance[]; missing: string[] }> {
  if (arns.length === 0) return { instances: [], missing: [] };
  const out = await ecs.send(new DescribeContainerInstancesCommand({ cluster, containerInstances: arns }));
  return {
    instances: out.containerInstances ?? [],
    missing: (out.failures ?? []).filter((f) => f.reason === 'MISSING' && f.arn).map((f) => f.arn!),
  };
}

const iso = (d: Date | undefined) => (d instanceof Date && !Number.isNaN(d.getTime()) ? d.toISOString() : undefined);

/**
 * A described task as Shepherd's observation (`version` is ECS's, the same counter its events
 * carry, so the store's put-if-newer orders both); undefined when it is not a Shepherd service's.
 * DescribeTasks has no update time: `updatedAt` is when it was observed.
 */
export function observedFromTask(t: Task, now: Date): ObservedTask | undefined {
  const service = serviceFromGroup(t.group);
  if (!service || !t.taskArn || !t.clusterArn || !t.taskDefinitionArn || !t.lastStatus) return undefined;
  const containers: ContainerExit[] = (t.containers ?? []).map((c) => ({
    name: c.name ?? '',
    ...(c.lastStatus !== undefined ? { lastStatus: c.lastStatus } : {}),
    ...(c.exitCode !== undefined ? { exitCode: c.exitCode } : {}),
    ...(c.reason !== undefined ? { reason: c.reason } : {}),
    ...(c.healthStatus !== undefined ? { healthStatus: c.healthStatus } : {}),
  }));
  return {
    taskArn: t.taskArn,
    service,
    cluster: clusterName(t.clusterArn),
    containerInstanceArn: t.containerInstanceArn,
    taskDefinitionArn: t.taskDefinitionArn,
    lastStatus: t.lastStatus as TaskStatus,
    desiredStatus: t.desiredStatus ?? 'RUNNING',
    healthStatus: t.healthStatus,
    stopCode: t.stopCode,
    stoppedReason: t.stoppedReason,
    containers,
    ...networkOf(t.containers ?? []),
    availabilityZone: t.availabilityZone,
    startedBy: t.startedBy,
    group: t.group,
    version: t.version ?? 0,
    createdAt: iso(t.createdAt),
    startedAt: iso(t.startedAt),
    stoppingAt: iso(t.stoppingAt),
    stoppedAt: iso(t.stoppedAt),
    updatedAt: now.toISOString(),
  };
}

function resources(list: Resource[] | undefined): InstanceResources {
  const find = (name: string) => (list ?? []).find((r) => r.name === name);
  return {
    cpu: find('CPU')?.integerValue ?? 0,
    memory: find('MEMORY')?.integerValue ?? 0,
    ports: (find('PORTS')?.stringSetValue ?? []).map(Number).filter(Number.isFinite).sort((a, b) => a - b),
  };
}

/** A described container instance as Shepherd's observation; `updatedAt` is when it was observed. */
export function observedFromInstance(ci: ContainerInstance, cluster: string, now: Date): ObservedInstance | undefined {
  if (!ci.containerInstanceArn || !ci.status) return undefined;
  const attributes: Record<string, string> = {};
  for (const a of ci.attributes ?? []) if (a.name) attributes[a.name] = a.value ?? '';
  return {
    containerInstanceArn: ci.containerInstanceArn,
    cluster,
    ec2InstanceId: ci.ec2InstanceId,
    status: ci.status,
    agentConnected: ci.agentConnected ?? false,
    registered: resources(ci.registeredResources),
    remaining: resources(ci.remainingResources),
    attributes,
    availabilityZone: attributes['ecs.availability-zone'],
    instanceType: attributes['ecs.instance-type'],
    runningTasksCount: ci.runningTasksCount ?? 0,
    pendingTasksCount: ci.pendingTasksCount ?? 0,
    version: ci.version ?? 0,
    registeredAt: iso(ci.registeredAt),
    updatedAt: now.toISOString(),
  };
}
