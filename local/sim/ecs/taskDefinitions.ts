/** RegisterTaskDefinition, DescribeTaskDefinition, DeregisterTaskDefinition, ListTaskDefinitions. */
import { taskDefinitionArn } from './arns';
import type { Core } from './core';
import { findTaskDefinition } from './lookup';
import { paginate } from './pagination';
import { parseQuery } from './placement';
import type { ContainerSpec, NetworkMode, PortMappingSpec, TaskDefinitionRecord } from './state';
import { apiTime, compact } from './time';
import { parseCpu, parseMemory } from './units';
import {
  clientError,
  invalid,
  maxResults,
  optBoolean,
  optEnum,
  optInteger,
  optObject,
  optObjectList,
  optString,
  readInclude,
  readTags,
  requireString,
  type Input,
} from './validate';

const NAME = /^[a-zA-Z0-9_-]{1,255}$/;
const NETWORK_MODES = ['bridge', 'host', 'awsvpc', 'none'] as const;
/** TaskDefinition members echoed back as registered. */
const ECHOED = [
  'taskRoleArn',
  'executionRoleArn',
  'requiresCompatibilities',
  'pidMode',
  'ipcMode',
  'proxyConfiguration',
  'inferenceAccelerators',
  'ephemeralStorage',
  'runtimePlatform',
  'enableFaultInjection',
] as const;

function portMappings(c: Input, name: string, mode: NetworkMode): { specs: PortMappingSpec[]; echo: Input[] } {
  const list = optObjectList(c, 'portMappings') ?? [];
  if (list.length > 0 && mode === 'none') {
    throw clientError(`Invalid setting for container '${name}': port mappings are not allowed when networkMode=none.`);
  }
  const specs: PortMappingSpec[] = [];
  const echo: Input[] = [];
  for (const pm of list) {
    const containerPort = optInteger(pm, 'containerPort');
    let hostPort = optInteger(pm, 'hostPort');
    // ECS treats any protocol other than udp as tcp.
    const protocol = optString(pm, 'protocol') === 'udp' ? 'udp' : 'tcp';
    if (containerPort === undefined || containerPort < 1 || containerPort > 65535) {
      throw clientError(`Invalid containerPort in port mappings of container '${name}'.`);
    }
    if (hostPort !== undefined && (hostPort < 0 || hostPort > 65535)) {
      throw clientError(`Invalid hostPort in port mappings of container '${name}'.`);
    }
    if (mode === 'host' || mode === 'awsvpc') {
      if (hostPort !== undefined && hostPort !== 0 && hostPort !== containerPort) {
        throw clientError(`When networkMode=${mode}, the host ports and container ports in port mappings must match.`);
      }
      hostPort = containerPort;
    }
    const spec: PortMappingSpec = { containerPort, protocol, ...(hostPort ? { hostPort } : {}) };
    specs.push(spec);
    echo.push({ ...pm, containerPort, protocol, ...(hostPort !== undefined ? { hostPort } : {}) });
  }
  return { specs, echo };
}

function containerSpecs(input: Input, mode: NetworkMode, taskMemory: number | undefined) {
  const list = optObjectList(input, 'containerDefinitions') ?? [];
  if (list.length === 0) throw clientError('Container definitions cannot be empty.');
  if (list.length > 10) throw clientError('A task definition can have at most 10 container definitions.');
  const specs: ContainerSpec[] = [];
  const echo: Input[] = [];
  for (const c of list) {
    const name = optString(c, 'name');
    if (!name) throw clientError('Container.name should not be null or empty.');
    if (!NAME.test(name)) throw clientError(`Invalid container name '${name}'.`);
    if (specs.some((s) => s.name === name)) throw clientError(`Duplicate container name '${name}'.`);
    const image = optString(c, 'image');
    if (!image) throw clientError('Container.image should not be null or empty.');
    const cpu = optInteger(c, 'cpu') ?? 0;
    const memory = optInteger(c, 'memory');
    const memoryReservation = optInteger(c, 'memoryReservation');
    if (cpu < 0) throw clientError(`Invalid 'cpu' setting for container '${name}'.`);
    if (memory === undefined && memoryReservation === undefined && taskMemory === undefined) {
      throw clientError(`Invalid setting for container '${name}'. At least one of 'memory' or 'memoryReservation' must be specified.`);
    }
    for (const [field, v] of [['memory', memory], ['memoryReservation', memoryReservation]] as const) {
      if (v !== undefined && v < 6) throw clientError(`Invalid '${field}' setting for container '${name}': the minimum is 6 MiB.`);
    }
    if (memory !== undefined && memoryReservation !== undefined && memory < memoryReservation) {
      throw clientError(`Invalid setting for container '${name}'. 'memory' must be greater than or equal to 'memoryReservation'.`);
    }
    const essential = optBoolean(c, 'essential') ?? true;
    const healthCheck = optObject(c, 'healthCheck');
    const ports = portMappings(c, name, mode);
    specs.push({
      name,
      image,
      cpu,
      essential,
      portMappings: ports.specs,
      hasHealthCheck: healthCheck !== undefined,
      ...(memory !== undefined ? { memory } : {}),
      ...(memoryReservation !== undefined ? { memoryReservation } : {}),
    });
    echo.push({
      environment: [],
      mountPoints: [],
      volumesFrom: [],
      ...c,
      cpu,
      essential,
      portMappings: ports.echo,
      // ECS's health check defaults.
      ...(healthCheck ? { healthCheck: { interval: 30, timeout: 5, retries: 3, ...healthCheck } } : {}),
    });
  }
  if (!specs.some((s) => s.essential)) throw clientError('A task definition must have at least one essential container.');
  const staticPorts = new Set<string>();
  for (const s of specs) {
    for (const pm of s.portMappings) {
      if (!pm.hostPort) continue;
      const key = `${pm.protocol}/${pm.hostPort}`;
      if (staticPorts.has(key)) throw clientError(`Host port ${pm.hostPort}/${pm.protocol} is mapped more than once in the task definition.`);
      staticPorts.add(key);
    }
  }
  return { specs, echo };
}

function constraints(input: Input): TaskDefinitionRecord['placementConstraints'] {
  const list = optObjectList(input, 'placementConstraints') ?? [];
  if (list.length > 10) throw clientError('A task definition can have at most 10 placement constraints.');
  return list.map((c) => {
    if (optString(c, 'type') !== 'memberOf') throw clientError('Task definition placement constraints must be of type memberOf.');
    const expression = optString(c, 'expression');
    if (!expression) throw clientError('A memberOf placement constraint needs an expression.');
    if (expression.length > 2000) throw clientError('A placement constraint expression can have at most 2000 characters.');
    parseQuery(expression);
    return { type: 'memberOf', expression };
  });
}

export function registerTaskDefinition(core: Core, input: Input) {
  const family = optString(input, 'family');
  if (!family) throw clientError('Family should not be null or empty.');
  if (!NAME.test(family)) {
    throw clientError('Family can have up to 255 letters (uppercase and lowercase), numbers, hyphens, and underscores.');
  }
  const networkMode = optEnum(input, 'networkMode', NETWORK_MODES);
  const mode: NetworkMode = networkMode ?? 'bridge';
  const cpu = input.cpu === undefined || input.cpu === null ? undefined : parseCpu(input.cpu);
  const memory = input.memory === undefined || input.memory === null ? undefined : parseMemory(input.memory);
  const containers = containerSpecs(input, mode, memory);
  if (cpu !== undefined && containers.specs.reduce((s, c) => s + c.cpu, 0) > cpu) {
    throw clientError('The sum of the cpu of the containers must not exceed the task-level cpu.');
  }
  if (memory !== undefined) {
    for (const c of containers.specs) {
      if ((c.memory ?? 0) > memory || (c.memoryReservation ?? 0) > memory) {
        throw clientError(`Invalid setting for container '${c.name}': its memory exceeds the task-level memory.`);
      }
    }
  }
  const placementConstraints = constraints(input);
  const tags = readTags(input);
  const requiresAttributes = [
    ...(mode === 'awsvpc' ? [{ name: 'ecs.capability.task-eni' }] : []),
    ...(containers.specs.some((c) => c.hasHealthCheck) ? [{ name: 'ecs.capability.container-health-check' }] : []),
  ];
  const revisions = core.state.families.get(family) ?? [];
  const revision = revisions.length + 1;
  const arn = taskDefinitionArn(core.ctx, family, revision);
  const echoed = Object.fromEntries(ECHOED.filter((k) => input[k] !== undefined).map((k) => [k, input[k]]));
  const record: TaskDefinitionRecord = {
    arn,
    family,
    revision,
    status: 'ACTIVE',
    networkMode: mode,
    containers: containers.specs,
    placementConstraints,
    requiresAttributes,
    tags,
    registeredAt: core.ctx.clock.now(),
    ...(cpu !== undefined ? { cpu } : {}),
    ...(memory !== undefined ? { memory } : {}),
    description: {
      taskDefinitionArn: arn,
      containerDefinitions: containers.echo,
      family,
      networkMode,
      revision,
      volumes: input.volumes ?? [],
      requiresAttributes,
      placementConstraints,
      compatibilities: ['EXTERNAL', 'EC2'],
      cpu: cpu === undefined ? undefined : String(cpu),
      memory: memory === undefined ? undefined : String(memory),
      registeredBy: `arn:aws:iam::${core.ctx.accountId}:root`,
      ...echoed,
    },
  };
  revisions.push(record);
  core.state.families.set(family, revisions);
  return { taskDefinition: taskDefinitionView(record), tags };
}

export function taskDefinitionView(td: TaskDefinitionRecord) {
  return compact({
    ...td.description,
    status: td.status,
    registeredAt: apiTime(td.registeredAt),
    deregisteredAt: td.deregisteredAt === undefined ? undefined : apiTime(td.deregisteredAt),
  });
}

export function describeTaskDefinition(core: Core, input: Input) {
  const ref = requireString(input, 'taskDefinition');
  const include = readInclude(input, ['TAGS']);
  const td = findTaskDefinition(core, ref);
  if (!td) throw clientError('Unable to describe task definition.');
  return { taskDefinition: taskDefinitionView(td), tags: include.has('TAGS') ? td.tags : undefined };
}

export function deregisterTaskDefinition(core: Core, input: Input) {
  const ref = requireString(input, 'taskDefinition');
  if (!/:\d+$/.test(ref)) throw invalid('A revision must be specified: use family:revision or the full ARN.');
  const td = findTaskDefinition(core, ref);
  if (!td) throw clientError('The specified task definition does not exist.');
  if (td.status === 'ACTIVE') {
    td.status = 'INACTIVE';
    td.deregisteredAt = core.ctx.clock.now();
  }
  return { taskDefinition: taskDefinitionView(td) };
}

export function listTaskDefinitions(core: Core, input: Input) {
  const family = optString(input, 'familyPrefix');
  const status = optEnum(input, 'status', ['ACTIVE', 'INACTIVE', 'DELETE_IN_PROGRESS'] as const) ?? 'ACTIVE';
  const sort = optEnum(input, 'sort', ['ASC', 'DESC'] as const) ?? 'ASC';
  const all: TaskDefinitionRecord[] = [];
  for (const [name, revisions] of core.state.families) {
    if (family !== undefined && name !== family) continue;
    all.push(...revisions.filter((r) => r.status === status));
  }
  const key = (td: TaskDefinitionRecord) => `${td.family}\u0000${String(td.revision).padStart(10, '0')}`;
  all.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
  if (sort === 'DESC') all.reverse();
  const page = paginate(all, key, maxResults(input), optString(input, 'nextToken'), sort === 'DESC');
  return { taskDefinitionArns: page.items.map((td) => td.arn), nextToken: page.nextToken };
}
