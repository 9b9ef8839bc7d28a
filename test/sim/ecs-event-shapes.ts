/**
 * Structural comparison of emitted events with the reference fixtures in test/fixtures (copies of ../shared/fixtures): every key
 * of the fixture is present with the same JSON type, recursively; a key the fixture lacks is allowed
 * only where AWS documents it (the members of ECS's Task / Container / ContainerInstance … shapes in the
 * API Reference, which the event detail mirrors).
 */
import { readFileSync } from 'node:fs';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export function fixture(path: string): Record<string, Json> {
  return JSON.parse(readFileSync(new URL(`../fixtures/${path}`, import.meta.url), 'utf8')) as Record<string, Json>;
}

/** Documented members of each object, by the path of keys leading to it (array levels skipped). */
const TASK = [
  'attachments', 'attributes', 'availabilityZone', 'capacityProviderName', 'clusterArn', 'connectivity', 'connectivityAt',
  'containerInstanceArn', 'containers', 'cpu', 'createdAt', 'desiredStatus', 'enableExecuteCommand', 'executionStoppedAt',
  'group', 'healthStatus', 'inferenceAccelerators', 'lastStatus', 'launchType', 'memory', 'overrides', 'platformVersion',
  'platformFamily', 'pullStartedAt', 'pullStoppedAt', 'startedAt', 'startedBy', 'stopCode', 'stoppedAt', 'stoppedReason',
  'stoppingAt', 'tags', 'taskArn', 'taskDefinitionArn', 'version', 'ephemeralStorage', 'fargateEphemeralStorage',
  // Event-only member (ECS's task state change event documentation).
  'updatedAt',
];
const CONTAINER = [
  'containerArn', 'taskArn', 'name', 'image', 'imageDigest', 'runtimeId', 'lastStatus', 'exitCode', 'reason', 'networkBindings',
  'networkInterfaces', 'healthStatus', 'managedAgents', 'cpu', 'memory', 'memoryReservation', 'gpuIds',
];
const CONTAINER_INSTANCE = [
  'containerInstanceArn', 'ec2InstanceId', 'capacityProviderName', 'version', 'versionInfo', 'remainingResources',
  'registeredResources', 'status', 'statusReason', 'agentConnected', 'runningTasksCount', 'pendingTasksCount',
  'agentUpdateStatus', 'attributes', 'registeredAt', 'attachments', 'tags', 'healthStatus',
  // Event-only members (ECS's container instance state change event documentation).
  'clusterArn', 'updatedAt',
];
const DOCUMENTED: Record<string, string[]> = {
  containers: CONTAINER,
  'containers.networkBindings': ['bindIP', 'containerPort', 'hostPort', 'protocol', 'containerPortRange', 'hostPortRange'],
  'containers.networkInterfaces': ['attachmentId', 'privateIpv4Address', 'ipv6Address'],
  overrides: ['containerOverrides', 'cpu', 'inferenceAcceleratorOverrides', 'executionRoleArn', 'memory', 'taskRoleArn', 'ephemeralStorage'],
  'overrides.containerOverrides': ['name', 'command', 'environment', 'environmentFiles', 'cpu', 'memory', 'memoryReservation', 'resourceRequirements'],
  attachments: ['id', 'type', 'status', 'details'],
  'attachments.details': ['name', 'value'],
  attributes: ['name', 'value', 'targetType', 'targetId'],
  registeredResources: ['name', 'type', 'doubleValue', 'longValue', 'integerValue', 'stringSetValue'],
  remainingResources: ['name', 'type', 'doubleValue', 'longValue', 'integerValue', 'stringSetValue'],
  versionInfo: ['agentVersion', 'agentHash', 'dockerVersion'],
};
const ENVELOPE = ['version', 'id', 'detail-type', 'source', 'account', 'time', 'region', 'resources', 'detail'];

const typeOf = (v: unknown) => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v);

/**
 * Differences between `actual` and the fixture's shape; empty when it conforms. `documented` lists
 * the keys allowed at the top level beyond the fixture's; nested levels use DOCUMENTED.
 */
export function shapeMismatches(actual: unknown, expected: Json, documented: string[], path: string[] = []): string[] {
  const where = path.join('.') || '(root)';
  if (typeOf(actual) !== typeOf(expected)) return [`${where}: ${typeOf(actual)} where the fixture has ${typeOf(expected)}`];
  if (Array.isArray(expected)) {
    const items = actual as unknown[];
    if (expected.length === 0) return [];
    if (items.length === 0) return [`${where}: empty where the fixture has items`];
    const out: string[] = [];
    items.forEach((item, i) => {
      const best = expected.map((e) => shapeMismatches(item, e, documented, path)).sort((a, b) => a.length - b.length)[0] ?? [];
      if (best.length > 0) out.push(`${where}[${i}] matches no fixture item: ${best.join('; ')}`);
    });
    expected.forEach((e, i) => {
      if (!items.some((item) => shapeMismatches(item, e, documented, path).length === 0)) out.push(`${where}: no item like fixture item ${i}`);
    });
    return out;
  }
  if (expected !== null && typeof expected === 'object') {
    const obj = actual as Record<string, unknown>;
    const allowed = path.length === 0 ? documented : (DOCUMENTED[path.join('.')] ?? []);
    const out: string[] = [];
    for (const [key, value] of Object.entries(expected)) {
      if (!(key in obj)) out.push(`${where}.${key}: missing`);
      else out.push(...shapeMismatches(obj[key], value, documented, [...path, key]));
    }
    for (const key of Object.keys(obj)) {
      if (!(key in expected) && !allowed.includes(key)) out.push(`${where}.${key}: not in the fixture and not documented`);
    }
    return out;
  }
  return [];
}

/** The keys (and shapes) several fixtures share: what every one of them promises. */
export function commonShape(fixtures: Json[]): Json {
  const [first, ...rest] = fixtures;
  if (first === undefined) throw new Error('no fixture');
  if (Array.isArray(first)) {
    const heads = fixtures.map((f) => (f as Json[])[0]);
    return heads.every((x) => x !== undefined) ? [commonShape(heads as Json[])] : [];
  }
  if (first === null || typeof first !== 'object') return first;
  const out: Record<string, Json> = {};
  for (const [key, value] of Object.entries(first)) {
    const others = rest.map((f) => (f as Record<string, Json>)[key]);
    if (others.every((o) => o !== undefined && typeOf(o) === typeOf(value))) {
      out[key] = commonShape([value, ...(others as Json[])]);
    }
  }
  return out;
}

/** Mismatches of a whole event (envelope and detail) against a fixture event. */
export function eventMismatches(event: unknown, expected: Record<string, Json>, kind: 'task' | 'instance'): string[] {
  const { detail: expectedDetail, ...expectedEnvelope } = expected;
  const { detail, ...envelope } = event as Record<string, unknown>;
  return [
    ...shapeMismatches(envelope, expectedEnvelope, ENVELOPE),
    ...shapeMismatches(detail, expectedDetail as Json, kind === 'task' ? TASK : CONTAINER_INSTANCE).map((m) => `detail ${m}`),
  ];
}
