/**
 * The parameters RunTask and StartTask share, checked and resolved against the task definition:
 * what each task will be and what it needs from an instance (CPU, memory, host ports).
 */
import type { Core } from './core';
import { findTaskDefinition } from './lookup';
import type { ClusterRecord, ContainerSpec, Protocol, Tag, TaskDefinitionRecord } from './state';
import { compact } from './time';
import { parseCpu, parseMemory } from './units';
import {
  clientError,
  invalid,
  optBoolean,
  optEnum,
  optInteger,
  optObject,
  optObjectList,
  optString,
  optStringList,
  readTags,
  requireString,
  type Input,
} from './validate';

export interface PortNeed {
  /** Index of the container in the task definition. */
  container: number;
  containerPort: number;
  protocol: Protocol;
  /** Static host port; undefined for a dynamic one. */
  hostPort?: number;
}

export interface ContainerRequest {
  spec: ContainerSpec;
  cpu: number;
  memory?: number;
  memoryReservation?: number;
}

export interface TaskRequest {
  td: TaskDefinitionRecord;
  group: string;
  startedBy?: string;
  /** The task's `overrides` as DescribeTasks shows them. */
  overrides: Record<string, unknown>;
  containers: ContainerRequest[];
  /** What the task holds on its instance. */
  cpu: number;
  memory: number;
  staticTcp: PortNeed[];
  dynamicTcp: PortNeed[];
  staticUdp: PortNeed[];
  dynamicUdp: PortNeed[];
  tags: Tag[];
  enableExecuteCommand: boolean;
  awsvpc?: { subnets: string[]; securityGroups: string[] };
}

const STARTED_BY = /^[a-zA-Z0-9_/-]{1,128}$/;
const CONTAINER_OVERRIDE_FIELDS = ['command', 'environment', 'environmentFiles', 'cpu', 'memory', 'memoryReservation', 'resourceRequirements'];
const TASK_OVERRIDE_FIELDS = ['cpu', 'memory', 'taskRoleArn', 'executionRoleArn', 'ephemeralStorage'];

function taskDefinition(core: Core, input: Input): TaskDefinitionRecord {
  const td = findTaskDefinition(core, requireString(input, 'taskDefinition'));
  if (!td) throw invalid('TaskDefinition not found.');
  if (td.status !== 'ACTIVE') throw clientError('TaskDefinition is inactive');
  return td;
}

function launchOptions(input: Input): void {
  const launchType = optEnum(input, 'launchType', ['EC2', 'FARGATE', 'EXTERNAL', 'MANAGED_INSTANCES'] as const);
  if (launchType && launchType !== 'EC2') throw invalid(`Launch type ${launchType} is not available: this simulator runs the EC2 launch type only.`);
  if ((optObjectList(input, 'capacityProviderStrategy') ?? []).length > 0) {
    throw invalid('The specified capacity provider strategy cannot contain a capacity provider that is not associated with the cluster.');
  }
}

function readOverrides(input: Input, td: TaskDefinitionRecord) {
  const raw = optObject(input, 'overrides') ?? {};
  if (JSON.stringify(raw).length > 8192) throw invalid('Container Overrides length must be at most 8192.');
  const given = new Map<string, Input>();
  for (const o of optObjectList(raw, 'containerOverrides') ?? []) {
    const name = optString(o, 'name');
    if (!name) throw invalid('Container overrides must name the container they apply to.');
    if (!td.containers.some((c) => c.name === name)) {
      throw invalid(`Override for container named ${name} is not a container in the TaskDefinition.`);
    }
    optStringList(o, 'command');
    for (const f of ['cpu', 'memory', 'memoryReservation']) optInteger(o, f);
    given.set(name, o);
  }
  const containers: ContainerRequest[] = td.containers.map((spec) => {
    const o = given.get(spec.name) ?? {};
    const cpu = optInteger(o, 'cpu') ?? spec.cpu;
    const memory = optInteger(o, 'memory') ?? spec.memory;
    const memoryReservation = optInteger(o, 'memoryReservation') ?? spec.memoryReservation;
    if (memory !== undefined && memoryReservation !== undefined && memory < memoryReservation) {
      throw invalid(`Invalid override for container '${spec.name}': memory must be greater than or equal to memoryReservation.`);
    }
    return { spec, cpu, ...(memory !== undefined ? { memory } : {}), ...(memoryReservation !== undefined ? { memoryReservation } : {}) };
  });
  const taskCpu = raw.cpu !== undefined && raw.cpu !== null ? parseCpu(raw.cpu) : td.cpu;
  const taskMemory = raw.memory !== undefined && raw.memory !== null ? parseMemory(raw.memory) : td.memory;
  const view = compact({
    containerOverrides: td.containers.map((c) => {
      const o = given.get(c.name) ?? {};
      return { name: c.name, ...Object.fromEntries(CONTAINER_OVERRIDE_FIELDS.filter((f) => o[f] !== undefined).map((f) => [f, o[f]])) };
    }),
    inferenceAcceleratorOverrides: [],
    ...Object.fromEntries(TASK_OVERRIDE_FIELDS.filter((f) => raw[f] !== undefined).map((f) => [f, raw[f]])),
  });
  return { containers, taskCpu, taskMemory, view };
}

function portNeeds(td: TaskDefinitionRecord) {
  const needs = { staticTcp: [] as PortNeed[], dynamicTcp: [] as PortNeed[], staticUdp: [] as PortNeed[], dynamicUdp: [] as PortNeed[] };
  if (td.networkMode === 'awsvpc' || td.networkMode === 'none') return needs;
  td.containers.forEach((c, container) => {
    for (const pm of c.portMappings) {
      const need: PortNeed = { container, containerPort: pm.containerPort, protocol: pm.protocol };
      const hostPort = td.networkMode === 'host' ? pm.containerPort : pm.hostPort;
      if (hostPort) need.hostPort = hostPort;
      const list = pm.protocol === 'udp' ? (hostPort ? needs.staticUdp : needs.dynamicUdp) : hostPort ? needs.staticTcp : needs.dynamicTcp;
      list.push(need);
    }
  });
  return needs;
}

function network(input: Input, td: TaskDefinitionRecord): TaskRequest['awsvpc'] {
  const config = optObject(input, 'networkConfiguration');
  const vpc = config ? optObject(config, 'awsvpcConfiguration') : undefined;
  if (td.networkMode !== 'awsvpc') {
    if (vpc) throw invalid('Network Configuration is not valid for the given networkMode of this task definition.');
    return undefined;
  }
  if (!vpc) throw invalid("Network Configuration must be provided when networkMode 'awsvpc' is specified.");
  const subnets = optStringList(vpc, 'subnets') ?? [];
  if (subnets.length === 0) throw invalid('subnets can not be empty.');
  if (subnets.length > 16) throw invalid('subnets can have at most 16 items.');
  const securityGroups = optStringList(vpc, 'securityGroups') ?? [];
  if (securityGroups.length > 5) throw invalid('securityGroups can have at most 5 items.');
  optEnum(vpc, 'assignPublicIp', ['ENABLED', 'DISABLED'] as const);
  return { subnets, securityGroups };
}

function taskTags(input: Input, td: TaskDefinitionRecord, cluster: ClusterRecord): Tag[] {
  const propagate = optEnum(input, 'propagateTags', ['TASK_DEFINITION', 'SERVICE', 'NONE'] as const);
  if (propagate === 'SERVICE') throw invalid('The SERVICE option of propagateTags is not valid when running a task.');
  const byKey = new Map<string, string>();
  if (propagate === 'TASK_DEFINITION') for (const t of td.tags) byKey.set(t.key, t.value);
  for (const t of readTags(input)) byKey.set(t.key, t.value);
  if (optBoolean(input, 'enableECSManagedTags')) byKey.set('aws:ecs:clusterName', cluster.name);
  const tags = [...byKey].map(([key, value]) => ({ key, value }));
  if (tags.filter((t) => !t.key.startsWith('aws:')).length > 50) throw invalid('A task can have at most 50 tags.');
  return tags;
}

export function readTaskRequest(core: Core, cluster: ClusterRecord, input: Input): TaskRequest {
  launchOptions(input);
  const td = taskDefinition(core, input);
  const group = optString(input, 'group') ?? `family:${td.family}`;
  if (group.length < 1 || group.length > 255) throw invalid('group must be between 1 and 255 characters.');
  const startedBy = optString(input, 'startedBy');
  if (startedBy !== undefined && !STARTED_BY.test(startedBy)) {
    throw invalid('startedBy can have up to 128 letters (uppercase and lowercase), numbers, hyphens, forward slashes and underscores.');
  }
  const o = readOverrides(input, td);
  const cpu = o.taskCpu ?? o.containers.reduce((s, c) => s + c.cpu, 0);
  const memory = o.taskMemory ?? o.containers.reduce((s, c) => s + (c.memoryReservation ?? c.memory ?? 0), 0);
  const awsvpc = network(input, td);
  return {
    td,
    group,
    ...(startedBy !== undefined ? { startedBy } : {}),
    overrides: o.view,
    containers: o.containers,
    cpu,
    memory,
    ...portNeeds(td),
    tags: taskTags(input, td, cluster),
    enableExecuteCommand: optBoolean(input, 'enableExecuteCommand') ?? false,
    ...(awsvpc ? { awsvpc } : {}),
  };
}
