/** The capacity decision's rules, one example each; every expected number is worked out by hand in the comments. */
import { describe, expect, it } from 'vitest';
import { decideCapacity, hostShape, type CapacityAction, type CapacityDecision } from '../../shared/core/capacity';
import { bootingHost, demand, host, input, minutesAgo, NOW, task } from '../helpers/capacity';

const NOW_ISO = new Date(NOW).toISOString();
const web = () => task('web', 1024, 2048);
/** An m5.large running two 1024 CPU / 2048 MiB tasks: no CPU left. */
const full = (id: string) => host(id, { tasks: [web(), web()] });

const of = <K extends CapacityAction['kind']>(d: CapacityDecision, kind: K) => d.actions.filter((a): a is Extract<CapacityAction, { kind: K }> => a.kind === kind);
const desiredSet = (d: CapacityDecision) => of(d, 'setDesired').map((a) => ({ desired: a.desired, from: a.from }));
const ids = (d: CapacityDecision, kind: 'drain' | 'terminate' | 'reactivate') => of(d, kind).map((a) => a.instanceId);

describe('scale-out', () => {
  it('30 tasks of 1024 CPU / 2048 MiB need 15 new m5.large (2 per host), at most maxScalingStep at once', () => {
    const hosts = [full('i-1'), full('i-2')];
    const d = decideCapacity(input({ hosts, demand: [demand('web', 30, 1024, 2048)] }));
    expect(desiredSet(d)).toEqual([{ desired: 12, from: 2 }]);
    expect(d.notes.join('\n')).toMatch(/capped at 10/);
    // M = 2 busy + 15 new = 17, N = 2 running: 850 %.
    expect(d.reservation).toEqual({ needed: 17, running: 2, percent: 850 });
    expect(desiredSet(decideCapacity(input({ hosts, settings: { maxScalingStep: 20 }, demand: [demand('web', 30, 1024, 2048)] })))).toEqual([{ desired: 17, from: 2 }]);
  });

  it('never beyond maxSize, and says so', () => {
    const d = decideCapacity(input({ hosts: [full('i-1'), full('i-2')], settings: { maxSize: 8 }, demand: [demand('web', 30, 1024, 2048)] }));
    expect(desiredSet(d)).toEqual([{ desired: 8, from: 2 }]);
    expect(d.notes.join('\n')).toMatch(/maxSize 8/);
  });

  it('fills the room on the hosts there are before launching', () => {
    // Three hosts with 1024 CPU / 5632 MiB left: one more web task each.
    const hosts = ['i-1', 'i-2', 'i-3'].map((id) => host(id, { tasks: [web()] }));
    const three = decideCapacity(input({ hosts, demand: [demand('web', 3, 1024, 2048)] }));
    expect(desiredSet(three)).toEqual([]);
    expect(three.reservation).toEqual({ needed: 3, running: 3, percent: 100 });
    const four = decideCapacity(input({ hosts, demand: [demand('web', 4, 1024, 2048)] }));
    expect(desiredSet(four)).toEqual([{ desired: 4, from: 3 }]);
    // M = 3 + 1 new = 4 over N = 3: 133 %.
    expect(four.reservation).toEqual({ needed: 4, running: 3, percent: 133 });
  });

  it('packs on memory too: 4096 MiB tasks go one per 7680 MiB host', () => {
    const busy = host('i-1', { otherTasks: 3, remaining: { cpu: 0, memory: 0 } });
    const d = decideCapacity(input({ hosts: [busy], demand: [demand('batch', 5, 512, 4096)] }));
    expect(desiredSet(d)).toEqual([{ desired: 6, from: 1 }]);
  });

  it('a distinct task never joins a host that runs its service', () => {
    const hosts = [host('i-1'), host('i-2', { tasks: [task('api', 256, 512, { distinct: true })] })];
    // One fits on i-1; i-2 already runs api; two new hosts.
    const d = decideCapacity(input({ hosts, demand: [demand('api', 3, 256, 512, true)] }));
    expect(desiredSet(d)).toEqual([{ desired: 4, from: 2 }]);
    expect(desiredSet(decideCapacity(input({ hosts, demand: [demand('api', 3, 256, 512, false)] })))).toEqual([]);
  });

  it('a new host offers the shape less the daemons every host runs', () => {
    // Daemon 128 / 256 on each host: a new m5.large offers 1920 CPU, so one 1024 CPU task per host.
    const hosts = [host('i-1', { tasks: [task('agent', 128, 256, { daemon: true }), web(), task('web', 896, 2048)] })];
    const d = decideCapacity(input({ hosts, demand: [demand('web', 4, 1024, 2048)] }));
    expect(desiredSet(d)).toEqual([{ desired: 5, from: 1 }]);
  });

  it('a task no host can hold is noted and not scaled for', () => {
    const only = decideCapacity(input({ hosts: [full('i-1')], demand: [demand('big', 2, 4096, 8192)] }));
    expect(desiredSet(only)).toEqual([]);
    expect(only.notes.join('\n')).toMatch(/big: 2 task\(s\) of 4096 CPU \/ 8192 MiB fit on no host/);
    const mixed = decideCapacity(input({ hosts: [full('i-1')], demand: [demand('big', 2, 4096, 8192), demand('web', 2, 1024, 2048)] }));
    expect(desiredSet(mixed)).toEqual([{ desired: 2, from: 1 }]);
  });

  it('booting hosts and launches the group owes absorb the demand', () => {
    // i-3 boots, and desired 4 with 3 listed hosts owes one more launch: 2 + 2 tasks.
    const hosts = [full('i-1'), full('i-2'), bootingHost('i-3')];
    const d = decideCapacity(input({ hosts, desired: 4, demand: [demand('web', 4, 1024, 2048)] }));
    expect(desiredSet(d)).toEqual([]);
    expect(d.notes.join('\n')).toMatch(/booting/);
    // M = 2 busy + 2 about to be; N = 2 InService (i-3 is Pending).
    expect(d.reservation).toEqual({ needed: 4, running: 2, percent: 200 });
  });

  it('the same demand seen again once desired rose adds nothing', () => {
    const hosts = [full('i-1'), full('i-2')];
    const first = decideCapacity(input({ hosts, demand: [demand('web', 6, 1024, 2048)] }));
    expect(desiredSet(first)).toEqual([{ desired: 5, from: 2 }]);
    expect(desiredSet(decideCapacity(input({ hosts, desired: 5, demand: [demand('web', 6, 1024, 2048)] })))).toEqual([]);
  });

  it('with desired below the live hosts (ones the group cannot remove), new hosts come on top of the live ones', () => {
    // 3 live (i-3 idle, its agent disconnected: no bin), desired 2: one new host makes 4.
    const hosts = [full('i-1'), full('i-2'), host('i-3', { agentConnected: false, protectedFromScaleIn: true })];
    const first = decideCapacity(input({ hosts, desired: 2, demand: [demand('web', 2, 1024, 2048)] }));
    expect(desiredSet(first)).toEqual([{ desired: 4, from: 2 }]);
    expect(desiredSet(decideCapacity(input({ hosts, desired: 4, demand: [demand('web', 2, 1024, 2048)] })))).toEqual([]);
  });

  it('a host Shepherd drained is made ACTIVE again rather than launching one', () => {
    const hosts = [full('i-1'), host('i-2', { status: 'DRAINING' })];
    const d = decideCapacity(input({ hosts, drainingSince: { 'i-2': minutesAgo(5) }, demand: [demand('web', 2, 1024, 2048)] }));
    expect(of(d, 'reactivate')).toEqual([expect.objectContaining({ instanceId: 'i-2', containerInstanceArn: hosts[1]!.ecs!.containerInstanceArn })]);
    expect(desiredSet(d)).toEqual([]);
    expect(d.state.drainingSince).toEqual({});
    // The host about to receive tasks is protected along with the busy one.
    expect(of(d, 'protect')).toEqual([expect.objectContaining({ protect: true, instanceIds: ['i-1', 'i-2'] })]);
  });

  it('a booting host comes before a drained one', () => {
    const hosts = [full('i-1'), host('i-2', { status: 'DRAINING' }), bootingHost('i-3')];
    const d = decideCapacity(input({ hosts, drainingSince: { 'i-2': minutesAgo(5) }, demand: [demand('web', 2, 1024, 2048)] }));
    expect(d.actions.filter((a) => a.kind !== 'protect')).toEqual([]);
    expect(d.state.drainingSince).toEqual({ 'i-2': minutesAgo(5) });
  });

  it('without a host registered with ECS, launches exactly one to learn the shape', () => {
    const d = decideCapacity(input({ desired: 0, demand: [demand('web', 5, 1024, 2048)] }));
    expect(desiredSet(d)).toEqual([{ desired: 1, from: 0 }]);
    expect(d.reservation).toEqual({ needed: 1, running: 0, percent: 200 });
    const launched = decideCapacity(input({ desired: 1, demand: [demand('web', 5, 1024, 2048)] }));
    expect(launched.actions).toEqual([]);
    expect(launched.notes.join('\n')).toMatch(/booting/);
    expect(decideCapacity(input({ hosts: [bootingHost('i-1', 'InService')], demand: [demand('web', 5, 1024, 2048)] })).actions).toEqual([]);
  });
});

describe('reservation and target utilisation', () => {
  // Busy: i-1 and i-4 (a task), i-2 (tasks of unknown size); i-3 runs only a daemon.
  const hosts = [host('i-1', { tasks: [web()] }), host('i-2', { otherTasks: 2 }), host('i-3', { tasks: [task('agent', 128, 256, { daemon: true })] }), host('i-4', { tasks: [web()] })];

  it('M counts busy hosts, N InService ones', () => {
    expect(decideCapacity(input({ hosts })).reservation).toEqual({ needed: 3, running: 4, percent: 75 });
    expect(decideCapacity(input({})).reservation).toEqual({ needed: 0, running: 0, percent: 0 });
  });

  it.each([
    [100, []],
    [60, [{ desired: 5, from: 4 }]], // ceil(3 × 100 / 60) = 5
    [50, [{ desired: 6, from: 4 }]], // ceil(3 × 100 / 50) = 6
  ])('target %i %% wants ceil(M × 100 / target) hosts', (targetUtilizationPercent, expected) => {
    expect(desiredSet(decideCapacity(input({ hosts, settings: { targetUtilizationPercent } })))).toEqual(expected);
  });

  it('desired always within [minSize, maxSize]', () => {
    expect(desiredSet(decideCapacity(input({ desired: 1, settings: { minSize: 2 } })))).toEqual([{ desired: 2, from: 1 }]);
    // Above maxSize it is never lowered: the group would pick which hosts to kill.
    const above = decideCapacity(input({ desired: 12, settings: { maxSize: 10 } }));
    expect(desiredSet(above)).toEqual([]);
    expect(above.notes.join('\n')).toMatch(/desired 12 is above maxSize 10: idle hosts are removed by draining/);
  });
});

describe('scale-in', () => {
  const daemonOnly = (id: string, o = {}) => host(id, { tasks: [task('agent', 128, 256, { daemon: true })], ...o });
  const hosts = [host('i-1', { tasks: [web()] }), host('i-2', { tasks: [web()] }), daemonOnly('i-3')];

  it('drains a host idle for scaleInAfterMs', () => {
    const d = decideCapacity(input({ hosts, idleSince: { 'i-3': minutesAgo(11) } }));
    expect(of(d, 'drain')).toEqual([expect.objectContaining({ instanceId: 'i-3', containerInstanceArn: hosts[2]!.ecs!.containerInstanceArn })]);
    expect(d.state.drainingSince).toEqual({ 'i-3': NOW_ISO });
    expect(d.state.idleSince).toEqual({});
  });

  it('remembers when a host became idle and waits', () => {
    const first = decideCapacity(input({ hosts }));
    expect(first.state.idleSince).toEqual({ 'i-3': NOW_ISO });
    expect(ids(first, 'drain')).toEqual([]);
    const later = decideCapacity(input({ hosts, idleSince: { 'i-3': minutesAgo(5) } }));
    expect(ids(later, 'drain')).toEqual([]);
    expect(later.state.idleSince).toEqual({ 'i-3': minutesAgo(5) });
    expect(later.notes.join('\n')).toMatch(/in 300 s/);
    // A time that cannot be read counts as now.
    expect(decideCapacity(input({ hosts, idleSince: { 'i-3': 'yesterday' } })).state.idleSince).toEqual({ 'i-3': NOW_ISO });
    // Busy again: it leaves the map.
    expect(decideCapacity(input({ hosts: [hosts[0]!, hosts[1]!, host('i-3', { tasks: [web()] })], idleSince: { 'i-3': minutesAgo(5) } })).state.idleSince).toEqual({});
  });

  it('never below minSize, nor below what the target utilisation wants', () => {
    const atMin = decideCapacity(input({ hosts, settings: { minSize: 3 }, idleSince: { 'i-3': minutesAgo(11) } }));
    expect(ids(atMin, 'drain')).toEqual([]);
    expect(atMin.notes.join('\n')).toMatch(/kept/);
    // 2 busy at 67 %: ceil(200 / 67) = 3 hosts wanted, the spare stays.
    expect(ids(decideCapacity(input({ hosts, settings: { targetUtilizationPercent: 67 }, idleSince: { 'i-3': minutesAgo(11) } })), 'drain')).toEqual([]);
  });

  it('at most maxDrainingAtOnce hosts draining, the longest idle first', () => {
    const four = [...hosts, daemonOnly('i-4')];
    const d = decideCapacity(input({ hosts: four, idleSince: { 'i-3': minutesAgo(15), 'i-4': minutesAgo(20) } }));
    expect(ids(d, 'drain')).toEqual(['i-4']);
    const two = decideCapacity(input({ hosts: four, settings: { maxDrainingAtOnce: 2 }, idleSince: { 'i-3': minutesAgo(15), 'i-4': minutesAgo(20) } }));
    expect(ids(two, 'drain')).toEqual(['i-4', 'i-3']);
    const draining = host('i-5', { status: 'DRAINING', tasks: [web()] });
    const busy = decideCapacity(input({ hosts: [...four, draining], drainingSince: { 'i-5': minutesAgo(1) }, idleSince: { 'i-3': minutesAgo(15), 'i-4': minutesAgo(20) } }));
    expect(ids(busy, 'drain')).toEqual([]);
    expect(busy.notes.join('\n')).toMatch(/already draining/);
  });

  it('above maxSize, an idle host is drained (never a lower desired capacity the group would act on itself)', () => {
    const d = decideCapacity(input({ hosts, settings: { maxSize: 2 }, idleSince: { 'i-3': minutesAgo(11) } }));
    expect(desiredSet(d)).toEqual([]);
    expect(ids(d, 'drain')).toEqual(['i-3']);
  });

  it('never terminates a host Shepherd meant to drain that ECS still reports ACTIVE', () => {
    const d = decideCapacity(input({ hosts, drainingSince: { 'i-3': minutesAgo(5) } }));
    expect(ids(d, 'terminate')).toEqual([]);
    expect(d.notes.join('\n')).toMatch(/i-3 is meant to drain but ECS reports it ACTIVE/);
  });

  it('nothing is drained while hosts boot', () => {
    const d = decideCapacity(input({ hosts: [...hosts, bootingHost('i-4')], idleSince: { 'i-3': minutesAgo(11) } }));
    expect(ids(d, 'drain')).toEqual([]);
    expect(d.notes.join('\n')).toMatch(/no scale-in while 1 host\(s\) boot/);
  });

  it('nothing is drained while tasks wait for placement', () => {
    const d = decideCapacity(input({ hosts, idleSince: { 'i-3': minutesAgo(11) }, demand: [demand('web', 1, 1024, 2048)] }));
    expect(d.actions.filter((a) => a.kind !== 'protect')).toEqual([]);
    expect(d.notes.join('\n')).toMatch(/no scale-in while 1 task/);
  });

  describe('consolidation', () => {
    // i-1 runs 512 / 1024 (a quarter of its CPU), i-2 and i-3 1024 / 2048 (half): each fits on the others.
    const spread = [host('i-1', { tasks: [task('web', 512, 1024)] }), host('i-2', { tasks: [web()] }), host('i-3', { tasks: [web()] })];
    const ripe = { 'i-1': minutesAgo(10), 'i-2': minutesAgo(10), 'i-3': minutesAgo(10) };

    it('remembers which hosts could be emptied onto the others, and waits', () => {
      const d = decideCapacity(input({ hosts: spread }));
      expect(d.state.consolidatableSince).toEqual({ 'i-1': NOW_ISO, 'i-2': NOW_ISO, 'i-3': NOW_ISO });
      expect(ids(d, 'drain')).toEqual([]);
    });

    it('then drains the least-loaded one', () => {
      const d = decideCapacity(input({ hosts: spread, consolidatableSince: ripe }));
      expect(ids(d, 'drain')).toEqual(['i-1']);
      expect(of(d, 'drain')[0]!.reason).toMatch(/consolidation/);
    });

    it('never a host running tasks of unknown size', () => {
      const hosts2 = [host('i-1', { tasks: [task('web', 512, 1024)], otherTasks: 1 }), spread[1]!, spread[2]!];
      // i-2 and i-3 tie at half load with one task each: the first by id.
      expect(ids(decideCapacity(input({ hosts: hosts2, consolidatableSince: ripe })), 'drain')).toEqual(['i-2']);
    });

    it('respects distinct tasks', () => {
      const api = (cpu: number, memory: number) => task('api', cpu, memory, { distinct: true });
      const hosts2 = [host('i-1', { tasks: [api(512, 1024)] }), host('i-2', { tasks: [api(1024, 2048)] }), host('i-3', { tasks: [api(1024, 2048)] })];
      const d = decideCapacity(input({ hosts: hosts2, consolidatableSince: ripe }));
      expect(ids(d, 'drain')).toEqual([]);
      expect(d.state.consolidatableSince).toEqual({});
    });

    it('never below minSize', () => {
      const d = decideCapacity(input({ hosts: spread, settings: { minSize: 3 }, consolidatableSince: ripe }));
      expect(ids(d, 'drain')).toEqual([]);
      expect(d.notes.join('\n')).toMatch(/kept/);
    });
  });
});

describe('terminate', () => {
  const busy = [host('i-1', { tasks: [web()] }), host('i-2', { tasks: [web()] })];
  const drained = (o = {}) => host('i-3', { status: 'DRAINING', tasks: [task('agent', 128, 256, { daemon: true })], ...o });

  it('a drained host running only daemons is terminated', () => {
    const d = decideCapacity(input({ hosts: [...busy, drained()], drainingSince: { 'i-3': minutesAgo(3) } }));
    expect(ids(d, 'terminate')).toEqual(['i-3']);
    expect(ids(d, 'drain')).toEqual([]);
  });

  it('never one still running a task', () => {
    const withTask = decideCapacity(input({ hosts: [...busy, drained({ tasks: [web()] })], drainingSince: { 'i-3': minutesAgo(3) } }));
    expect(ids(withTask, 'terminate')).toEqual([]);
    expect(withTask.notes.join('\n')).toMatch(/waiting for its tasks to move/);
    expect(ids(decideCapacity(input({ hosts: [...busy, drained({ otherTasks: 1 })], drainingSince: { 'i-3': minutesAgo(3) } })), 'terminate')).toEqual([]);
  });

  it('below minSize the drained host is taken back instead', () => {
    const d = decideCapacity(input({ hosts: [...busy, drained()], settings: { minSize: 3 }, drainingSince: { 'i-3': minutesAgo(3) } }));
    expect(ids(d, 'terminate')).toEqual([]);
    expect(ids(d, 'reactivate')).toEqual(['i-3']);
    expect(d.state.drainingSince).toEqual({});
  });

  it('never when the decrement would take desired below minSize (Auto Scaling refuses it)', () => {
    // 3 live but desired 2 = minSize: terminating with a decrement would make desired 1.
    const d = decideCapacity(input({ hosts: [...busy, drained()], desired: 2, settings: { minSize: 2 }, drainingSince: { 'i-3': minutesAgo(3) } }));
    expect(ids(d, 'terminate')).toEqual([]);
    expect(d.notes.join('\n')).toMatch(/drained but kept/);
  });

  it('a drained host that is gone leaves the state; one terminating stays until gone', () => {
    const d = decideCapacity(input({ hosts: [...busy, drained({ lifecycle: 'Terminating' })], drainingSince: { 'i-3': minutesAgo(3), 'i-9': minutesAgo(30) } }));
    expect(d.state.drainingSince).toEqual({ 'i-3': minutesAgo(3) });
    expect(ids(d, 'terminate')).toEqual([]);
  });
});

describe('protection from scale-in', () => {
  it('protects busy hosts and unprotects idle ones, leaving drained and booting hosts alone', () => {
    const hosts = [
      host('i-1', { tasks: [web()] }),
      host('i-2', { tasks: [web()], protectedFromScaleIn: true }),
      host('i-3', { protectedFromScaleIn: true }),
      host('i-4'),
      host('i-5', { status: 'DRAINING', protectedFromScaleIn: true }),
      bootingHost('i-6', 'Pending', true),
    ];
    const d = decideCapacity(input({ hosts, drainingSince: { 'i-5': minutesAgo(1) } }));
    expect(of(d, 'protect').map((a) => [a.protect, a.instanceIds])).toEqual([
      [true, ['i-1']],
      [false, ['i-3']],
    ]);
  });
});

describe('hostShape', () => {
  it('is the largest registered host, unknown before any registers', () => {
    expect(hostShape([bootingHost('i-1')])).toBeUndefined();
    expect(hostShape([host('i-1'), host('i-2', { registered: { cpu: 4096, memory: 15_576 } }), bootingHost('i-3')])).toEqual({ cpu: 4096, memory: 15_576 });
  });
});
