/**
 * maximumPercent, from ECS's side (the simulator's state, not Shepherd's store). Shepherd may
 * start a task only while live + pending tasks stay within ⌊desired × maximumPercent / 100⌋ (at
 * least desired). Two things legitimately go above that, and the ceiling allows exactly them:
 * - right after desired drops (10 → 2), the 10 still run until Shepherd stops them: the ceiling
 *   starts at what was live at the change and comes down with every task stopped on purpose
 *   (StopTask: stop code UserInitiated; in the soak only Shepherd calls it) — a one-for-one
 *   replacement of a task that crashed meanwhile stays within;
 * - a handler or pass that read the old desired count just before a user's write landed: every
 *   desired value in flight or acknowledged in this step or the one before counts.
 * Checked at every RunTask that started a task (the only way the count grows) and after every step.
 * Tasks on hosts that are gone (INACTIVE, agent disconnected) do not count, as for the planner.
 */
import type { Simulator } from '../../../local/sim';
import type { EcsSnapshot } from '../../../local/sim/ecs/snapshot';
import { intercept, type SdkClient } from './middleware';
import type { Trace } from './trace';
import type { Violations } from './violations';

interface Change {
  desired: number;
  step: number;
  /** Live tasks when the change was sent. */
  liveAtChange: number;
  /** Tasks stopped on purpose so far, when the change was sent. */
  stoppedOnPurposeAtChange: number;
  revision: number;
}

const short = (arn: string) => arn.slice(arn.lastIndexOf('/') + 1);

const maxLive = (desired: number, maximumPercent: number) => Math.max(desired, Math.floor((desired * maximumPercent) / 100));

export class CapacityMonitor {
  /** The driver's step counter (a change is "recent" in its own step and the next). */
  step = 0;
  checks = 0;
  private readonly acknowledged = new Map<string, Change>();
  private readonly recent = new Map<string, Change[]>();
  private readonly stoppedOnPurpose = new Map<string, Set<string>>();
  private readonly startedSeen = new Set<string>();
  private readonly over = new Set<string>();
  /** Tasks started by invocations that died right after (CrashInjector.orphanStarts): named in a violation's detail. */
  orphanStarts?: ReadonlyMap<string, number>;

  constructor(
    private readonly sim: Simulator,
    private readonly maximumPercent: ReadonlyMap<string, number>,
    private readonly violations: Violations,
    private readonly trace: Trace,
  ) {}

  /** The desired count a service was created with (revision 1). */
  created(service: string, desired: number): void {
    this.acknowledged.set(service, this.change(service, desired, 1));
  }

  /** A user is about to send `desired`; returns the change to acknowledge once the API answered 2xx. */
  sending(service: string, desired: number): Change {
    const c = this.change(service, desired, 0);
    this.trace.note(service, `a user sends desired ${desired} (live ${c.liveAtChange})`);
    this.recent.set(service, [...(this.recent.get(service) ?? []).filter((x) => x.step >= this.step - 1), c]);
    return c;
  }

  acknowledge(service: string, c: Change, revision: number): void {
    const prev = this.acknowledged.get(service);
    if (!prev || revision > prev.revision) this.acknowledged.set(service, { ...c, revision });
    this.trace.note(service, `desired ${c.desired} acknowledged at revision ${revision}`);
  }

  /** Installs the RunTask check on a client Shepherd starts tasks with. */
  attach(client: SdkClient): void {
    intercept(client, 'outside', 'chaosCapacity', async (call, send) => {
      const out = await send();
      if (call.command !== 'RunTask') return out;
      const group = String(call.input.group ?? '');
      const started = ((out as { tasks?: Array<{ taskArn?: string }> }).tasks ?? []).map((t) => t.taskArn ?? '').filter((a) => a && !this.startedSeen.has(a));
      for (const a of started) this.startedSeen.add(a);
      if (started.length && this.maximumPercent.has(group.slice('shepherd:'.length))) {
        this.check(this.sim.ecs.snapshot(), group.slice('shepherd:'.length), `RunTask (token ${String(call.input.clientToken ?? '').slice(0, 12)}…) started ${started.length}`, started);
      }
      return out;
    });
  }

  /** After a step: every service within its ceiling. */
  checkAll(): void {
    const snap = this.sim.ecs.snapshot();
    for (const service of this.maximumPercent.keys()) this.check(snap, service, 'after a step', []);
  }

  /** The ceiling now, and why. */
  ceiling(snap: EcsSnapshot, service: string): number {
    const pct = this.maximumPercent.get(service) ?? 100;
    const stopped = this.stoppedOnPurposeSet(snap, service).size;
    const changes = [this.acknowledged.get(service), ...(this.recent.get(service) ?? []).filter((c) => c.step >= this.step - 1)].filter((c): c is Change => c !== undefined);
    let ceiling = 0;
    for (const c of changes) ceiling = Math.max(ceiling, maxLive(c.desired, pct), c.liveAtChange - (stopped - c.stoppedOnPurposeAtChange));
    return ceiling;
  }

  private check(snap: EcsSnapshot, service: string, when: string, started: string[]): void {
    this.checks++;
    const live = this.live(snap, service);
    const ceiling = this.ceiling(snap, service);
    if (live.length <= ceiling) {
      this.over.delete(service);
      return;
    }
    // Reported once when a service goes above its ceiling (and at every further start), not every step it stays there.
    if (this.over.has(service) && !started.length) return;
    this.over.add(service);
    const desired = this.acknowledged.get(service)?.desired;
    const orphans = live.filter((arn) => this.orphanStarts?.has(arn));
    this.violations.add({
      invariant: 'maximumPercent',
      service,
      tasks: started.length ? started : live,
      message: `${live.length} tasks live or pending, above the ceiling ${ceiling} (desired ${desired}, maximumPercent ${this.maximumPercent.get(service)}) — ${when}`,
      detail: [
        `live: ${live.map(short).join(', ')}`,
        `stopped on purpose since the start: ${this.stoppedOnPurposeSet(snap, service).size}`,
        ...(orphans.length ? [`started by invocations that died before recording them: ${orphans.map(short).join(', ')}`] : []),
        ...this.trace.recent(service),
      ].join('\n'),
    });
  }

  private change(service: string, desired: number, revision: number): Change {
    const snap = this.sim.ecs.snapshot();
    return { desired, step: this.step, liveAtChange: this.live(snap, service).length, stoppedOnPurposeAtChange: this.stoppedOnPurposeSet(snap, service).size, revision };
  }

  /** Not STOPPED, on a host that is still there. */
  private live(snap: EcsSnapshot, service: string): string[] {
    const usable = new Set(snap.instances.filter((i) => i.status !== 'INACTIVE' && i.agentConnected).map((i) => i.arn));
    return snap.tasks.filter((t) => t.group === `shepherd:${service}` && t.lastStatus !== 'STOPPED' && usable.has(t.containerInstanceArn)).map((t) => t.arn);
  }

  private stoppedOnPurposeSet(snap: EcsSnapshot, service: string): Set<string> {
    let set = this.stoppedOnPurpose.get(service);
    if (!set) this.stoppedOnPurpose.set(service, (set = new Set()));
    for (const t of snap.tasks) {
      if (t.group === `shepherd:${service}` && t.lastStatus === 'STOPPED' && t.stopCode === 'UserInitiated') set.add(t.arn);
    }
    return set;
  }
}
