/**
 * A container instance joins its cluster: RegisterContainerInstance as the ECS agent calls it, and
 * registerHost for a host the Auto Scaling simulator launched (same path, resources from INSTANCE_TYPES).
 */
import { hexId } from '../random';
import { INSTANCE_TYPES, type Ec2Host } from '../types';
import { containerInstanceArn } from './arns';
import { ensureCluster } from './clusters';
import type { Core } from './core';
import { instanceView } from './instanceView';
import { clusterName, DEFAULT_CLUSTER, requireCluster } from './lookup';
import type { ClusterRecord, ContainerInstanceRecord, NameValue, RegisteredResources, Tag } from './state';
import { apiTime } from './time';
import { clientError, invalid, optObject, optObjectList, optString, readTags, type Input } from './validate';

export interface Registration {
  cluster: ClusterRecord;
  ec2InstanceId: string;
  availabilityZone: string;
  instanceType: string;
  amiId?: string;
  registered: RegisteredResources;
  attributes: NameValue[];
  versionInfo: ContainerInstanceRecord['versionInfo'];
  tags: Tag[];
  /** A previous registration the agent names (containerInstanceArn). */
  previousArn?: string;
}

export const DEFAULT_VERSION_INFO = { agentVersion: '1.89.0', agentHash: '5a3c1f4e', dockerVersion: 'DockerVersion: 25.0.8' };

/** Capabilities a current ECS-optimized AMI's agent announces. */
const HOST_CAPABILITIES = [
  'com.amazonaws.ecs.capability.logging-driver.json-file',
  'com.amazonaws.ecs.capability.logging-driver.awslogs',
  'com.amazonaws.ecs.capability.logging-driver.syslog',
  'com.amazonaws.ecs.capability.docker-remote-api.1.17',
  'com.amazonaws.ecs.capability.docker-remote-api.1.18',
  'com.amazonaws.ecs.capability.docker-remote-api.1.19',
  'com.amazonaws.ecs.capability.docker-remote-api.1.21',
  'com.amazonaws.ecs.capability.docker-remote-api.1.44',
  'com.amazonaws.ecs.capability.privileged-container',
  'com.amazonaws.ecs.capability.ecr-auth',
  'com.amazonaws.ecs.capability.task-iam-role',
  'com.amazonaws.ecs.capability.task-iam-role-network-host',
  'ecs.capability.task-eni',
  'ecs.capability.container-health-check',
  'ecs.capability.execution-role-ecr-pull',
];

/** Attributes ECS derives from the instance identity, then the agent's, then defaults for the rest. */
function attributes(r: Omit<Registration, 'attributes'>, given: NameValue[]): NameValue[] {
  const byName = new Map<string, string | undefined>([
    ['ecs.os-type', 'linux'],
    ['ecs.os-family', 'LINUX'],
    ['ecs.cpu-architecture', 'x86_64'],
  ]);
  for (const a of given) byName.set(a.name, a.value);
  byName.set('ecs.availability-zone', r.availabilityZone);
  byName.set('ecs.instance-type', r.instanceType);
  if (r.amiId) byName.set('ecs.ami-id', r.amiId);
  return [...byName].map(([name, value]) => (value === undefined ? { name } : { name, value }));
}

/** Registers (or re-registers) a container instance and emits its first event. */
export function register(core: Core, r: Registration): ContainerInstanceRecord {
  const previous = r.previousArn ? core.state.instances.get(r.previousArn) : undefined;
  const sameHost = [...core.state.instances.values()].find(
    (i) => i.clusterArn === r.cluster.arn && i.ec2InstanceId === r.ec2InstanceId && i.status !== 'INACTIVE',
  );
  const existing = previous && previous.status !== 'INACTIVE' ? previous : sameHost;
  if (existing) return existing;
  const id = hexId(core.ctx.random, 32);
  const now = core.ctx.clock.now();
  const ci: ContainerInstanceRecord = {
    arn: containerInstanceArn(core.ctx, r.cluster.name, id),
    id,
    seq: core.state.seq(),
    clusterArn: r.cluster.arn,
    clusterName: r.cluster.name,
    ec2InstanceId: r.ec2InstanceId,
    availabilityZone: r.availabilityZone,
    instanceType: r.instanceType,
    status: 'ACTIVE',
    agentConnected: true,
    registeredAt: now,
    updatedAt: now,
    version: 0,
    attributes: attributes(r, r.attributes),
    registered: r.registered,
    versionInfo: r.versionInfo,
    tags: r.tags,
    liveTasks: new Set(),
  };
  core.state.instances.set(ci.arn, ci);
  core.events.instanceChanged(ci);
  return ci;
}

/** The Auto Scaling simulator's host registers; its cluster is created if it does not exist yet. */
export function registerHost(core: Core, host: Ec2Host): string {
  const spec = INSTANCE_TYPES[host.instanceType];
  if (!spec) {
    throw new Error(`registerHost: unknown instance type ${host.instanceType}; known: ${Object.keys(INSTANCE_TYPES).join(', ')}`);
  }
  const cluster = ensureCluster(core, host.cluster);
  const given: NameValue[] = [
    ...HOST_CAPABILITIES.map((name) => ({ name })),
    ...Object.entries(host.attributes ?? {}).map(([name, value]) => ({ name, value })),
  ];
  const ci = register(core, {
    cluster,
    ec2InstanceId: host.ec2InstanceId,
    availabilityZone: host.availabilityZone,
    instanceType: host.instanceType,
    amiId: 'ami-0a1b2c3d4e5f60718',
    registered: { cpu: spec.cpu, memory: spec.memory, ports: [...core.opts.reservedPorts], portsUdp: [] },
    attributes: given,
    versionInfo: DEFAULT_VERSION_INFO,
    tags: [],
  });
  return ci.arn;
}

function identity(input: Input) {
  const doc = optString(input, 'instanceIdentityDocument');
  if (!doc) throw clientError('An instanceIdentityDocument is required to register an EC2 container instance.');
  let parsed: unknown;
  try {
    parsed = JSON.parse(doc);
  } catch {
    throw clientError('The instanceIdentityDocument is not valid JSON.');
  }
  const obj = (parsed && typeof parsed === 'object' ? parsed : {}) as Input;
  const instanceId = optString(obj, 'instanceId');
  const availabilityZone = optString(obj, 'availabilityZone');
  const instanceType = optString(obj, 'instanceType');
  if (!instanceId || !availabilityZone || !instanceType) {
    throw clientError('The instanceIdentityDocument must carry instanceId, availabilityZone and instanceType.');
  }
  return { instanceId, availabilityZone, instanceType, imageId: optString(obj, 'imageId') };
}

function totalResources(input: Input, instanceType: string): RegisteredResources {
  const spec = INSTANCE_TYPES[instanceType];
  const out: Partial<RegisteredResources> = {};
  for (const r of optObjectList(input, 'totalResources') ?? []) {
    const name = optString(r, 'name');
    const value = r.integerValue ?? r.longValue ?? r.doubleValue;
    const set = Array.isArray(r.stringSetValue) ? r.stringSetValue.map((p) => Number(p)) : [];
    if (set.some((p) => !Number.isInteger(p) || p < 0 || p > 65535)) throw invalid(`Invalid port in totalResources ${name ?? ''}.`);
    if (name === 'CPU' && typeof value === 'number') out.cpu = Math.floor(value);
    if (name === 'MEMORY' && typeof value === 'number') out.memory = Math.floor(value);
    if (name === 'PORTS') out.ports = set;
    if (name === 'PORTS_UDP') out.portsUdp = set;
  }
  const cpu = out.cpu ?? spec?.cpu;
  const memory = out.memory ?? spec?.memory;
  if (cpu === undefined || memory === undefined) {
    throw invalid('totalResources must include CPU and MEMORY for this instance type.');
  }
  return { cpu, memory, ports: out.ports ?? [], portsUdp: out.portsUdp ?? [] };
}

function readAttributes(input: Input): NameValue[] {
  return (optObjectList(input, 'attributes') ?? []).map((a) => {
    const name = optString(a, 'name');
    const value = optString(a, 'value');
    if (!name || name.length > 128 || !/^[a-zA-Z0-9_./\\-]+$/.test(name)) throw invalid(`Invalid attribute name: ${name ?? ''}.`);
    if (value !== undefined && (value.length < 1 || value.length > 128)) throw invalid(`Invalid value for attribute ${name}.`);
    return value === undefined ? { name } : { name, value };
  });
}

export function registerContainerInstance(core: Core, input: Input) {
  const ref = optString(input, 'cluster');
  // The agent of an instance configured for no cluster creates "default" itself; any other cluster must exist.
  const cluster = clusterName(core, ref) === DEFAULT_CLUSTER ? ensureCluster(core, DEFAULT_CLUSTER) : requireCluster(core, ref);
  const id = identity(input);
  const versionInfo = optObject(input, 'versionInfo');
  const ci = register(core, {
    cluster,
    ec2InstanceId: id.instanceId,
    availabilityZone: id.availabilityZone,
    instanceType: id.instanceType,
    ...(id.imageId ? { amiId: id.imageId } : {}),
    registered: totalResources(input, id.instanceType),
    attributes: readAttributes(input),
    versionInfo: {
      agentVersion: (versionInfo && optString(versionInfo, 'agentVersion')) ?? DEFAULT_VERSION_INFO.agentVersion,
      agentHash: (versionInfo && optString(versionInfo, 'agentHash')) ?? DEFAULT_VERSION_INFO.agentHash,
      dockerVersion: (versionInfo && optString(versionInfo, 'dockerVersion')) ?? DEFAULT_VERSION_INFO.dockerVersion,
    },
    tags: readTags(input),
    ...(optString(input, 'containerInstanceArn') ? { previousArn: optString(input, 'containerInstanceArn') as string } : {}),
  });
  return { containerInstance: instanceView(ci, apiTime) };
}
