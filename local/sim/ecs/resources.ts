/**
 * Resource accounting of a container instance. Nothing is kept as a running counter: what an instance
 * has left is always its registered resources minus what its live (not STOPPED) tasks hold, so the two
 * can never drift apart.
 */
import type { PlacementCandidate } from './placement/types';
import type { ContainerInstanceRecord } from './state';

export interface Usage {
  cpu: number;
  memory: number;
  /** Every TCP / UDP host port in use: reserved at registration, static and dynamic task ports. */
  tcp: Set<number>;
  udp: Set<number>;
}

export interface Remaining {
  cpu: number;
  memory: number;
  /** As ECS lists them: reserved ports plus the static host ports of live tasks. */
  ports: number[];
  portsUdp: number[];
}

export function usage(ci: ContainerInstanceRecord): Usage {
  const u: Usage = { cpu: 0, memory: 0, tcp: new Set(ci.registered.ports), udp: new Set(ci.registered.portsUdp) };
  for (const t of ci.liveTasks) {
    u.cpu += t.cpu;
    u.memory += t.memory;
    for (const p of [...t.staticTcpPorts, ...t.dynamicTcpPorts]) u.tcp.add(p);
    for (const p of [...t.staticUdpPorts, ...t.dynamicUdpPorts]) u.udp.add(p);
  }
  return u;
}

export function remaining(ci: ContainerInstanceRecord): Remaining {
  let cpu = ci.registered.cpu;
  let memory = ci.registered.memory;
  const ports = [...ci.registered.ports];
  const portsUdp = [...ci.registered.portsUdp];
  for (const t of ci.liveTasks) {
    cpu -= t.cpu;
    memory -= t.memory;
    ports.push(...t.staticTcpPorts);
    portsUdp.push(...t.staticUdpPorts);
  }
  return { cpu, memory, ports, portsUdp };
}

/** ECS's Resource list. The API also sends the unused numeric members as 0, as ECS does. */
export function resourceList(r: { cpu: number; memory: number; ports: number[]; portsUdp: number[] }, api: boolean) {
  const numeric = (name: string, value: number) =>
    api ? { name, type: 'INTEGER', doubleValue: 0, longValue: 0, integerValue: value } : { name, type: 'INTEGER', integerValue: value };
  const set = (name: string, values: number[]) =>
    api
      ? { name, type: 'STRINGSET', doubleValue: 0, longValue: 0, integerValue: 0, stringSetValue: values.map(String) }
      : { name, type: 'STRINGSET', stringSetValue: values.map(String) };
  return [numeric('CPU', r.cpu), numeric('MEMORY', r.memory), set('PORTS', r.ports), set('PORTS_UDP', r.portsUdp)];
}

export function attributeMap(ci: ContainerInstanceRecord): Record<string, string> {
  const out: Record<string, string> = {};
  for (const a of ci.attributes) out[a.name] = a.value ?? '';
  return out;
}

/** The snapshot of an instance that placement works on. */
export function toCandidate(ci: ContainerInstanceRecord): PlacementCandidate {
  const u = usage(ci);
  return {
    containerInstanceArn: ci.arn,
    ec2InstanceId: ci.ec2InstanceId,
    status: ci.status,
    agentConnected: ci.agentConnected,
    attributes: attributeMap(ci),
    registeredCpu: ci.registered.cpu,
    registeredMemory: ci.registered.memory,
    remainingCpu: ci.registered.cpu - u.cpu,
    remainingMemory: ci.registered.memory - u.memory,
    usedPorts: u.tcp,
    agentVersion: ci.versionInfo.agentVersion,
    registeredAt: ci.registeredAt,
    runningTasksCount: [...ci.liveTasks].filter((t) => t.desiredStatus === 'RUNNING').length,
    tasks: [...ci.liveTasks].map((t) => ({
      group: t.group,
      taskDefinitionArn: t.taskDefinition.arn,
      ...(t.startedBy ? { startedBy: t.startedBy } : {}),
    })),
  };
}
