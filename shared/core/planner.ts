/**
 * The per-service planner: given what a service wants, what runs, the cluster's instances and the
 * clock, what to start and stop, and why. Pure — the event handlers and the reconciler run the
 * same function on the state they hold, then carry out its actions.
 *
 * Rules (ECS's where ECS has one):
 * - Tasks count as live while not STOPPED, not asked to stop and not on a lost host (an INACTIVE
 *   or vanished instance, or one whose agent stayed disconnected beyond the grace period).
 * - maximumPercent caps live tasks (⌊desired × max / 100⌋, at least desired + 0 when max = 100);
 *   minimumHealthyPercent is the floor of healthy tasks (⌈desired × min / 100⌉) before any
 *   on-purpose stop. Make-before-break: a task on a draining host is stopped only once enough
 *   others are healthy.
 * - Starts respect the crash-loop backoff; stops of extras prefer tasks on draining or
 *   disconnected hosts, then those that restore zone balance, then the newest.
 * - A task failing its health checks (container UNHEALTHY; or a target group's `unhealthy` after
 *   it was once healthy or beyond a grace period) counts as missing: a replacement
 *   starts first, within maximumPercent, and the failing task is stopped once enough healthy ones
 *   run without it. With no room to start, failing tasks are stopped one at a time to make room
 *   (ECS's rule for services). Daemon tasks are not replaced for failing health checks.
 * - Pending starts (RunTask calls another actor announced and has not recorded: it may have died
 *   in between) count as tasks for starting — against the desired count and under maximumPercent —
 *   but never for stopping: they may not exist.
 */
import { mayStart, type BackoffPolicy } from './backoff';
import type { ObservedInstance } from './observed';
import type { PendingStart } from './pendingStarts';
import { sameFamilyRevision } from './replacement';
import type { Service } from './service';

export interface PlannedTask {
  taskArn: string;
  taskDefinitionArn: string;
  lastStatus: string;
  desiredStatus: string;
  healthStatus?: string;
  containerInstanceArn?: string;
  availabilityZone?: string;
  createdAt?: string;
  startedAt?: string;
  stopIntent?: string;
  /** Combined state of its load balancer targets, for a service behind target groups. */
  targetHealth?: string;
  /** When its targets were first healthy in every group (ends the grace for `unhealthy` reads). */
  targetHealthyAt?: string;
  /** The token of the Shepherd start that recorded it (see ./pendingStarts.ts). */
  startToken?: string;
}

export type StopIntent = 'scale-in' | 'deployment' | 'drain' | 'lost-host' | 'daemon' | 'service-deleted' | 'unhealthy';

export type Action =
  | { kind: 'start'; count: number; taskDefinition: string; reason: string }
  | { kind: 'startOn'; containerInstanceArns: string[]; taskDefinition: string; reason: string }
  | { kind: 'stop'; taskArn: string; intent: StopIntent; reason: string };

export interface PlanSummary {
  desired: number;
  live: number;
  running: number;
  pending: number;
  healthy: number;
  current: number;
  atRisk: number;
  /** Tasks that still hold a place under maximumPercent: live ones and those stopping but not yet STOPPED. */
  occupying: number;
  maxLive: number;
  minHealthy: number;
  /** Tasks announced by starts not yet recorded (counted in `occupying`, not in `live`). */
  pendingStarts: number;
}

export interface Plan {
  actions: Action[];
  summary: PlanSummary;
  /** Why nothing (more) was done, for the dry run and the status. */
  notes: string[];
}

export interface PlannerPolicy {
  backoff: BackoffPolicy;
  /** An agent disconnected longer than this puts its tasks at risk (disconnects of seconds are normal). */
  disconnectGraceMs: number;
  /** Behind load balancers: how long a never-healthy task may read `unhealthy` before it is replaced (default 5 minutes). */
  targetHealthGraceMs?: number;
}

export interface PlanInput {
  service: Service;
  tasks: PlannedTask[];
  instances: ObservedInstance[];
  now: number;
  policy: PlannerPolicy;
  /** Starts announced whose tasks the store does not know yet (outstandingStarts in ./pendingStarts.ts). */
  pendingStarts?: PendingStart[];
}

const PENDING_STATES = new Set(['PROVISIONING', 'PENDING', 'ACTIVATING']);

type HostState = 'ok' | 'draining' | 'lost';

function hostStates(instances: ObservedInstance[], now: number, graceMs: number): Map<string, HostState> {
  const out = new Map<string, HostState>();
  for (const i of instances) {
    let s: HostState = 'ok';
    if (i.status === 'INACTIVE' || i.status === 'DEREGISTERING') s = 'lost';
    else if (!i.agentConnected && now - Date.parse(i.updatedAt) >= graceMs) s = 'lost';
    else if (i.status === 'DRAINING') s = 'draining';
    out.set(i.containerInstanceArn, s);
  }
  return out;
}

function hostOf(t: PlannedTask, hosts: Map<string, HostState>): HostState {
  if (!t.containerInstanceArn) return 'ok';
  return hosts.get(t.containerInstanceArn) ?? 'ok';
}

/**
 * Healthy = RUNNING, not UNHEALTHY, HEALTHY where its task definition defines container health
 * checks (recorded on the deployment) — a task whose checks have not passed yet is not healthy —
 * and, for a service behind load balancers, `healthy` in every one of its target groups.
 */
export function healthOf(service: Pick<Service, 'deployments'> & { loadBalancers?: Service['loadBalancers'] }): (t: PlannedTask) => boolean {
  const checked = service.deployments.filter((d) => d.healthChecked).map((d) => d.taskDefinition);
  const balanced = (service.loadBalancers?.length ?? 0) > 0;
  return (t) => {
    if (t.lastStatus !== 'RUNNING' || t.healthStatus === 'UNHEALTHY') return false;
    if (balanced && t.targetHealth !== 'healthy') return false;
    return t.healthStatus === 'HEALTHY' || !checked.some((td) => sameFamilyRevision(t.taskDefinitionArn, td));
  };
}

let isHealthy: (t: PlannedTask) => boolean = (t) => t.lastStatus === 'RUNNING' && t.healthStatus !== 'UNHEALTHY';

export function planService(input: PlanInput): Plan {
  isHealthy = healthOf(input.service);
  return input.service.schedulingStrategy === 'DAEMON' ? planDaemon(input) : planReplica(input);
}

function planReplica({ service, tasks, instances, now, policy, pendingStarts = [] }: PlanInput): Plan {
  const notes: string[] = [];
  const actions: Action[] = [];
  const hosts = hostStates(instances, now, policy.disconnectGraceMs);
  const deleting = service.status !== 'ACTIVE';
  const desired = deleting ? 0 : service.desiredCount;
  const { minimumHealthyPercent, maximumPercent } = service.deploymentConfiguration;
  const maxLive = Math.max(desired, Math.floor((desired * maximumPercent) / 100));
  const minHealthy = Math.ceil((desired * minimumHealthyPercent) / 100);

  const wanted = tasks.filter((t) => t.lastStatus !== 'STOPPED' && t.desiredStatus !== 'STOPPED' && !t.stopIntent);
  // Asked to stop by someone else and not yet STOPPED: the task event path replaces it when it
  // stops, so it still counts as present here — never replaced twice.
  const leaving = tasks.filter((t) => t.lastStatus !== 'STOPPED' && t.desiredStatus === 'STOPPED' && !t.stopIntent && hostOf(t, hosts) !== 'lost');
  const lost = wanted.filter((t) => hostOf(t, hosts) === 'lost');
  const live = wanted.filter((t) => hostOf(t, hosts) !== 'lost');
  const draining = live.filter((t) => hostOf(t, hosts) === 'draining');
  const settled = live.filter((t) => hostOf(t, hosts) === 'ok');
  const isCurrent = (t: PlannedTask) => sameFamilyRevision(t.taskDefinitionArn, service.taskDefinition);
  // (A service being deleted or scaled to zero stops them all as extras.)
  const failing = desired === 0 ? [] : settled.filter((t) => isCurrent(t) && failsHealthChecks(t, service, now, policy));
  const currentSettled = settled.filter((t) => isCurrent(t) && !failing.includes(t));
  const old = settled.filter((t) => !isCurrent(t));
  const healthyAll = live.filter(isHealthy);
  // A task asked to stop still runs until ECS reports it STOPPED: it keeps its place under the cap;
  // so do the tasks of starts not yet recorded.
  const announced = pendingStarts.reduce((n, p) => n + p.count, 0);
  const occupying = tasks.filter((t) => t.lastStatus !== 'STOPPED' && hostOf(t, hosts) !== 'lost').length + announced;

  const summary: PlanSummary = {
    desired,
    live: live.length,
    running: live.filter((t) => t.lastStatus === 'RUNNING').length,
    pending: live.filter((t) => PENDING_STATES.has(t.lastStatus)).length,
    healthy: healthyAll.length,
    current: currentSettled.length,
    atRisk: draining.length + lost.length + failing.length,
    occupying,
    maxLive,
    minHealthy,
    pendingStarts: announced,
  };

  if (service.paused && !deleting) {
    notes.push('paused: nothing is started or stopped');
    return { actions, summary, notes };
  }

  // Tasks on lost hosts are gone in all but name: ask ECS to stop them (it may only finish when the
  // agent returns) and do not count them against maximumPercent.
  for (const t of lost) actions.push({ kind: 'stop', taskArn: t.taskArn, intent: 'lost-host', reason: 'its host is lost (deregistered or disconnected beyond the grace period)' });

  // Starts: make up for what is not current and settled, within maximumPercent and the backoff.
  const need = desired - currentSettled.length - leaving.length - announced;
  if (announced > 0 && need + announced > 0) notes.push(`${announced} task(s) announced by a start not yet recorded count as started`);
  if (need > 0) {
    const room = maxLive - occupying;
    if (room <= 0) {
      notes.push(`cannot start: ${occupying} tasks (live or still stopping) already at maximumPercent (${maxLive})`);
    } else if (!mayStart(service.backoff, now, policy.backoff, service.taskDefinition)) {
      notes.push(`crash-loop backoff: next start after ${service.backoff?.nextAttemptAt}`);
    } else {
      actions.push({ kind: 'start', count: Math.min(need, room), taskDefinition: service.taskDefinition, reason: startReason(currentSettled.length, desired, { draining: draining.length, old: old.length, lost: lost.length, failing: failing.length }) });
    }
  }

  // On-purpose stops keep at least minHealthy healthy tasks (counting only those not being stopped).
  let healthyLeft = healthyAll.length;
  const stopSafely = (t: PlannedTask, intent: StopIntent, reason: string): boolean => {
    const losesHealthy = isHealthy(t);
    if (losesHealthy && healthyLeft - 1 < minHealthy) return false;
    if (losesHealthy) healthyLeft--;
    actions.push({ kind: 'stop', taskArn: t.taskArn, intent, reason });
    return true;
  };

  // Draining hosts: stop their tasks once enough others are healthy (make-before-break).
  const blockedDrain = orderForStop(draining).filter((t) => !stopSafely(t, 'drain', 'its host is draining; enough healthy tasks run elsewhere'));
  if (blockedDrain.length) notes.push(`${blockedDrain.length} task(s) on draining hosts wait for replacements to become healthy`);

  // Old task definitions (a deployment): unhealthy and pending ones first, then while the floor allows.
  const oldOrdered = [...old].sort((a, b) => Number(isHealthy(a)) - Number(isHealthy(b)));
  const blockedOld = oldOrdered.filter((t) => !stopSafely(t, 'deployment', `replaced by ${service.taskDefinition}`));
  if (blockedOld.length) notes.push(`${blockedOld.length} task(s) of older task definitions wait to keep minimumHealthyPercent`);

  // Extras of the current definition (scale-in), preferring to restore zone balance, newest first.
  const extra = currentSettled.length - desired;
  if (extra > 0) {
    const waiting = pickExtras(currentSettled, extra).filter((t) => !stopSafely(t, 'scale-in', `desired count is ${desired}`));
    if (waiting.length) notes.push(`${waiting.length} extra task(s) wait to keep minimumHealthyPercent`);
  }

  // Failing health checks: stopped once the healthy tasks left (after the stops above) make up the
  // desired count without them. With no room to start a replacement (and the backoff allowing
  // one), one at a time, while no other stop that holds a place is in flight: each frees a place
  // for the next start.
  if (failing.length) {
    let stoppable = healthyLeft >= desired ? failing.length : 0;
    const stopping =
      tasks.some((t) => t.lastStatus !== 'STOPPED' && (t.desiredStatus === 'STOPPED' || t.stopIntent) && hostOf(t, hosts) !== 'lost') ||
      actions.some((a) => a.kind === 'stop' && a.intent !== 'lost-host');
    const noRoom = need > 0 && maxLive - occupying <= 0 && mayStart(service.backoff, now, policy.backoff, service.taskDefinition);
    if (stoppable === 0 && noRoom && !stopping) stoppable = 1;
    const byAge = [...failing].sort((a, b) => (a.startedAt ?? a.createdAt ?? '').localeCompare(b.startedAt ?? b.createdAt ?? '') || a.taskArn.localeCompare(b.taskArn));
    for (const t of byAge.slice(0, stoppable)) actions.push({ kind: 'stop', taskArn: t.taskArn, intent: 'unhealthy', reason: 'it fails its health checks' });
    const kept = failing.length - Math.min(stoppable, failing.length);
    if (kept) notes.push(`${kept} task(s) failing health checks wait for healthy replacements`);
  }
  return { actions, summary, notes };
}

/**
 * Failing health checks: ECS reports the task UNHEALTHY (an essential container failed its checks
 * after their start period and retries), or, behind load balancers, a target group reads it
 * `unhealthy` after it was once healthy in all of them, or still after the grace period since it
 * started (a slow starter is not replaced before it could answer; the grace ends at the first
 * healthy read).
 */
function failsHealthChecks(t: PlannedTask, service: Pick<Service, 'loadBalancers'>, now: number, policy: PlannerPolicy): boolean {
  if (t.lastStatus !== 'RUNNING') return false;
  if (t.healthStatus === 'UNHEALTHY') return true;
  if (!service.loadBalancers?.length || t.targetHealth !== 'unhealthy') return false;
  if (t.targetHealthyAt) return true;
  const since = Date.parse(t.startedAt ?? t.createdAt ?? '');
  return Number.isFinite(since) && now - since >= (policy.targetHealthGraceMs ?? DEFAULT_TARGET_HEALTH_GRACE_MS);
}

/** How long a task behind load balancers that was never healthy there may read `unhealthy` before it counts as failing. */
export const DEFAULT_TARGET_HEALTH_GRACE_MS = 5 * 60_000;

function startReason(current: number, desired: number, at: { draining: number; old: number; lost: number; failing: number }): string {
  const parts = [`${current} of ${desired} current tasks placed`];
  if (at.draining) parts.push(`${at.draining} on draining hosts`);
  if (at.old) parts.push(`${at.old} of older task definitions`);
  if (at.lost) parts.push(`${at.lost} on lost hosts`);
  if (at.failing) parts.push(`${at.failing} failing health checks`);
  return parts.join('; ');
}

/** Stop order among at-risk tasks: unhealthy and pending first. */
function orderForStop(ts: PlannedTask[]): PlannedTask[] {
  return [...ts].sort((a, b) => Number(isHealthy(a)) - Number(isHealthy(b)));
}

/** Which `n` tasks to stop on scale-in: from the zone with the most tasks, not yet healthy first, newest first. */
export function pickExtras(ts: PlannedTask[], n: number): PlannedTask[] {
  const pool = [...ts];
  const chosen: PlannedTask[] = [];
  while (chosen.length < n && pool.length) {
    const byZone = new Map<string, PlannedTask[]>();
    for (const t of pool) {
      const z = t.availabilityZone ?? '?';
      byZone.set(z, [...(byZone.get(z) ?? []), t]);
    }
    const [, fullest] = [...byZone].sort((a, b) => b[1].length - a[1].length || a[0].localeCompare(b[0]))[0]!;
    const pick = [...fullest].sort(
      (a, b) => Number(isHealthy(a)) - Number(isHealthy(b)) || (b.createdAt ?? '').localeCompare(a.createdAt ?? '') || a.taskArn.localeCompare(b.taskArn),
    )[0]!;
    chosen.push(pick);
    pool.splice(pool.indexOf(pick), 1);
  }
  return chosen;
}

function planDaemon({ service, tasks, instances, now, policy, pendingStarts = [] }: PlanInput): Plan {
  const notes: string[] = [];
  const actions: Action[] = [];
  const hosts = hostStates(instances, now, policy.disconnectGraceMs);
  const deleting = service.status !== 'ACTIVE';
  const eligible = deleting ? [] : instances.filter((i) => i.status === 'ACTIVE' && i.agentConnected && i.cluster === service.cluster);
  const wanted = tasks.filter((t) => t.lastStatus !== 'STOPPED' && t.desiredStatus !== 'STOPPED' && !t.stopIntent);
  const leavingHosts = new Set(tasks.filter((t) => t.lastStatus !== 'STOPPED' && t.desiredStatus === 'STOPPED' && !t.stopIntent && t.containerInstanceArn).map((t) => t.containerInstanceArn!));
  const byHost = new Map<string, PlannedTask[]>();
  for (const t of wanted) if (t.containerInstanceArn) byHost.set(t.containerInstanceArn, [...(byHost.get(t.containerInstanceArn) ?? []), t]);
  const summary: PlanSummary = {
    desired: eligible.length,
    live: wanted.length,
    running: wanted.filter((t) => t.lastStatus === 'RUNNING').length,
    pending: wanted.filter((t) => PENDING_STATES.has(t.lastStatus)).length,
    healthy: wanted.filter(isHealthy).length,
    current: wanted.filter((t) => sameFamilyRevision(t.taskDefinitionArn, service.taskDefinition)).length,
    atRisk: wanted.filter((t) => hostOf(t, hosts) !== 'ok').length,
    occupying: tasks.filter((t) => t.lastStatus !== 'STOPPED').length + pendingStarts.reduce((n, p) => n + p.count, 0),
    maxLive: eligible.length,
    minHealthy: 0,
    pendingStarts: pendingStarts.reduce((n, p) => n + p.count, 0),
  };
  // A host a start was announced on (StartTask has no idempotency token) gets no second one.
  const announcedOn = new Set(pendingStarts.flatMap((p) => p.instances ?? []));
  if (service.paused && !deleting) {
    notes.push('paused: nothing is started or stopped');
    return { actions, summary, notes };
  }
  const missing: string[] = [];
  const eligibleArns = new Set(eligible.map((i) => i.containerInstanceArn));
  for (const i of eligible) {
    const here = byHost.get(i.containerInstanceArn) ?? [];
    const current = here.filter((t) => sameFamilyRevision(t.taskDefinitionArn, service.taskDefinition));
    // A daemon deployment replaces in place: stop the old one, start the new one.
    for (const t of here.filter((x) => !current.includes(x))) actions.push({ kind: 'stop', taskArn: t.taskArn, intent: 'deployment', reason: `replaced by ${service.taskDefinition}` });
    for (const t of current.slice(1)) actions.push({ kind: 'stop', taskArn: t.taskArn, intent: 'daemon', reason: 'one daemon task per instance' });
    // A daemon task still stopping there is replaced by the task event path when it stops.
    if (current.length === 0 && !leavingHosts.has(i.containerInstanceArn) && !announcedOn.has(i.containerInstanceArn)) missing.push(i.containerInstanceArn);
  }
  for (const [arn, ts] of byHost) {
    if (eligibleArns.has(arn)) continue;
    const state = hosts.get(arn) ?? 'lost';
    // On a draining host the daemon goes last: once no other service task is left there is ECS's rule;
    // Shepherd stops it when the host is no longer eligible and is not merely draining.
    if (state === 'draining') continue;
    for (const t of ts) actions.push({ kind: 'stop', taskArn: t.taskArn, intent: state === 'lost' ? 'lost-host' : 'daemon', reason: 'its host is not eligible any more' });
  }
  if (missing.length) {
    if (!mayStart(service.backoff, now, policy.backoff, service.taskDefinition)) notes.push(`crash-loop backoff: next start after ${service.backoff?.nextAttemptAt}`);
    else for (let i = 0; i < missing.length; i += 10) actions.push({ kind: 'startOn', containerInstanceArns: missing.slice(i, i + 10), taskDefinition: service.taskDefinition, reason: 'a daemon task on every eligible instance' });
  }
  return { actions, summary, notes };
}

export const DEFAULT_DISCONNECT_GRACE_MS = 5 * 60_000;
