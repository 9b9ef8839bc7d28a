/** The planner's specification, as tables and properties. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_BACKOFF_POLICY } from '../../shared/core/backoff';
import type { ObservedInstance } from '../../shared/core/observed';
import { planService, type Action, type PlannedTask, type PlannerPolicy } from '../../shared/core/planner';
import type { Service } from '../../shared/core/service';
import { observedInstance, storedService } from '../helpers/specs';

const NOW = Date.parse('2026-01-01T12:00:00.000Z');
const policy: PlannerPolicy = { backoff: DEFAULT_BACKOFF_POLICY, disconnectGraceMs: 5 * 60_000 };
const TD = 'arn:aws:ecs:us-east-1:1:task-definition/web:1';
const TD2 = 'arn:aws:ecs:us-east-1:1:task-definition/web:2';

const svc = (o: Partial<Service> = {}): Service => storedService(o, { taskDefinition: 'web:1' });
const host = (n: number, o: Partial<ObservedInstance> = {}) =>
  observedInstance({ containerInstanceArn: `ci-${n}`, availabilityZone: `us-east-1${'abc'[n % 3]}`, updatedAt: '2026-01-01T11:59:00.000Z', ...o });
let seq = 0;
const task = (o: Partial<PlannedTask> = {}): PlannedTask => ({
  taskArn: `task-${++seq}`,
  taskDefinitionArn: TD,
  lastStatus: 'RUNNING',
  desiredStatus: 'RUNNING',
  containerInstanceArn: 'ci-0',
  availabilityZone: 'us-east-1a',
  createdAt: `2026-01-01T10:00:${String(seq % 60).padStart(2, '0')}.000Z`,
  ...o,
});
const starts = (a: Action[]) => a.filter((x) => x.kind === 'start').reduce((n, x) => n + (x.kind === 'start' ? x.count : 0), 0);
const stops = (a: Action[], intent?: string) => a.filter((x) => x.kind === 'stop' && (!intent || x.intent === intent));
const hosts3 = [host(0), host(1), host(2)];

describe('replica services', () => {
  it('a converged service needs nothing', () => {
    const p = planService({ service: svc({ desiredCount: 3 }), tasks: [task(), task({ containerInstanceArn: 'ci-1' }), task({ containerInstanceArn: 'ci-2' })], instances: hosts3, now: NOW, policy });
    expect(p.actions).toEqual([]);
  });

  it.each([
    ['starts what is missing', 3, 1, 2],
    ['starts nothing more when pending tasks already make up the count', 3, 3, 0],
    ['starts the whole count for a new service', 5, 0, 5],
  ])('%s', (_n, desired, have, expectedStarts) => {
    const tasks = Array.from({ length: have }, () => task({ lastStatus: 'PENDING' }));
    expect(starts(planService({ service: svc({ desiredCount: desired }), tasks, instances: hosts3, now: NOW, policy }).actions)).toBe(expectedStarts);
  });

  it('scale-in stops the extras from the fullest zone, newest first', () => {
    const tasks = [
      task({ availabilityZone: 'us-east-1a', createdAt: '2026-01-01T10:00:00.000Z' }),
      task({ availabilityZone: 'us-east-1a', createdAt: '2026-01-01T11:00:00.000Z' }),
      task({ availabilityZone: 'us-east-1b', createdAt: '2026-01-01T11:30:00.000Z' }),
    ];
    const p = planService({ service: svc({ desiredCount: 2, deploymentConfiguration: { minimumHealthyPercent: 50, maximumPercent: 200, deploymentCircuitBreaker: { enable: false, rollback: false } } }), tasks, instances: hosts3, now: NOW, policy });
    expect(stops(p.actions, 'scale-in').map((a) => a.kind === 'stop' && a.taskArn)).toEqual([tasks[1]!.taskArn]);
  });

  it('a paused service is left alone; a deleted one is drained to zero', () => {
    const tasks = [task(), task()];
    expect(planService({ service: svc({ desiredCount: 5, paused: true }), tasks, instances: hosts3, now: NOW, policy }).actions).toEqual([]);
    const gone = planService({ service: svc({ desiredCount: 2, status: 'DRAINING', deploymentConfiguration: { minimumHealthyPercent: 0, maximumPercent: 100, deploymentCircuitBreaker: { enable: false, rollback: false } } }), tasks, instances: hosts3, now: NOW, policy });
    expect(stops(gone.actions)).toHaveLength(2);
  });

  it('respects the crash-loop backoff', () => {
    const backoff = { consecutiveFailures: 3, delayMs: 40_000, nextAttemptAt: new Date(NOW + 30_000).toISOString(), lastFailureAt: new Date(NOW - 10_000).toISOString(), taskDefinition: 'web:1' };
    const p = planService({ service: svc({ desiredCount: 2, backoff }), tasks: [], instances: hosts3, now: NOW, policy });
    expect(starts(p.actions)).toBe(0);
    expect(p.notes.join()).toMatch(/backoff/);
  });
});

describe('draining and lost hosts', () => {
  const drainCfg = (min: number, max: number) => ({ minimumHealthyPercent: min, maximumPercent: max, deploymentCircuitBreaker: { enable: false, rollback: false } });
  const instances = [host(0, { status: 'DRAINING' }), host(1), host(2)];
  const onDrain = () => [task({ containerInstanceArn: 'ci-0' }), task({ containerInstanceArn: 'ci-0' }), task({ containerInstanceArn: 'ci-1' }), task({ containerInstanceArn: 'ci-2' })];

  it('maximumPercent 200: replacements start first; the drained tasks stay until they are healthy', () => {
    const tasks = onDrain();
    const p = planService({ service: svc({ desiredCount: 4, deploymentConfiguration: drainCfg(100, 200) }), tasks, instances, now: NOW, policy });
    expect(starts(p.actions)).toBe(2);
    expect(stops(p.actions)).toHaveLength(0);
    // Once the replacements run, the drained ones go.
    const later = [...tasks, task({ containerInstanceArn: 'ci-1' }), task({ containerInstanceArn: 'ci-2' })];
    const q = planService({ service: svc({ desiredCount: 4, deploymentConfiguration: drainCfg(100, 200) }), tasks: later, instances, now: NOW, policy });
    expect(starts(q.actions)).toBe(0);
    expect(stops(q.actions, 'drain')).toHaveLength(2);
  });

  it('maximumPercent 100: stops first, down to minimumHealthyPercent, then starts as room frees', () => {
    const p = planService({ service: svc({ desiredCount: 4, deploymentConfiguration: drainCfg(50, 100) }), tasks: onDrain(), instances, now: NOW, policy });
    expect(starts(p.actions)).toBe(0);
    expect(stops(p.actions, 'drain')).toHaveLength(2);
  });

  it('100/100 cannot move anything, and says so', () => {
    const p = planService({ service: svc({ desiredCount: 4, deploymentConfiguration: drainCfg(100, 100) }), tasks: onDrain(), instances, now: NOW, policy });
    expect(p.actions).toEqual([]);
    expect(p.notes.length).toBeGreaterThan(0);
  });

  it('a disconnect of seconds is normal; beyond the grace period its tasks are replaced', () => {
    const tasks = [task({ containerInstanceArn: 'ci-0' }), task({ containerInstanceArn: 'ci-1' })];
    const brief = [host(0, { agentConnected: false, updatedAt: new Date(NOW - 20_000).toISOString() }), host(1)];
    expect(planService({ service: svc({ desiredCount: 2 }), tasks, instances: brief, now: NOW, policy }).actions).toEqual([]);
    const long = [host(0, { agentConnected: false, updatedAt: new Date(NOW - 10 * 60_000).toISOString() }), host(1)];
    const p = planService({ service: svc({ desiredCount: 2 }), tasks, instances: long, now: NOW, policy });
    expect(starts(p.actions)).toBe(1);
    expect(stops(p.actions, 'lost-host')).toHaveLength(1);
  });
});

describe('rolling deployments', () => {
  it('starts the new revision within maximumPercent and stops the old only above minimumHealthyPercent', () => {
    const tasks = [task(), task(), task(), task()];
    const service = svc({ desiredCount: 4, taskDefinition: 'web:2', deploymentConfiguration: { minimumHealthyPercent: 100, maximumPercent: 150, deploymentCircuitBreaker: { enable: true, rollback: true } } });
    const p = planService({ service, tasks, instances: hosts3, now: NOW, policy });
    expect(starts(p.actions)).toBe(2);
    expect(stops(p.actions)).toHaveLength(0);
    const withNew = [...tasks, task({ taskDefinitionArn: TD2 }), task({ taskDefinitionArn: TD2 })];
    const q = planService({ service, tasks: withNew, instances: hosts3, now: NOW, policy });
    expect(stops(q.actions, 'deployment')).toHaveLength(2);
  });
});

describe('daemon services', () => {
  it('one task per eligible instance: starts where missing, stops duplicates and on ineligible hosts', () => {
    const service = svc({ schedulingStrategy: 'DAEMON', desiredCount: 0 });
    const instances = [host(0), host(1), host(2, { status: 'INACTIVE' })];
    const tasks = [task({ containerInstanceArn: 'ci-0' }), task({ containerInstanceArn: 'ci-0' }), task({ containerInstanceArn: 'ci-2' })];
    const p = planService({ service, tasks, instances, now: NOW, policy });
    expect(p.actions.filter((a) => a.kind === 'startOn')).toEqual([expect.objectContaining({ containerInstanceArns: ['ci-1'] })]);
    expect(stops(p.actions)).toHaveLength(2);
  });
});

describe('properties', () => {
  const arbitraryWorld = fc.record({
    desired: fc.integer({ min: 0, max: 12 }),
    min: fc.integer({ min: 0, max: 100 }),
    max: fc.integer({ min: 100, max: 200 }),
    newRevision: fc.boolean(),
    tasks: fc.array(
      fc.record({
        host: fc.integer({ min: 0, max: 5 }),
        status: fc.constantFrom('PROVISIONING', 'PENDING', 'RUNNING', 'RUNNING', 'STOPPING', 'STOPPED'),
        stopping: fc.boolean(),
        old: fc.boolean(),
        unhealthy: fc.boolean(),
      }),
      { maxLength: 30 },
    ),
    hostStates: fc.array(fc.constantFrom('ACTIVE', 'ACTIVE', 'DRAINING', 'INACTIVE', 'LOST'), { minLength: 6, maxLength: 6 }),
  });

  it('never plans more live tasks than maximumPercent allows, nor on-purpose stops below minimumHealthyPercent', () => {
    fc.assert(
      fc.property(arbitraryWorld, (w) => {
        const instances = w.hostStates.map((s, i) =>
          host(i, s === 'LOST' ? { agentConnected: false, updatedAt: new Date(NOW - 3_600_000).toISOString() } : { status: s }),
        );
        const tasks = w.tasks.map((t) =>
          task({
            containerInstanceArn: `ci-${t.host}`,
            lastStatus: t.status,
            taskDefinitionArn: t.old ? TD : TD2,
            ...(t.unhealthy ? { healthStatus: 'UNHEALTHY' } : {}),
            ...(t.stopping ? { stopIntent: 'scale-in', desiredStatus: 'STOPPED' } : {}),
          }),
        );
        const service = svc({ desiredCount: w.desired, taskDefinition: w.newRevision ? 'web:2' : 'web:1', deploymentConfiguration: { minimumHealthyPercent: w.min, maximumPercent: w.max, deploymentCircuitBreaker: { enable: false, rollback: false } } });
        const p = planService({ service, tasks, instances, now: NOW, policy });
        const maxLive = Math.max(w.desired, Math.floor((w.desired * w.max) / 100));
        // Tasks still stopping count too: they run until ECS reports them STOPPED.
        if (starts(p.actions) > 0) expect(p.summary.occupying + starts(p.actions)).toBeLessThanOrEqual(maxLive);
        const onPurpose = stops(p.actions).filter((a) => a.kind === 'stop' && a.intent !== 'lost-host');
        const healthyStopped = onPurpose.filter((a) => {
          const t = tasks.find((x) => a.kind === 'stop' && x.taskArn === a.taskArn)!;
          return t.lastStatus === 'RUNNING' && t.healthStatus !== 'UNHEALTHY';
        }).length;
        const minHealthy = Math.ceil((w.desired * w.min) / 100);
        if (healthyStopped > 0) expect(p.summary.healthy - healthyStopped).toBeGreaterThanOrEqual(minHealthy);
        // Never stops a task twice, never stops a stopped task.
        const stopped = stops(p.actions).map((a) => a.kind === 'stop' && a.taskArn);
        expect(new Set(stopped).size).toBe(stopped.length);
        for (const arn of stopped) expect(tasks.find((x) => x.taskArn === arn)?.lastStatus).not.toBe('STOPPED');
      }),
      { numRuns: 500 },
    );
  });

  it('a converged replica service is a fixed point: the plan is empty', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 20 }), fc.integer({ min: 0, max: 100 }), fc.integer({ min: 100, max: 200 }), (n, min, max) => {
        const tasks = Array.from({ length: n }, (_, i) => task({ containerInstanceArn: `ci-${i % 3}` }));
        const service = svc({ desiredCount: n, deploymentConfiguration: { minimumHealthyPercent: min, maximumPercent: max, deploymentCircuitBreaker: { enable: false, rollback: false } } });
        expect(planService({ service, tasks, instances: hosts3, now: NOW, policy }).actions).toEqual([]);
      }),
    );
  });
});

describe('a task someone else asked to stop', () => {
  it('still counts until it is STOPPED: the event path replaces it then, so the planner never starts a second one', () => {
    const tasks = [task(), task({ desiredStatus: 'STOPPED' }), task()];
    const p = planService({ service: svc({ desiredCount: 3 }), tasks, instances: hosts3, now: NOW, policy });
    expect(starts(p.actions)).toBe(0);
    const after = planService({ service: svc({ desiredCount: 3 }), tasks: [tasks[0]!, { ...tasks[1]!, lastStatus: 'STOPPED' }, tasks[2]!], instances: hosts3, now: NOW, policy });
    expect(starts(after.actions)).toBe(1);
  });
});

describe('starts announced and not yet recorded (their actor may have died right after RunTask)', () => {
  const max = (maximumPercent: number) => ({ minimumHealthyPercent: 50, maximumPercent, deploymentCircuitBreaker: { enable: false, rollback: false } });

  it('count as started: a service one task short with one announced starts nothing', () => {
    const p = planService({ service: svc({ desiredCount: 3 }), tasks: [task(), task()], instances: hosts3, now: NOW, policy, pendingStarts: [{ count: 1 }] });
    expect(starts(p.actions)).toBe(0);
    expect(p.summary.pendingStarts).toBe(1);
    expect(p.notes.join(' ')).toMatch(/announced/);
  });

  it('hold their place under maximumPercent during a deployment', () => {
    // desired 4 at 150%: 6 places; 4 old tasks + 2 announced leave no room for the new revision.
    const tasks = [task(), task(), task(), task()];
    const service = svc({ desiredCount: 4, taskDefinition: 'web:2', deploymentConfiguration: max(150) });
    expect(starts(planService({ service, tasks, instances: hosts3, now: NOW, policy }).actions)).toBe(2);
    expect(starts(planService({ service, tasks, instances: hosts3, now: NOW, policy, pendingStarts: [{ count: 2 }] }).actions)).toBe(0);
  });

  it('never cause a stop: they may not exist', () => {
    const tasks = [task(), task(), task()];
    const p = planService({ service: svc({ desiredCount: 3 }), tasks, instances: hosts3, now: NOW, policy, pendingStarts: [{ count: 2 }] });
    expect(stops(p.actions)).toEqual([]);
  });

  it('a daemon start announced on a host gets no second task there', () => {
    const service = svc({ schedulingStrategy: 'DAEMON', desiredCount: 0 });
    const p = planService({ service, tasks: [task({ containerInstanceArn: 'ci-0' })], instances: hosts3, now: NOW, policy, pendingStarts: [{ count: 1, instances: ['ci-1'] }] });
    expect(p.actions.filter((a) => a.kind === 'startOn')).toEqual([expect.objectContaining({ containerInstanceArns: ['ci-2'] })]);
  });

  it('property: announced + stored + planned never exceed maximumPercent, and announcements change no stop', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 10 }),
        fc.integer({ min: 100, max: 200 }),
        fc.array(fc.constantFrom('PENDING', 'RUNNING', 'RUNNING', 'STOPPED'), { maxLength: 15 }),
        fc.array(fc.integer({ min: 1, max: 4 }), { maxLength: 3 }),
        (desired, maximumPercent, statuses, announced) => {
          const tasks = statuses.map((s, i) => task({ lastStatus: s, containerInstanceArn: `ci-${i % 3}` }));
          const service = svc({ desiredCount: desired, deploymentConfiguration: max(maximumPercent) });
          const pendingStarts = announced.map((count) => ({ count }));
          const p = planService({ service, tasks, instances: hosts3, now: NOW, policy, pendingStarts });
          const places = Math.max(desired, Math.floor((desired * maximumPercent) / 100));
          const present = statuses.filter((s) => s !== 'STOPPED').length + announced.reduce((a, b) => a + b, 0);
          if (starts(p.actions) > 0) expect(present + starts(p.actions)).toBeLessThanOrEqual(places);
          // Never more than desired counting announcements as tasks.
          expect(statuses.filter((s) => s !== 'STOPPED').length + announced.reduce((a, b) => a + b, 0) + starts(p.actions)).toBeLessThanOrEqual(Math.max(desired, present));
          const without = planService({ service, tasks, instances: hosts3, now: NOW, policy });
          expect(stops(p.actions)).toEqual(stops(without.actions));
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('tasks failing their health checks (ECS reports them UNHEALTHY)', () => {
  const cfg = (min: number, max: number) => ({ minimumHealthyPercent: min, maximumPercent: max, deploymentCircuitBreaker: { enable: false, rollback: false } });
  const healthy = (n: number) => Array.from({ length: n }, (_, i) => task({ containerInstanceArn: `ci-${i % 3}` }));
  const sick = (o: Partial<PlannedTask> = {}) => task({ healthStatus: 'UNHEALTHY', ...o });

  it('starts a replacement first and keeps the failing task until the replacement is healthy', () => {
    const failing = sick();
    const p = planService({ service: svc({ desiredCount: 3, deploymentConfiguration: cfg(100, 200) }), tasks: [...healthy(2), failing], instances: hosts3, now: NOW, policy });
    expect(starts(p.actions)).toBe(1);
    expect(stops(p.actions)).toEqual([]);
    expect(p.notes.join()).toMatch(/1 task\(s\) failing health checks wait/);
  });

  it('stops the failing task once enough healthy tasks run without it, and starts nothing more', () => {
    const failing = sick();
    const p = planService({ service: svc({ desiredCount: 3, deploymentConfiguration: cfg(100, 200) }), tasks: [...healthy(3), failing], instances: hosts3, now: NOW, policy });
    expect(starts(p.actions)).toBe(0);
    expect(stops(p.actions, 'unhealthy').map((a) => a.kind === 'stop' && a.taskArn)).toEqual([failing.taskArn]);
  });

  it('a replacement still starting (RUNNING, not yet healthy) does not release the failing task', () => {
    const p = planService({
      service: svc({ desiredCount: 2, deploymentConfiguration: cfg(100, 200) }),
      tasks: [task(), sick(), task({ lastStatus: 'PENDING' })],
      instances: hosts3,
      now: NOW,
      policy,
    });
    expect(stops(p.actions)).toEqual([]);
    expect(starts(p.actions)).toBe(0);
  });

  it('with no room to start (maximumPercent 100) stops one failing task at a time, the oldest first', () => {
    const old = sick({ startedAt: '2026-01-01T09:00:00.000Z' });
    const newer = sick({ startedAt: '2026-01-01T11:00:00.000Z' });
    const service = svc({ desiredCount: 3, deploymentConfiguration: cfg(50, 100) });
    const p = planService({ service, tasks: [task(), newer, old], instances: hosts3, now: NOW, policy });
    expect(starts(p.actions)).toBe(0);
    expect(stops(p.actions, 'unhealthy').map((a) => a.kind === 'stop' && a.taskArn)).toEqual([old.taskArn]);
    // While that stop is in flight, nothing more is stopped.
    const inFlight = planService({ service, tasks: [task(), newer, { ...old, desiredStatus: 'STOPPED', stopIntent: 'unhealthy' }], instances: hosts3, now: NOW, policy });
    expect(stops(inFlight.actions)).toEqual([]);
  });

  it('a single-task service whose only task fails, with no room, gets it stopped (its replacement follows the stop)', () => {
    const only = sick();
    const p = planService({ service: svc({ desiredCount: 1, deploymentConfiguration: cfg(100, 100) }), tasks: [only], instances: hosts3, now: NOW, policy });
    expect(stops(p.actions, 'unhealthy')).toHaveLength(1);
  });

  it('scale-in and failing tasks together stop no healthy task the service still needs', () => {
    const failing = sick();
    const tasks = [...healthy(3), failing];
    const p = planService({ service: svc({ desiredCount: 2, deploymentConfiguration: cfg(100, 200) }), tasks, instances: hosts3, now: NOW, policy });
    const stopped = new Set(stops(p.actions).map((a) => a.kind === 'stop' && a.taskArn));
    expect(stopped.has(failing.taskArn)).toBe(true);
    expect(tasks.filter((t) => !stopped.has(t.taskArn) && t.healthStatus !== 'UNHEALTHY')).toHaveLength(2);
  });

  it('a replacement that fails too does not release the task it replaces: a healthy one must', () => {
    const [original, replacement] = [sick({ startedAt: '2026-01-01T09:00:00.000Z' }), sick({ startedAt: '2026-01-01T11:50:00.000Z' })];
    const p = planService({ service: svc({ desiredCount: 2, deploymentConfiguration: cfg(100, 200) }), tasks: [task(), original, replacement], instances: hosts3, now: NOW, policy });
    expect(stops(p.actions)).toEqual([]);
    expect(starts(p.actions)).toBe(1);
  });

  it('with every task failing (a shared dependency down), nothing is stopped while there is room to start', () => {
    const p = planService({ service: svc({ desiredCount: 2, deploymentConfiguration: cfg(100, 200) }), tasks: [sick(), sick(), sick()], instances: hosts3, now: NOW, policy });
    expect(stops(p.actions)).toEqual([]);
    expect(starts(p.actions)).toBe(1);
  });

  it('a stop stuck on a lost host does not hold back the one-at-a-time stop', () => {
    const instances = [host(0), host(1), host(2, { agentConnected: false, updatedAt: new Date(NOW - 3_600_000).toISOString() })];
    const onLost = task({ containerInstanceArn: 'ci-2', desiredStatus: 'STOPPED', stopIntent: 'lost-host' });
    const failing = sick();
    const p = planService({ service: svc({ desiredCount: 2, deploymentConfiguration: cfg(50, 100) }), tasks: [task({ containerInstanceArn: 'ci-1' }), failing, onLost], instances, now: NOW, policy });
    expect(stops(p.actions, 'unhealthy').map((a) => a.kind === 'stop' && a.taskArn)).toEqual([failing.taskArn]);
  });

  it('no one-at-a-time stop while the crash-loop backoff forbids the start it would make room for', () => {
    const backoff = { consecutiveFailures: 3, delayMs: 40_000, nextAttemptAt: new Date(NOW + 30_000).toISOString(), lastFailureAt: new Date(NOW - 10_000).toISOString(), taskDefinition: 'web:1' };
    const p = planService({ service: svc({ desiredCount: 1, backoff, deploymentConfiguration: cfg(0, 100) }), tasks: [sick()], instances: hosts3, now: NOW, policy });
    expect(p.actions).toEqual([]);
  });

  it('scaling to zero stops failing tasks as extras (scale-in), not as failures', () => {
    const p = planService({ service: svc({ desiredCount: 0, deploymentConfiguration: cfg(0, 100) }), tasks: [task(), sick()], instances: hosts3, now: NOW, policy });
    expect(stops(p.actions, 'scale-in')).toHaveLength(2);
    expect(stops(p.actions, 'unhealthy')).toEqual([]);
  });

  describe('behind a load balancer', () => {
    const lb = { loadBalancers: [{ targetGroupArn: 'arn:aws:elasticloadbalancing:us-east-1:1:targetgroup/web/1', containerName: 'app', containerPort: 80 }] };
    const ago = (ms: number) => new Date(NOW - ms).toISOString();
    const plan = (t: PlannedTask) =>
      planService({ service: svc({ desiredCount: 2, ...lb, deploymentConfiguration: cfg(100, 200) }), tasks: [task({ targetHealth: 'healthy' }), t], instances: hosts3, now: NOW, policy });

    it('a target never healthy is given the grace period (5 minutes from its start) before it counts as failing', () => {
      expect(starts(plan(task({ targetHealth: 'unhealthy', startedAt: ago(4 * 60_000) })).actions)).toBe(0);
      expect(starts(plan(task({ targetHealth: 'unhealthy', startedAt: ago(6 * 60_000) })).actions)).toBe(1);
    });

    it('the grace ends at the first healthy read: unhealthy after that fails the task at once', () => {
      expect(starts(plan(task({ targetHealth: 'unhealthy', startedAt: ago(60_000), targetHealthyAt: ago(30_000) })).actions)).toBe(1);
    });

    it('a target still in its initial checks is not failing', () => {
      expect(starts(plan(task({ targetHealth: 'initial', startedAt: ago(60 * 60_000) })).actions)).toBe(0);
    });
  });

  it('a failing task of an older revision is left to the deployment (its rules stop unhealthy ones first)', () => {
    const oldSick = sick({ taskDefinitionArn: TD });
    const p = planService({ service: svc({ desiredCount: 1, taskDefinition: 'web:2', deploymentConfiguration: cfg(100, 200) }), tasks: [oldSick], instances: hosts3, now: NOW, policy });
    expect(stops(p.actions, 'unhealthy')).toEqual([]);
    expect(stops(p.actions, 'deployment')).toHaveLength(1);
  });
});
