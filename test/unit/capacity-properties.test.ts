/** The capacity decision's guarantees, over generated groups, demand, state and settings. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decideCapacity, type CapacityDecision, type CapacityInput, type Demand, type Host, type HostTask, type Resources } from '../../shared/core/capacity';
import { demand as demandOf, host, minutesAgo, NOW, settings, task } from '../helpers/capacity';

const SHAPES: Resources[] = [
  { cpu: 1024, memory: 3840 },
  { cpu: 2048, memory: 7680 },
  { cpu: 4096, memory: 15_576 },
];
const SERVICES = ['api', 'web', 'worker', 'batch'];
/** api tasks are distinct (distinctInstance or a static host port). */
const isDistinct = (service: string) => service === 'api';
const RUNS = { numRuns: 300 };

const arbTask = fc
  .record({ service: fc.constantFrom(...SERVICES), cpu: fc.constantFrom(128, 256, 512, 1024), memory: fc.constantFrom(256, 512, 1024, 2048, 4096), daemon: fc.boolean() })
  .map((t): HostTask => task(t.service, t.cpu, t.memory, { daemon: t.daemon, distinct: isDistinct(t.service) && !t.daemon }));

/** Minutes since a state entry was set, or none; `rare` entries are absent most of the time. */
const arbAge = (rare = false) => fc.oneof({ arbitrary: fc.constant(undefined), weight: rare ? 6 : 1 }, { arbitrary: fc.integer({ min: 0, max: 30 }), weight: 1 });

/**
 * A host of the group. `settled`: InService, registered, ACTIVE and connected, few tasks — the
 * groups where scale-in happens; otherwise anything, booting and leaving hosts included.
 */
const arbHost = (settled: boolean) =>
  fc.record({
    lifecycle: settled ? fc.constant<Host['lifecycle']>('InService') : fc.constantFrom<Host['lifecycle']>('Pending', 'Terminating', 'Other', ...Array<Host['lifecycle']>(9).fill('InService')),
    protectedFromScaleIn: fc.boolean(),
    ecs: fc.option(
      fc.record({
        shape: fc.constantFrom(...SHAPES),
        status: settled ? fc.constant('ACTIVE') : fc.constantFrom('ACTIVE', 'ACTIVE', 'ACTIVE', 'DRAINING', 'INACTIVE'),
        agentConnected: settled ? fc.constant(true) : fc.constantFrom(true, true, true, false),
        tasks: fc.array(arbTask, { maxLength: settled ? 3 : 6 }),
        otherTasks: settled ? fc.constantFrom(0, 0, 0, 0, 1) : fc.constantFrom(0, 0, 0, 1, 2),
      }),
      { freq: settled ? Number.MAX_SAFE_INTEGER : 12, nil: undefined },
    ),
    idleFor: arbAge(),
    consolidatableFor: arbAge(),
    drainingFor: arbAge(true),
  });
type GeneratedHost = ReturnType<typeof arbHost> extends fc.Arbitrary<infer T> ? T : never;

const arbDemand = fc
  .record({ service: fc.constantFrom(...SERVICES), count: fc.integer({ min: 0, max: 15 }), cpu: fc.constantFrom(128, 512, 1024, 2048, 8192), memory: fc.constantFrom(256, 1024, 2048, 4096, 32_768) })
  .map((d): Demand => demandOf(d.service, d.count, d.cpu, d.memory, isDistinct(d.service)));

const arbSettings = fc
  .record({
    minSize: fc.integer({ min: 0, max: 4 }),
    extra: fc.integer({ min: 0, max: 20 }),
    targetUtilizationPercent: fc.oneof(fc.constant(100), fc.integer({ min: 10, max: 100 })),
    maxScalingStep: fc.integer({ min: 1, max: 12 }),
    scaleInAfterMs: fc.constantFrom(0, 60_000, 600_000),
    maxDrainingAtOnce: fc.integer({ min: 0, max: 3 }),
  })
  .map(({ extra, ...s }) => settings({ ...s, maxSize: s.minSize + extra }));

const isLive = (h: Host) => h.lifecycle === 'Pending' || h.lifecycle === 'InService';

/** Keeps the tasks that fit the host, so remaining = registered less its tasks. */
function toHost(id: string, h: GeneratedHost): Host {
  if (!h.ecs) return { instanceId: id, lifecycle: h.lifecycle, protectedFromScaleIn: h.protectedFromScaleIn };
  const { shape, tasks, ...rest } = h.ecs;
  const kept: HostTask[] = [];
  let left = { ...shape };
  for (const t of tasks) {
    if (t.cpu > left.cpu || t.memory > left.memory) continue;
    kept.push(t);
    left = { cpu: left.cpu - t.cpu, memory: left.memory - t.memory };
  }
  return host(id, { ...rest, lifecycle: h.lifecycle, protectedFromScaleIn: h.protectedFromScaleIn, registered: shape, tasks: kept });
}

const world = (settled: boolean) =>
  fc
    .record({
      hosts: fc.array(arbHost(settled), { maxLength: 10 }),
      demand: fc.oneof(fc.constant<Demand[]>([]), fc.array(arbDemand, { maxLength: 4 })),
      settings: arbSettings,
      /** Desired relative to the live hosts: settled, or launching or shrinking. */
      desiredOffset: settled ? fc.constant(0) : fc.oneof(fc.constant(0), fc.integer({ min: -3, max: 10 })),
      goneDraining: fc.boolean(),
    })
    .map((w): CapacityInput => {
      const hosts = w.hosts.map((h, i) => toHost(`i-${String(i).padStart(2, '0')}`, h));
      // In a settled group, what Shepherd drained is DRAINING in ECS (its drain call went through).
      if (settled) hosts.forEach((h, i) => w.hosts[i]!.drainingFor !== undefined && h.ecs && (h.ecs.status = 'DRAINING'));
      const since = (key: 'idleFor' | 'consolidatableFor' | 'drainingFor') =>
        Object.fromEntries(w.hosts.flatMap((h, i) => (h[key] === undefined ? [] : [[hosts[i]!.instanceId, minutesAgo(h[key])]])));
      const drainingSince = { ...since('drainingFor'), ...(w.goneDraining ? { 'i-gone': minutesAgo(40) } : {}) };
      const desired = Math.max(0, hosts.filter(isLive).length + w.desiredOffset);
      return { settings: w.settings, group: { desired }, hosts, demand: w.demand, state: { idleSince: since('idleFor'), consolidatableSince: since('consolidatableFor'), drainingSince }, now: NOW };
    });
const arbInput = fc.oneof(world(false), world(true));

const setDesired = (d: CapacityDecision) => d.actions.flatMap((a) => (a.kind === 'setDesired' ? [a] : []));
const desiredAfter = (d: CapacityDecision, from: number) => setDesired(d)[0]?.desired ?? from;
const terminated = (d: CapacityDecision) => d.actions.flatMap((a) => (a.kind === 'terminate' ? [a.instanceId] : []));
const withDesired = (i: CapacityInput, desired: number): CapacityInput => ({ ...i, group: { desired } });
const withSettings = (i: CapacityInput, s: Partial<CapacityInput['settings']>): CapacityInput => ({ ...i, settings: { ...i.settings, ...s } });

describe('capacity decision: safety', () => {
  it('never terminates a host running a non-daemon task or a task of unknown size, nor one Shepherd did not drain', () => {
    let terminations = 0;
    fc.assert(
      fc.property(arbInput, (i) => {
        for (const id of terminated(decideCapacity(i))) {
          terminations++;
          const h = i.hosts.find((x) => x.instanceId === id)!;
          expect(h.ecs?.tasks.filter((t) => !t.daemon) ?? []).toEqual([]);
          expect(h.ecs?.otherTasks ?? 0).toBe(0);
          expect(Object.keys(i.state.drainingSince)).toContain(id);
          expect(h.ecs?.status, 'only a host ECS reports DRAINING (no task can be placed on it meanwhile)').toBe('DRAINING');
        }
      }),
      RUNS,
    );
    expect(terminations).toBeGreaterThan(0);
  });

  it('every setDesired is within [minSize, maxSize]', () => {
    fc.assert(
      fc.property(arbInput, (i) => {
        for (const a of setDesired(decideCapacity(i))) {
          expect(a.desired).toBeGreaterThanOrEqual(i.settings.minSize);
          expect(a.desired).toBeLessThanOrEqual(i.settings.maxSize);
          expect(a.from).toBe(i.group.desired);
        }
      }),
      RUNS,
    );
  });

  it('no drain or terminate while demand exists', () => {
    let shrinksWithout = 0;
    const waiting = fc.array(arbDemand.filter((d) => d.count >= 1), { minLength: 1, maxLength: 3 });
    fc.assert(
      fc.property(arbInput, waiting, (i, demand) => {
        const shrinks = (d: CapacityDecision) => d.actions.filter((a) => a.kind === 'drain' || a.kind === 'terminate');
        if (shrinks(decideCapacity({ ...i, demand: [] })).length > 0) shrinksWithout++;
        expect(shrinks(decideCapacity({ ...i, demand }))).toEqual([]);
      }),
      RUNS,
    );
    // Not vacuous: without the demand, some of these groups do shrink.
    expect(shrinksWithout).toBeGreaterThan(0);
  });

  it('live hosts (and desired, which each termination decrements) minus terminations never go below minSize', () => {
    fc.assert(
      fc.property(arbInput, (i) => {
        const gone = terminated(decideCapacity(i)).length;
        if (gone === 0) return;
        expect(i.hosts.filter(isLive).length - gone).toBeGreaterThanOrEqual(i.settings.minSize);
        expect(i.group.desired - gone).toBeGreaterThanOrEqual(i.settings.minSize);
      }),
      RUNS,
    );
  });

  it('drains stay within maxDrainingAtOnce, and each host gets at most one of drain, reactivate or terminate', () => {
    fc.assert(
      fc.property(arbInput, (i) => {
        const d = decideCapacity(i);
        const touched = d.actions.flatMap((a) => (a.kind === 'drain' || a.kind === 'reactivate' || a.kind === 'terminate' ? [a.instanceId] : []));
        expect(new Set(touched).size).toBe(touched.length);
        const drains = d.actions.filter((a) => a.kind === 'drain').length;
        if (drains > 0) {
          const liveDraining = i.hosts.filter((h) => isLive(h) && Object.hasOwn(d.state.drainingSince, h.instanceId)).length;
          expect(liveDraining).toBeLessThanOrEqual(i.settings.maxDrainingAtOnce);
        }
      }),
      RUNS,
    );
  });
});

describe('capacity decision: stability', () => {
  it('is deterministic, leaves its input alone and ignores the order of hosts and demand', () => {
    fc.assert(
      fc.property(arbInput, fc.integer(), (i, seed) => {
        const copy = structuredClone(i);
        const d = decideCapacity(i);
        expect(i).toEqual(copy);
        expect(decideCapacity(copy)).toEqual(d);
        const rotate = <T>(xs: T[]) => (xs.length ? [...xs.slice(Math.abs(seed) % xs.length), ...xs.slice(0, Math.abs(seed) % xs.length)].reverse() : xs);
        expect(decideCapacity({ ...copy, hosts: rotate(copy.hosts), demand: rotate(copy.demand) })).toEqual(d);
      }),
      RUNS,
    );
  });

  it('the same demand seen again once the group took the new desired adds nothing', () => {
    fc.assert(
      fc.property(arbInput, (generated) => {
        const i = withSettings(generated, { maxScalingStep: 1000 });
        const first = desiredAfter(decideCapacity(i), i.group.desired);
        const again = setDesired(decideCapacity(withDesired(i, first)));
        expect(again).toEqual([]);
      }),
      RUNS,
    );
  });

  it('scaling step by step reaches what one unbounded step would, and never overshoots it', () => {
    fc.assert(
      fc.property(arbInput, (i) => {
        const d0 = i.group.desired;
        const unbounded = desiredAfter(decideCapacity(withSettings(i, { maxScalingStep: 1000 })), d0);
        let d = desiredAfter(decideCapacity(i), d0);
        expect(d).toBeLessThanOrEqual(unbounded);
        for (let round = 0; round < Math.ceil(Math.abs(unbounded - d0) / i.settings.maxScalingStep) + 1; round++) {
          const next = desiredAfter(decideCapacity(withDesired(i, d)), d);
          expect(next).toBeGreaterThanOrEqual(d);
          expect(next - d).toBeLessThanOrEqual(i.settings.maxScalingStep);
          expect(next).toBeLessThanOrEqual(unbounded);
          d = next;
        }
        expect(d).toBe(unbounded);
      }),
      RUNS,
    );
  });
});

describe('capacity decision: bin-packing', () => {
  const arbFullGroup = fc.record({
    shape: fc.constantFrom(...SHAPES),
    hosts: fc.integer({ min: 1, max: 5 }),
    demand: fc.array(fc.record({ service: fc.constantFrom(...SERVICES), count: fc.integer({ min: 0, max: 20 }), cpuShare: fc.double({ min: 0.01, max: 1, noNaN: true }), memShare: fc.double({ min: 0.01, max: 1, noNaN: true }) }), { minLength: 1, maxLength: 5 }),
  });

  it('new hosts are at least ceil(demand CPU / host CPU), ceil(demand memory / host memory) and the largest distinct count, at most one per task', () => {
    fc.assert(
      fc.property(arbFullGroup, (g) => {
        const demand = g.demand.map((d) => demandOf(d.service, d.count, Math.max(1, Math.floor(d.cpuShare * g.shape.cpu)), Math.max(1, Math.floor(d.memShare * g.shape.memory)), isDistinct(d.service)));
        // Full hosts of one shape: all demand goes to new hosts.
        const hosts = Array.from({ length: g.hosts }, (_, n) => host(`i-${n}`, { registered: g.shape, otherTasks: 1, remaining: { cpu: 0, memory: 0 } }));
        const i: CapacityInput = { settings: settings({ maxSize: 1000, maxScalingStep: 1000 }), group: { desired: g.hosts }, hosts, demand, state: { idleSince: {}, consolidatableSince: {}, drainingSince: {} }, now: NOW };
        const added = desiredAfter(decideCapacity(i), g.hosts) - g.hosts;
        const tasks = demand.reduce((n, d) => n + d.count, 0);
        const cpu = demand.reduce((n, d) => n + d.count * d.cpu, 0);
        const memory = demand.reduce((n, d) => n + d.count * d.memory, 0);
        const distinct = SERVICES.filter(isDistinct).map((s) => demand.filter((d) => d.service === s).reduce((n, d) => n + d.count, 0));
        expect(added).toBeGreaterThanOrEqual(Math.max(Math.ceil(cpu / g.shape.cpu), Math.ceil(memory / g.shape.memory), ...distinct));
        expect(added).toBeLessThanOrEqual(tasks);
      }),
      RUNS,
    );
  });
});
