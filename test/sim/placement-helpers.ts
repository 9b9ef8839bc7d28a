import type { PlacementCandidate, PlacementRequest } from '../../local/sim/ecs/placement';
import { SimError } from '../../local/sim/errors';
import { seededRandom } from '../../local/sim/random';

/** Test-only builders for placement inputs: a roomy ACTIVE instance and a small task. */

export function arnOf(name: string): string {
  return `arn:aws:ecs:us-east-1:123456789012:container-instance/test/${name}`;
}

export interface CandidateSpec extends Partial<Omit<PlacementCandidate, 'usedPorts' | 'attributes'>> {
  name: string;
  zone?: string;
  type?: string;
  attributes?: Record<string, string>;
  usedPorts?: number[];
}

export function candidate(spec: CandidateSpec): PlacementCandidate {
  const { name, zone = 'us-east-1a', type = 'm5.large', attributes = {}, usedPorts = [], ...rest } = spec;
  return {
    containerInstanceArn: arnOf(name),
    ec2InstanceId: `i-${name}`,
    status: 'ACTIVE',
    agentConnected: true,
    attributes: { 'ecs.availability-zone': zone, 'ecs.instance-type': type, 'ecs.os-type': 'linux', ...attributes },
    registeredCpu: 2048,
    registeredMemory: 7680,
    remainingCpu: 2048,
    remainingMemory: 7680,
    tasks: [],
    ...rest,
    usedPorts: new Set(usedPorts),
  };
}

export function request(overrides: Partial<PlacementRequest> = {}): PlacementRequest {
  return {
    count: 1,
    group: 'family:web',
    taskDefinitionArn: 'arn:aws:ecs:us-east-1:123456789012:task-definition/web:1',
    cpu: 256,
    memory: 512,
    staticPorts: [],
    dynamicPorts: 0,
    strategies: [],
    constraints: [],
    random: seededRandom(1),
    ...overrides,
  };
}

/** Task entries of a group, for `tasks`. */
export function tasksOf(group: string, n: number): PlacementCandidate['tasks'] {
  return Array.from({ length: n }, () => ({ group, taskDefinitionArn: 'arn:aws:ecs:us-east-1:123456789012:task-definition/x:1' }));
}

/** The instance names (the ARN's last part) a result placed on, in order. */
export function names(placements: ReadonlyArray<{ containerInstanceArn: string }>): string[] {
  return placements.map((p) => p.containerInstanceArn.split('/').pop() ?? '');
}

/** How many placements landed on each instance name. */
export function countByName(placements: ReadonlyArray<{ containerInstanceArn: string }>): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const n of names(placements)) counts[n] = (counts[n] ?? 0) + 1;
  return counts;
}

/**
 * Runs fn, which must throw SimError InvalidParameterException (HTTP 400); returns its message.
 * Anything else — another error, or no error — fails the test.
 */
export function invalidParameter(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (e instanceof SimError && e.code === 'InvalidParameterException' && e.status === 400) return e.message;
    throw e;
  }
  throw new Error('expected InvalidParameterException, but nothing was thrown');
}
