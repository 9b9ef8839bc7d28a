import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  DYNAMIC_PORT_RANGE,
  FAILURE_REASONS,
  place,
  type PlacementCandidate,
  type PlacementConstraint,
  type PlacementRequest,
  type PlacementResult,
  type PlacementStrategy,
} from '../../local/sim/ecs/placement';
import { SimError } from '../../local/sim/errors';
import { seededRandom } from '../../local/sim/random';
import { candidate, tasksOf } from './placement-helpers';

const RUNS = 300;
const ZONES = ['us-east-1a', 'us-east-1b', 'us-east-1c'];
const TYPES = ['t3.small', 't3.large', 'm5.large'];
const GROUPS = ['family:web', 'family:worker'];

/** memberOf expressions with the same selection written by hand, as the test's oracle. */
const MEMBER_OF: Array<[string, (c: PlacementCandidate) => boolean]> = [
  ['attribute:ecs.availability-zone in [us-east-1a, us-east-1b]', (c) => ['us-east-1a', 'us-east-1b'].includes(zoneOf(c))],
  ['attribute:ecs.instance-type =~ t3.*', (c) => typeOf(c).startsWith('t3.')],
  ['not(attribute:ecs.availability-zone == us-east-1c)', (c) => zoneOf(c) !== 'us-east-1c'],
  [
    'attribute:ecs.instance-type == m5.large or attribute:ecs.availability-zone == us-east-1a',
    (c) => typeOf(c) === 'm5.large' || zoneOf(c) === 'us-east-1a',
  ],
];

function zoneOf(c: PlacementCandidate): string {
  return c.attributes['ecs.availability-zone'] ?? '';
}
function typeOf(c: PlacementCandidate): string {
  return c.attributes['ecs.instance-type'] ?? '';
}

const candidateArb = (index: number) =>
  fc
    .record({
      status: fc.constantFrom<PlacementCandidate['status']>('ACTIVE', 'ACTIVE', 'ACTIVE', 'ACTIVE', 'ACTIVE', 'DRAINING', 'INACTIVE'),
      agentConnected: fc.integer({ min: 0, max: 9 }).map((n) => n > 0),
      zone: fc.constantFrom(...ZONES),
      type: fc.constantFrom(...TYPES),
      // unbiased: fast-check otherwise favours 0 and small values, i.e. full instances
      remainingCpu: fc.noBias(fc.integer({ min: 0, max: 4096 })),
      remainingMemory: fc.noBias(fc.integer({ min: 0, max: 8192 })),
      usedPorts: fc.subarray([22, 80, 443, 32768, 32769, 32771]),
      tasks: fc.array(fc.constantFrom(...GROUPS), { maxLength: 3 }),
    })
    .map((r) =>
      candidate({
        name: `i${index}`,
        status: r.status,
        agentConnected: r.agentConnected,
        zone: r.zone,
        type: r.type,
        remainingCpu: r.remainingCpu,
        remainingMemory: r.remainingMemory,
        usedPorts: r.usedPorts,
        tasks: r.tasks.flatMap((g) => tasksOf(g, 1)),
      }),
    );

// Mostly non-empty fleets: the empty-cluster error is covered by the table tests and by run().
const fleetArb = fc.noBias(fc.integer({ min: 1, max: 8 })).chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => candidateArb(i))));

const strategyArb: fc.Arbitrary<PlacementStrategy> = fc.constantFrom<PlacementStrategy>(
  { type: 'random' },
  { type: 'binpack', field: 'cpu' },
  { type: 'binpack', field: 'memory' },
  { type: 'spread', field: 'instanceId' },
  { type: 'spread', field: 'attribute:ecs.availability-zone' },
);

const requestArb = fc.record({
  count: fc.integer({ min: 1, max: 10 }),
  group: fc.constantFrom(...GROUPS),
  cpu: fc.integer({ min: 0, max: 4 }).map((n) => n * 128),
  memory: fc.integer({ min: 0, max: 4 }).map((n) => n * 256),
  staticPorts: fc.subarray([80, 443, 8080, 9000], { maxLength: 2 }),
  dynamicPorts: fc.integer({ min: 0, max: 3 }),
  strategies: fc.array(strategyArb, { maxLength: 5 }),
  distinct: fc.boolean(),
  memberOf: fc.subarray(MEMBER_OF.map((_, i) => i), { maxLength: 2 }),
  seed: fc.integer(),
});

type RequestSpec = typeof requestArb extends fc.Arbitrary<infer T> ? T : never;

function requestOf(spec: RequestSpec): PlacementRequest {
  const constraints: PlacementConstraint[] = spec.memberOf.map((i) => ({ type: 'memberOf', expression: MEMBER_OF[i]?.[0] }));
  if (spec.distinct) constraints.push({ type: 'distinctInstance' });
  return {
    count: spec.count,
    group: spec.group,
    taskDefinitionArn: 'arn:aws:ecs:us-east-1:123456789012:task-definition/web:1',
    cpu: spec.cpu,
    memory: spec.memory,
    staticPorts: spec.staticPorts,
    dynamicPorts: spec.dynamicPorts,
    strategies: spec.strategies,
    constraints,
    random: seededRandom(spec.seed),
  };
}

/** Runs place; undefined when it threw the documented empty-cluster error (checked here). */
function run(fleet: PlacementCandidate[], spec: RequestSpec): PlacementResult | undefined {
  const hasActive = fleet.some((c) => c.status === 'ACTIVE');
  try {
    const result = place(fleet, requestOf(spec));
    expect(hasActive).toBe(true);
    return result;
  } catch (e) {
    expect(e).toBeInstanceOf(SimError);
    expect(hasActive).toBe(false);
    return undefined;
  }
}

function byArn(fleet: PlacementCandidate[]): Map<string, PlacementCandidate> {
  return new Map(fleet.map((c) => [c.containerInstanceArn, c]));
}

describe('placement properties', () => {
  it('never overcommits CPU, memory or ports, across the tasks of one call', () => {
    fc.assert(
      fc.property(fleetArb, requestArb, (fleet, spec) => {
        const result = run(fleet, spec);
        if (!result) return;
        for (const c of fleet) {
          const here = result.placements.filter((p) => p.containerInstanceArn === c.containerInstanceArn);
          expect(here.length * spec.cpu).toBeLessThanOrEqual(c.remainingCpu);
          expect(here.length * spec.memory).toBeLessThanOrEqual(c.remainingMemory);
          const ports = here.flatMap((p) => p.hostPorts);
          expect(new Set(ports).size).toBe(ports.length);
          for (const port of ports) expect(c.usedPorts.has(port)).toBe(false);
          for (const p of here) {
            expect(p.hostPorts.slice(0, spec.staticPorts.length)).toEqual(spec.staticPorts);
            const dynamic = p.hostPorts.slice(spec.staticPorts.length);
            expect(dynamic).toHaveLength(spec.dynamicPorts);
            for (const port of dynamic) {
              expect(port).toBeGreaterThanOrEqual(DYNAMIC_PORT_RANGE.from);
              expect(port).toBeLessThanOrEqual(DYNAMIC_PORT_RANGE.to);
            }
          }
        }
      }),
      { numRuns: RUNS },
    );
  });

  it('places only on ACTIVE instances with a connected agent', () => {
    fc.assert(
      fc.property(fleetArb, requestArb, (fleet, spec) => {
        const result = run(fleet, spec);
        const instances = byArn(fleet);
        for (const p of result?.placements ?? []) {
          const c = instances.get(p.containerInstanceArn);
          expect(c?.status).toBe('ACTIVE');
          expect(c?.agentConnected).toBe(true);
        }
      }),
      { numRuns: RUNS },
    );
  });

  it('honours distinctInstance, against the call and the running tasks of the group', () => {
    fc.assert(
      fc.property(fleetArb, requestArb, (fleet, spec) => {
        const result = run(fleet, { ...spec, distinct: true });
        if (!result) return;
        const arns = result.placements.map((p) => p.containerInstanceArn);
        expect(new Set(arns).size).toBe(arns.length);
        const instances = byArn(fleet);
        for (const arn of arns) expect(instances.get(arn)?.tasks.some((t) => t.group === spec.group)).toBe(false);
      }),
      { numRuns: RUNS },
    );
  });

  it('every placement satisfies every memberOf expression', () => {
    fc.assert(
      fc.property(fleetArb, requestArb, (fleet, spec) => {
        const result = run(fleet, spec);
        const instances = byArn(fleet);
        for (const p of result?.placements ?? []) {
          const c = instances.get(p.containerInstanceArn) as PlacementCandidate;
          for (const i of spec.memberOf) expect(MEMBER_OF[i]?.[1](c)).toBe(true);
        }
      }),
      { numRuns: RUNS },
    );
  });

  it('placements + unplaced == count: failures exactly when a task is left, one row per ACTIVE instance, each reason true', () => {
    fc.assert(
      fc.property(fleetArb, requestArb, (fleet, spec) => {
        const result = run(fleet, spec);
        if (!result) return;
        expect(result.placements.length).toBeLessThanOrEqual(spec.count);
        const unplaced = spec.count - result.placements.length;
        if (unplaced === 0) {
          expect(result.failures).toEqual([]);
          return;
        }
        const active = fleet.filter((c) => c.status === 'ACTIVE');
        expect(result.failures.map((f) => f.arn)).toEqual(active.map((c) => c.containerInstanceArn));
        for (const failure of result.failures) {
          const c = active.find((a) => a.containerInstanceArn === failure.arn) as PlacementCandidate;
          const placedHere = result.placements.filter((p) => p.containerInstanceArn === failure.arn).length;
          // each reason is checked against the inputs, independently of the engine
          switch (failure.reason) {
            case FAILURE_REASONS.agent:
              expect(c.agentConnected).toBe(false);
              break;
            case FAILURE_REASONS.cpu:
              expect(c.remainingCpu - placedHere * spec.cpu).toBeLessThan(spec.cpu);
              break;
            case FAILURE_REASONS.memory:
              expect(c.remainingMemory - placedHere * spec.memory).toBeLessThan(spec.memory);
              break;
            case FAILURE_REASONS.ports:
              expect(spec.staticPorts.some((p) => c.usedPorts.has(p)) || (placedHere > 0 && spec.staticPorts.length > 0)).toBe(true);
              break;
            case FAILURE_REASONS.memberOf:
              expect(spec.memberOf.some((i) => !MEMBER_OF[i]?.[1](c))).toBe(true);
              break;
            case FAILURE_REASONS.distinctInstance:
              expect(spec.distinct && (placedHere > 0 || c.tasks.some((t) => t.group === spec.group))).toBe(true);
              break;
            default:
              throw new Error(`unexpected reason ${failure.reason}`);
          }
        }
      }),
      { numRuns: RUNS },
    );
  });

  it('the same seed gives the same result, and the candidates are left as they were', () => {
    fc.assert(
      fc.property(fleetArb, requestArb, (fleet, spec) => {
        const before = JSON.stringify(fleet, (_, v: unknown) => (v instanceof Set ? [...(v as Set<number>)] : v));
        const a = run(fleet, spec);
        const b = run(fleet, spec);
        expect(b).toEqual(a);
        expect(JSON.stringify(fleet, (_, v: unknown) => (v instanceof Set ? [...(v as Set<number>)] : v))).toBe(before);
      }),
      { numRuns: RUNS },
    );
  });

  it('spread over zones keeps the per-zone counts of the group within 1 when capacity allows', () => {
    const roomyFleet = fc
      .array(fc.record({ zone: fc.constantFrom(...ZONES), other: fc.nat({ max: 3 }) }), { minLength: 3, maxLength: 9 })
      .map((specs) => [...ZONES.map((zone) => ({ zone, other: 0 })), ...specs])
      .map((specs) =>
        specs.map((s, i) =>
          candidate({ name: `i${i}`, zone: s.zone, remainingCpu: 100_000, remainingMemory: 100_000, tasks: tasksOf('family:other', s.other) }),
        ),
      );
    const tieBreak = fc.array(fc.constantFrom<PlacementStrategy>({ type: 'random' }, { type: 'binpack', field: 'cpu' }, { type: 'spread', field: 'instanceId' }), { maxLength: 2 });
    fc.assert(
      fc.property(roomyFleet, fc.integer({ min: 1, max: 10 }), tieBreak, fc.integer(), (fleet, count, rest, seed) => {
        const result = place(fleet, {
          count,
          group: 'family:web',
          taskDefinitionArn: 'arn:aws:ecs:us-east-1:123456789012:task-definition/web:1',
          cpu: 256,
          memory: 256,
          staticPorts: [],
          dynamicPorts: 1,
          strategies: [{ type: 'spread', field: 'attribute:ecs.availability-zone' }, ...rest],
          constraints: [],
          random: seededRandom(seed),
        });
        expect(result.placements).toHaveLength(count);
        const zoneOfArn = new Map(fleet.map((c) => [c.containerInstanceArn, zoneOf(c)]));
        const perZone = ZONES.map((z) => result.placements.filter((p) => zoneOfArn.get(p.containerInstanceArn) === z).length);
        expect(Math.max(...perZone) - Math.min(...perZone)).toBeLessThanOrEqual(1);
      }),
      { numRuns: RUNS },
    );
  });
});
