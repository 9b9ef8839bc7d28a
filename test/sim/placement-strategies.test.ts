import { describe, expect, it } from 'vitest';
import { place, type PlacementStrategy } from '../../local/sim/ecs/placement';
import { seededRandom } from '../../local/sim/random';
import { candidate, countByName, invalidParameter, names, request, tasksOf } from './placement-helpers';

describe('binpack', () => {
  it('memory: the instance with the least remaining memory that still fits, each task in turn', () => {
    // x 3000, y 1000, z 2000; tasks of 600: y (→400), then z (→1400, y no longer fits), then z (→800)
    const fleet = [
      candidate({ name: 'x', remainingMemory: 3000 }),
      candidate({ name: 'y', remainingMemory: 1000 }),
      candidate({ name: 'z', remainingMemory: 2000 }),
    ];
    const result = place(fleet, request({ count: 3, memory: 600, strategies: [{ type: 'binpack', field: 'memory' }] }));
    expect(names(result.placements)).toEqual(['y', 'z', 'z']);
  });

  it('cpu: the least remaining CPU', () => {
    const fleet = [candidate({ name: 'x', remainingCpu: 2048 }), candidate({ name: 'y', remainingCpu: 1024 })];
    const result = place(fleet, request({ count: 5, cpu: 256, strategies: [{ type: 'binpack', field: 'cpu' }] }));
    expect(names(result.placements)).toEqual(['y', 'y', 'y', 'y', 'x']);
  });

  it('accepts the field in capitals', () => {
    const fleet = [candidate({ name: 'x', remainingCpu: 2048 }), candidate({ name: 'y', remainingCpu: 1024 })];
    expect(names(place(fleet, request({ strategies: [{ type: 'binpack', field: 'CPU' }] })).placements)).toEqual(['y']);
  });
});

describe('spread', () => {
  it('instanceId: evens out the tasks of the group over the instances', () => {
    const fleet = ['a', 'b', 'c'].map((name) => candidate({ name }));
    const result = place(fleet, request({ count: 6, strategies: [{ type: 'spread', field: 'instanceId' }] }));
    expect(countByName(result.placements)).toEqual({ a: 2, b: 2, c: 2 });
  });

  it('counts only live tasks of the same group (standalone tasks spread by task group)', () => {
    const fleet = [
      candidate({ name: 'a', tasks: tasksOf('family:web', 2) }),
      candidate({ name: 'b', tasks: tasksOf('family:other', 5) }),
      candidate({ name: 'c' }),
    ];
    const result = place(fleet, request({ count: 4, group: 'family:web', strategies: [{ type: 'spread', field: 'instanceId' }] }));
    // before: a 2, b 0, c 0 → the 4 tasks bring b and c to 2 each, a gets none
    expect(countByName(result.placements)).toEqual({ b: 2, c: 2 });
  });

  it('host is the same as instanceId', () => {
    const fleet = [candidate({ name: 'a', tasks: tasksOf('family:web', 1) }), candidate({ name: 'b' })];
    const result = place(fleet, request({ strategies: [{ type: 'spread', field: 'host' }] }));
    expect(names(result.placements)).toEqual(['b']);
  });

  it('attribute:ecs.availability-zone: evens out zones, whatever the number of instances per zone', () => {
    const fleet = [
      candidate({ name: 'a1', zone: 'a', tasks: tasksOf('family:web', 1) }),
      candidate({ name: 'a2', zone: 'a' }),
      candidate({ name: 'a3', zone: 'a' }),
      candidate({ name: 'b1', zone: 'b' }),
      candidate({ name: 'c1', zone: 'c' }),
    ];
    const result = place(
      fleet,
      request({ count: 5, strategies: [{ type: 'spread', field: 'attribute:ecs.availability-zone' }] }),
    );
    // before: a 1, b 0, c 0; after 5 more the 6 tasks are 2 per zone
    const perZone = { a: 0, b: 0, c: 0 } as Record<string, number>;
    for (const n of names(result.placements)) perZone[n.charAt(0)] = (perZone[n.charAt(0)] ?? 0) + 1;
    expect(perZone).toEqual({ a: 1, b: 2, c: 2 });
  });

  it('treats instances without the attribute as one value of their own', () => {
    const fleet = [
      candidate({ name: 'x', attributes: { rack: 'r1' }, tasks: tasksOf('family:web', 1) }),
      candidate({ name: 'y', attributes: { rack: 'r1' } }),
      candidate({ name: 'n' }),
    ];
    const result = place(fleet, request({ strategies: [{ type: 'spread', field: 'attribute:rack' }] }));
    expect(names(result.placements)).toEqual(['n']);
  });

  it('spread by zone, then binpack memory within the zone (the documented combination)', () => {
    const fleet = [
      candidate({ name: 'a-roomy', zone: 'a', remainingMemory: 4000, tasks: tasksOf('family:web', 1) }),
      candidate({ name: 'b-roomy', zone: 'b', remainingMemory: 4000 }),
      candidate({ name: 'b-tight', zone: 'b', remainingMemory: 1000 }),
    ];
    const result = place(
      fleet,
      request({
        strategies: [
          { type: 'spread', field: 'attribute:ecs.availability-zone' },
          { type: 'binpack', field: 'memory' },
        ],
      }),
    );
    expect(names(result.placements)).toEqual(['b-tight']);
  });

  it('spread by zone, then by instance within the zone', () => {
    const fleet = [
      candidate({ name: 'a1', zone: 'a' }),
      candidate({ name: 'a2', zone: 'a' }),
      candidate({ name: 'b1', zone: 'b' }),
      candidate({ name: 'b2', zone: 'b' }),
    ];
    const result = place(
      fleet,
      request({
        count: 4,
        strategies: [
          { type: 'spread', field: 'attribute:ecs.availability-zone' },
          { type: 'spread', field: 'instanceId' },
        ],
      }),
    );
    expect(countByName(result.placements)).toEqual({ a1: 1, a2: 1, b1: 1, b2: 1 });
  });

  it('binpack ties broken by the next strategy', () => {
    const fleet = [
      candidate({ name: 'used', remainingCpu: 1024, tasks: tasksOf('family:web', 1) }),
      candidate({ name: 'free', remainingCpu: 1024 }),
      candidate({ name: 'big', remainingCpu: 2048 }),
    ];
    const result = place(
      fleet,
      request({ strategies: [{ type: 'binpack', field: 'cpu' }, { type: 'spread', field: 'instanceId' }] }),
    );
    expect(names(result.placements)).toEqual(['free']);
  });
});

describe('random and the default', () => {
  const fleet = ['a', 'b', 'c'].map((name) => candidate({ name }));

  function picks(strategies: PlacementStrategy[]): Record<string, number> {
    const counts: Record<string, number> = {};
    for (let seed = 1; seed <= 300; seed++) {
      const [n] = names(place(fleet, request({ strategies, random: seededRandom(seed) })).placements);
      if (n) counts[n] = (counts[n] ?? 0) + 1;
    }
    return counts;
  }

  it('random: every instance is chosen, roughly evenly', () => {
    const counts = picks([{ type: 'random' }]);
    for (const n of ['a', 'b', 'c']) expect(counts[n]).toBeGreaterThan(60);
  });

  it('no strategy: RunTask places randomly', () => {
    const counts = picks([]);
    for (const n of ['a', 'b', 'c']) expect(counts[n]).toBeGreaterThan(60);
  });

  it('random only among the instances that can take the task', () => {
    const mixed = [candidate({ name: 'full', remainingCpu: 0 }), candidate({ name: 'ok' })];
    for (let seed = 1; seed <= 50; seed++) {
      const result = place(mixed, request({ strategies: [{ type: 'random' }], random: seededRandom(seed) }));
      expect(names(result.placements)).toEqual(['ok']);
    }
  });

  it('the same seed gives the same placements', () => {
    const run = (seed: number) =>
      place(fleet, request({ count: 10, cpu: 128, memory: 128, random: seededRandom(seed) })).placements;
    expect(run(7)).toEqual(run(7));
    const differs = [8, 9, 10, 11].some((seed) => JSON.stringify(run(seed)) !== JSON.stringify(run(7)));
    expect(differs).toBe(true);
  });
});

describe('strategy validation', () => {
  it.each([
    [{ type: 'binpack' }],
    [{ type: 'binpack', field: 'disk' }],
    [{ type: 'spread' }],
    [{ type: 'spread', field: 'ecs.availability-zone' }],
    [{ type: 'spread', field: 'attribute:' }],
    [{ type: 'roundrobin' }],
  ] as unknown as PlacementStrategy[][])('rejects %j with InvalidParameterException', (strategy) => {
    invalidParameter(() => place([candidate({ name: 'a' })], request({ strategies: [strategy] })));
  });
});
