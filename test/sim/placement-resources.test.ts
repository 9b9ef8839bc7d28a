import { describe, expect, it } from 'vitest';
import { DYNAMIC_PORT_RANGE, FAILURE_REASONS, place } from '../../local/sim/ecs/placement';
import { arnOf, candidate, names, request } from './placement-helpers';

describe('placement: CPU and memory', () => {
  it('places a task that fits exactly', () => {
    const result = place([candidate({ name: 'a', remainingCpu: 256, remainingMemory: 512 })], request());
    expect(names(result.placements)).toEqual(['a']);
    expect(result.failures).toEqual([]);
  });

  it('refuses an instance short of CPU with RESOURCE:CPU and its ARN', () => {
    const result = place([candidate({ name: 'a', remainingCpu: 255 })], request());
    expect(result.placements).toEqual([]);
    expect(result.failures).toEqual([{ arn: arnOf('a'), reason: 'RESOURCE:CPU' }]);
  });

  it('refuses an instance short of memory with RESOURCE:MEMORY', () => {
    const result = place([candidate({ name: 'a', remainingMemory: 511 })], request());
    expect(result.failures).toEqual([{ arn: arnOf('a'), reason: 'RESOURCE:MEMORY' }]);
  });

  it('counts the tasks placed earlier in the same call (1024 CPU holds two 512 tasks, not three)', () => {
    const result = place([candidate({ name: 'a', remainingCpu: 1024 })], request({ count: 3, cpu: 512 }));
    expect(names(result.placements)).toEqual(['a', 'a']);
    expect(result.failures).toEqual([{ arn: arnOf('a'), reason: 'RESOURCE:CPU' }]);
  });

  it('counts memory across the call too', () => {
    const result = place([candidate({ name: 'a', remainingMemory: 1500 })], request({ count: 3, memory: 500 }));
    expect(result.placements).toHaveLength(3);
    const more = place([candidate({ name: 'a', remainingMemory: 1499 })], request({ count: 3, memory: 500 }));
    expect(more.placements).toHaveLength(2);
    expect(more.failures).toEqual([{ arn: arnOf('a'), reason: 'RESOURCE:MEMORY' }]);
  });

  it('moves on to the next instance when the first is full', () => {
    const result = place(
      [candidate({ name: 'a', remainingCpu: 512 }), candidate({ name: 'b', remainingCpu: 512 })],
      request({ count: 2, cpu: 512, strategies: [{ type: 'binpack', field: 'cpu' }] }),
    );
    expect(names(result.placements).sort()).toEqual(['a', 'b']);
  });

  it('does not change the candidates it was given', () => {
    const c = candidate({ name: 'a', remainingCpu: 1024, usedPorts: [22] });
    place([c], request({ count: 2, staticPorts: [80], dynamicPorts: 1 }));
    expect(c.remainingCpu).toBe(1024);
    expect([...c.usedPorts]).toEqual([22]);
  });
});

describe('placement: host ports', () => {
  it('gives the static ports when free', () => {
    const result = place([candidate({ name: 'a', usedPorts: [22, 51678] })], request({ staticPorts: [80, 443] }));
    expect(result.placements).toEqual([{ containerInstanceArn: arnOf('a'), hostPorts: [80, 443] }]);
  });

  it('refuses an instance where a static port is taken with RESOURCE:PORTS', () => {
    const result = place([candidate({ name: 'a', usedPorts: [443] })], request({ staticPorts: [80, 443] }));
    expect(result.failures).toEqual([{ arn: arnOf('a'), reason: 'RESOURCE:PORTS' }]);
  });

  it('does not give one static port to two tasks of the same call', () => {
    const result = place(
      [candidate({ name: 'a' }), candidate({ name: 'b', usedPorts: [80] })],
      request({ count: 3, staticPorts: [80] }),
    );
    expect(names(result.placements)).toEqual(['a']);
    expect(result.failures).toEqual([
      { arn: arnOf('a'), reason: 'RESOURCE:PORTS' },
      { arn: arnOf('b'), reason: 'RESOURCE:PORTS' },
    ]);
  });

  it('takes dynamic ports lowest free first, across the tasks of one call', () => {
    const used = [DYNAMIC_PORT_RANGE.from, DYNAMIC_PORT_RANGE.from + 2]; // 32768, 32770
    const result = place([candidate({ name: 'a', usedPorts: used })], request({ count: 2, dynamicPorts: 2 }));
    expect(result.placements.map((p) => p.hostPorts)).toEqual([
      [32769, 32771],
      [32772, 32773],
    ]);
  });

  it('lists the static ports first, then the dynamic ones', () => {
    const result = place([candidate({ name: 'a', usedPorts: [32768] })], request({ staticPorts: [8080], dynamicPorts: 1 }));
    expect(result.placements[0]?.hostPorts).toEqual([8080, 32769]);
  });

  it('does not hand out a static port of the task as a dynamic one', () => {
    const result = place([candidate({ name: 'a' })], request({ staticPorts: [32768], dynamicPorts: 1 }));
    expect(result.placements[0]?.hostPorts).toEqual([32768, 32769]);
  });

  it('refuses with RESOURCE:PORTS when the dynamic range is used up', () => {
    const all: number[] = [];
    const from: number = DYNAMIC_PORT_RANGE.from;
    for (let p = from; p <= DYNAMIC_PORT_RANGE.to; p++) if (p !== 40000) all.push(p);
    const one = place([candidate({ name: 'a', usedPorts: all })], request({ dynamicPorts: 1 }));
    expect(one.placements[0]?.hostPorts).toEqual([40000]);
    const two = place([candidate({ name: 'a', usedPorts: all })], request({ dynamicPorts: 2 }));
    expect(two.failures).toEqual([{ arn: arnOf('a'), reason: FAILURE_REASONS.ports }]);
  });
});
