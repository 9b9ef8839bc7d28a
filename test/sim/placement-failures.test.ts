import { describe, expect, it } from 'vitest';
import { FAILURE_REASONS, NO_CONTAINER_INSTANCES, place, type PlacementCandidate } from '../../local/sim/ecs/placement';
import { arnOf, candidate, invalidParameter, names, request } from './placement-helpers';

describe('placement failures', () => {
  it('has no failures when every task was placed', () => {
    const result = place([candidate({ name: 'a' }), candidate({ name: 'full', remainingCpu: 0 })], request({ count: 2 }));
    expect(result.placements).toHaveLength(2);
    expect(result.failures).toEqual([]);
  });

  it('partial success: the placed tasks plus one row per instance for the rest', () => {
    const fleet = [candidate({ name: 'a', remainingCpu: 512 }), candidate({ name: 'b', remainingCpu: 256 })];
    const result = place(fleet, request({ count: 5, cpu: 256 }));
    expect(result.placements).toHaveLength(3);
    expect(result.failures).toEqual([
      { arn: arnOf('a'), reason: 'RESOURCE:CPU' },
      { arn: arnOf('b'), reason: 'RESOURCE:CPU' },
    ]);
  });

  it('gives each instance its own reason', () => {
    const fleet = [
      candidate({ name: 'cpu', remainingCpu: 100 }),
      candidate({ name: 'mem', remainingMemory: 100 }),
      candidate({ name: 'port', usedPorts: [80] }),
      candidate({ name: 'off', agentConnected: false }),
      candidate({ name: 'zone', zone: 'us-east-1d' }),
    ];
    const result = place(
      fleet,
      request({ staticPorts: [80], constraints: [{ type: 'memberOf', expression: 'attribute:ecs.availability-zone != us-east-1d' }] }),
    );
    expect(result.placements).toEqual([]);
    expect(result.failures).toEqual([
      { arn: arnOf('cpu'), reason: 'RESOURCE:CPU' },
      { arn: arnOf('mem'), reason: 'RESOURCE:MEMORY' },
      { arn: arnOf('port'), reason: 'RESOURCE:PORTS' },
      { arn: arnOf('off'), reason: 'AGENT' },
      { arn: arnOf('zone'), reason: FAILURE_REASONS.memberOf },
    ]);
  });

  it.each([
    ['short of CPU and memory', { remainingCpu: 0, remainingMemory: 0 }, 'RESOURCE:CPU'],
    ['short of memory, port taken', { remainingMemory: 0, usedPorts: [80] }, 'RESOURCE:MEMORY'],
    ['port taken, outside the memberOf', { usedPorts: [80], zone: 'us-east-1d' }, 'RESOURCE:PORTS'],
    ['disconnected and full', { agentConnected: false, remainingCpu: 0 }, 'AGENT'],
  ] as const)('one reason per instance, the first check failed: %s → %s', (_, spec, reason) => {
    const result = place(
      [candidate({ name: 'x', ...spec, usedPorts: 'usedPorts' in spec ? [...spec.usedPorts] : [] })],
      request({ staticPorts: [80], constraints: [{ type: 'memberOf', expression: 'attribute:ecs.availability-zone != us-east-1d' }] }),
    );
    expect(result.failures).toEqual([{ arn: arnOf('x'), reason }]);
  });

  it('never places on a disconnected agent; AGENT only when no other instance could take the task', () => {
    const off = candidate({ name: 'off', agentConnected: false });
    const on = candidate({ name: 'on', remainingCpu: 256 });
    const first = place([off, on], request({ count: 1 }));
    expect(names(first.placements)).toEqual(['on']);
    expect(first.failures).toEqual([]);
    const second = place([off, on], request({ count: 2 }));
    expect(names(second.placements)).toEqual(['on']);
    expect(second.failures).toEqual([
      { arn: arnOf('off'), reason: 'AGENT' },
      { arn: arnOf('on'), reason: 'RESOURCE:CPU' },
    ]);
  });

  it('skips instances that are not ACTIVE, without a failure row', () => {
    const statuses: PlacementCandidate['status'][] = ['DRAINING', 'INACTIVE', 'REGISTERING', 'DEREGISTERING', 'REGISTRATION_FAILED'];
    const fleet = [...statuses.map((status) => candidate({ name: status, status })), candidate({ name: 'full', remainingCpu: 0 })];
    const result = place(fleet, request({ count: 3 }));
    expect(result.placements).toEqual([]);
    expect(result.failures).toEqual([{ arn: arnOf('full'), reason: 'RESOURCE:CPU' }]);
  });

  it('a cluster without container instances: InvalidParameterException, as RunTask answers', () => {
    expect(invalidParameter(() => place([], request()))).toBe('No Container Instances were found in your cluster.');
    expect(NO_CONTAINER_INSTANCES).toBe('No Container Instances were found in your cluster.');
  });

  it('a cluster whose instances are all DRAINING or INACTIVE counts as one without instances', () => {
    const fleet = [candidate({ name: 'd', status: 'DRAINING' }), candidate({ name: 'i', status: 'INACTIVE' })];
    expect(invalidParameter(() => place(fleet, request()))).toBe(NO_CONTAINER_INSTANCES);
  });
});
