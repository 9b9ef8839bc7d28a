/**
 * Commits one placement: checks the instance really can take the task (placement works on snapshots,
 * the simulator never overcommits), then creates the task there, PROVISIONING, and emits the task's
 * and the instance's events.
 */
import { hexId, uuid } from '../random';
import { containerArn, taskArn } from './arns';
import type { Core } from './core';
import { decideFate } from './failureModels';
import { DYNAMIC_PORT_RANGE } from './placement/types';
import { usage } from './resources';
import type { Attachment, ClusterRecord, ContainerInstanceRecord, ContainerRecord, NetworkBinding, TaskRecord } from './state';
import type { TaskRequest } from './taskRequest';

/** Throws (a simulator bug, answered as a 500) when the instance cannot hold the task. */
function assertFits(ci: ContainerInstanceRecord, req: TaskRequest, tcpHostPorts: number[]): void {
  const fail = (why: string) => {
    throw new Error(`placement chose ${ci.arn}, which cannot take the task: ${why}`);
  };
  if (ci.status !== 'ACTIVE' || !ci.agentConnected) fail(`status ${ci.status}, agentConnected ${String(ci.agentConnected)}`);
  const u = usage(ci);
  if (u.cpu + req.cpu > ci.registered.cpu) fail('not enough CPU');
  if (u.memory + req.memory > ci.registered.memory) fail('not enough memory');
  if (tcpHostPorts.length !== req.staticTcp.length + req.dynamicTcp.length) fail('wrong number of host ports');
  req.staticTcp.forEach((need, i) => {
    if (tcpHostPorts[i] !== need.hostPort) fail(`static port ${String(need.hostPort)} not given`);
  });
  const seen = new Set<number>();
  tcpHostPorts.forEach((p, i) => {
    if (u.tcp.has(p) || seen.has(p)) fail(`port ${p} in use`);
    if (i >= req.staticTcp.length && (p < DYNAMIC_PORT_RANGE.from || p > DYNAMIC_PORT_RANGE.to)) fail(`dynamic port ${p} out of range`);
    seen.add(p);
  });
  for (const need of req.staticUdp) if (u.udp.has(need.hostPort ?? -1)) fail(`udp port ${String(need.hostPort)} in use`);
}

function dynamicUdpPorts(ci: ContainerInstanceRecord, count: number): number[] {
  const used = usage(ci).udp;
  const out: number[] = [];
  for (let p = DYNAMIC_PORT_RANGE.from; p <= DYNAMIC_PORT_RANGE.to && out.length < count; p++) if (!used.has(p)) out.push(p);
  if (out.length < count) throw new Error(`no free dynamic UDP port on ${ci.arn}`);
  return out;
}

function eniAttachment(core: Core, subnets: string[]): { attachment: Attachment; ip: string } {
  const r = core.ctx.random;
  const ip = `10.0.${Math.floor(r() * 256)}.${1 + Math.floor(r() * 254)}`;
  const subnet = subnets[Math.floor(r() * subnets.length)] ?? subnets[0] ?? '';
  const mac = Array.from({ length: 6 }, (_, i) => (i === 0 ? '0a' : hexId(r, 2))).join(':');
  const attachment: Attachment = {
    id: uuid(r),
    type: 'ElasticNetworkInterface',
    status: 'PRECREATED',
    details: [
      { name: 'subnetId', value: subnet },
      { name: 'networkInterfaceId', value: `eni-${hexId(r, 17)}` },
      { name: 'macAddress', value: mac },
      { name: 'privateDnsName', value: `ip-${ip.replaceAll('.', '-')}.ec2.internal` },
      { name: 'privateIPv4Address', value: ip },
    ],
  };
  return { attachment, ip };
}

export function createTask(
  core: Core,
  cluster: ClusterRecord,
  ci: ContainerInstanceRecord,
  req: TaskRequest,
  tcpHostPorts: number[],
): TaskRecord {
  assertFits(ci, req, tcpHostPorts);
  const id = hexId(core.ctx.random, 32);
  const arn = taskArn(core.ctx, cluster.name, id);
  const udpDynamic = dynamicUdpPorts(ci, req.dynamicUdp.length);
  const bindings = new Map<number, NetworkBinding[]>();
  const bind = (container: number, b: NetworkBinding) => bindings.set(container, [...(bindings.get(container) ?? []), b]);
  [...req.staticTcp, ...req.dynamicTcp].forEach((need, i) =>
    bind(need.container, { bindIP: '0.0.0.0', containerPort: need.containerPort, hostPort: tcpHostPorts[i] as number, protocol: 'tcp' }),
  );
  [...req.staticUdp, ...req.dynamicUdp].forEach((need, i) =>
    bind(need.container, {
      bindIP: '0.0.0.0',
      containerPort: need.containerPort,
      hostPort: need.hostPort ?? (udpDynamic[i - req.staticUdp.length] as number),
      protocol: 'udp',
    }),
  );
  const eni = req.awsvpc ? eniAttachment(core, req.awsvpc.subnets) : undefined;
  const containers: ContainerRecord[] = req.containers.map((c, i) => ({
    arn: containerArn(core.ctx, cluster.name, id, uuid(core.ctx.random)),
    name: c.spec.name,
    image: c.spec.image,
    essential: c.spec.essential,
    hasHealthCheck: c.spec.hasHealthCheck,
    cpu: c.cpu,
    ...(c.memory !== undefined ? { memory: c.memory } : {}),
    ...(c.memoryReservation !== undefined ? { memoryReservation: c.memoryReservation } : {}),
    lastStatus: 'PENDING',
    started: false,
    healthStatus: 'UNKNOWN',
    bindings: bindings.get(i) ?? [],
    ...(eni ? { networkInterfaces: [{ attachmentId: eni.attachment.id, privateIpv4Address: eni.ip }] } : {}),
  }));
  const now = core.ctx.clock.now();
  const task: TaskRecord = {
    arn,
    id,
    seq: core.state.seq(),
    clusterArn: cluster.arn,
    clusterName: cluster.name,
    instance: ci,
    taskDefinition: req.td,
    group: req.group,
    ...(req.startedBy !== undefined ? { startedBy: req.startedBy } : {}),
    lastStatus: 'PROVISIONING',
    desiredStatus: 'RUNNING',
    version: 0,
    updatedAt: now,
    createdAt: now,
    healthStatus: 'UNKNOWN',
    cpu: req.cpu,
    memory: req.memory,
    staticTcpPorts: tcpHostPorts.slice(0, req.staticTcp.length),
    dynamicTcpPorts: tcpHostPorts.slice(req.staticTcp.length),
    staticUdpPorts: req.staticUdp.map((n) => n.hostPort as number),
    dynamicUdpPorts: udpDynamic,
    containers,
    overrides: req.overrides,
    tags: req.tags,
    attachments: eni ? [eni.attachment] : [],
    availabilityZone: ci.availabilityZone,
    enableExecuteCommand: req.enableExecuteCommand,
    fate: decideFate(core.failureModels.resolve(req.td.arn, req.td.family), core.ctx.random),
    timers: [],
  };
  core.state.tasks.set(arn, task);
  ci.liveTasks.add(task);
  core.events.taskChanged(task);
  core.events.instanceChanged(ci);
  core.lifecycle.begin(task);
  return task;
}
