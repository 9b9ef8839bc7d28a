/**
 * The chaos soak (issue #9), one function for the CI test and the bench. A world (simulator on a
 * virtual clock, DynamoDB Local, Shepherd's handlers subscribed as serverless.yml subscribes them)
 * runs under duplicated and reordered deliveries, ECS throttling, handler crashes between steps,
 * instance loss and drains, users scaling and deploying through the HTTP API, and the scheduled
 * reconciler, until `events` distinct events have reached the handlers. Invariants are checked at
 * every RunTask and after every one-second step; then the chaos stops and reconciler passes run
 * on their one-minute period until every service has converged.
 *
 * Seeded: the scenario (what fails, when, which user does what) and the simulator draw from the
 * seed. Handlers run concurrently on real I/O, so the order in which concurrent calls reach the
 * simulator — and with it task ids and placements — can differ between runs of one seed.
 */
import { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import { ECSClient } from '@aws-sdk/client-ecs';
import { seededRandom, type Random } from '../../../local/sim/random';
import type { EventEnvelope } from '../../../local/sim/types';
import { createApiHandler } from '../../../shared/api/handler';
import { reconcileCluster } from '../../../shared/reconcile/cluster';
import { answer, type ApiRequest } from '../api';
import type { TestStore } from '../store';
import { makeWorld, STAGE, type World } from '../world';
import { CapacityMonitor } from './capacity';
import { convergenceGaps, type Gap } from './convergence';
import { CrashInjector } from './crashes';
import { DeliveryLedger } from './deliveries';
import { DesiredStateMonitor } from './desiredState';
import type { SdkClient } from './middleware';
import { Invocations } from './invocations';
import { Operator } from './operator';
import { ReplacementMonitor } from './replacements';
import { CLUSTER, FAULTS, FIRST_DRAIN_STEP, FIRST_KILL_STEP, GROUP, INSTANCE_TYPE, INSTANCES, PER_STEP, RECONCILE_PERIOD_MS, REVISIONS, SERVICES, STEP_MS, TASK_CRASH } from './scenario';
import { createServices, maximumPercents } from './setup';
import { stallReport } from './stallReport';
import { Stepper } from './stepper';
import { ThrottleCounter } from './throttles';
import { Trace } from './trace';
import { ApiUsers } from './users';
import { Violations, type Violation } from './violations';

/** Simulated time without a new event after which the soak counts as stalled. */
const QUIET_LIMIT_MS = 20 * 60_000;

export interface ChaosOptions {
  seed: number;
  /** Distinct events handed to Shepherd's handlers before the chaos stops. */
  events: number;
  /** A table of your own (outside Vitest); default: a fresh one on the test run's DynamoDB Local. */
  store?: TestStore;
  /** Reconciler passes after the chaos before giving up on convergence (default 4; the soak wants ≤ 2). */
  maxPasses?: number;
  /** Progress lines. */
  log?: (line: string) => void;
}

export interface ChaosReport {
  seed: number;
  events: number;
  /** Events handed to a handler as more than one copy. */
  duplicated: number;
  /** Events first handed over after an event emitted later. */
  reordered: number;
  /** ThrottlingException answers (each retried by the SDK). */
  throttled: number;
  /** Handler invocations that died between steps (each event then redelivered). */
  crashes: number;
  /** Tasks started by invocations that died right after RunTask / StartTask, before recording them. */
  unrecordedStarts: number;
  violations: Violation[];
  /** Reconciler periods after the chaos until every service converged; null: not within maxPasses. */
  convergedWithinPasses: number | null;
  /** Simulated time from the start of the chaos to the end of the last period. */
  simulatedMinutes: number;
  invocations: number;
  apiWrites: number;
  preconditionFailed: number;
  drains: number;
  kills: number;
  rollbacks: number;
  /** Handler failures that were not injected crashes, by message (each retried by Lambda). */
  handlerErrors: Record<string, number>;
  /** Events whose every attempt failed. */
  deadLetters: number;
  /** Reconciler passes' errors, chaos phase and after. */
  passErrors: { chaos: string[]; after: string[] };
  /** Failures of the harness's own actors (users, operator): the API or ECS answered something unexpected. */
  actorErrors: string[];
  /** What was still wrong after the last pass (empty when converged). */
  gaps: Gap[];
  checks: { capacity: number; desiredState: number };
  /** Simulated time that passed while handlers ran long in real time (see stepper.ts). */
  flowedWhileWaitingMs: number;
}

export async function runChaosSoak(opts: ChaosOptions): Promise<ChaosReport> {
  const log = opts.log ?? (() => undefined);
  const random = seededRandom(opts.seed);
  // The ledger reads the bus's history, which exists once the world does.
  let history: () => EventEnvelope[] = () => [];
  let clockNow = () => 0;
  const ledger = new DeliveryLedger(() => history());
  const crashes = new CrashInjector(seededRandom(opts.seed + 1000), FAULTS.crashRate);
  crashes.enabled = false;
  const trace = new Trace(() => clockNow());
  const invocations = new Invocations([ledger, crashes, trace]);
  const w = await makeWorld({
    seed: opts.seed,
    instances: INSTANCES,
    instanceType: INSTANCE_TYPE,
    ...(opts.store ? { store: opts.store } : {}),
    wrapHandler: (fn, handler) => invocations.wrap(fn, handler),
  });
  history = () => w.sim.events.history();
  clockNow = () => w.clock.now();
  const clients = sideClients(w);
  try {
    return await soak(w, opts, { random, ledger, crashes, invocations, trace, clients, log });
  } finally {
    clients.ecs.destroy();
    clients.autoScaling.destroy();
    await w.close();
  }
}

interface Parts {
  random: Random;
  ledger: DeliveryLedger;
  crashes: CrashInjector;
  invocations: Invocations;
  trace: Trace;
  clients: { ecs: ECSClient; autoScaling: AutoScalingClient };
  log: (line: string) => void;
}

const isSdkClient = (x: unknown): x is SdkClient => typeof x === 'object' && x !== null && 'middlewareStack' in x;

/** Clients for the API and the operator, configured as production's (adaptive retry). */
function sideClients(w: World) {
  const common = { endpoint: w.sim.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' }, retryMode: 'adaptive', maxAttempts: 6 };
  return { ecs: new ECSClient(common), autoScaling: new AutoScalingClient(common) };
}

async function soak(w: World, opts: ChaosOptions, p: Parts): Promise<ChaosReport> {
  const { random, ledger, crashes, invocations, trace, clients, log } = p;
  const clock = w.clock;
  const names = SERVICES.map((s) => s.name);
  const violations = new Violations(() => clock.now());
  const capacity = new CapacityMonitor(w.sim, maximumPercents(), violations, trace);
  const replacements = new ReplacementMonitor(violations);
  const desired = new DesiredStateMonitor(violations);
  const throttles = new ThrottleCounter();
  // Every client the handlers call AWS with (the store's DynamoDB client and those in their deps).
  for (const c of new Set([w.client, ...Object.values(w.deps).filter(isSdkClient)])) crashes.attach(c);
  capacity.attach(w.ecs);
  crashes.now = () => clock.now();
  capacity.orphanStarts = crashes.orphanStarts;
  replacements.attach(w.ecs);
  trace.attach(w.ecs, w.sim);
  desired.attach(w.client);
  for (const c of [w.ecs, clients.ecs]) throttles.attach(c);

  const handler = createApiHandler({ store: w.store, ecs: clients.ecs, autoScaling: clients.autoScaling, now: () => new Date(clock.now()), stage: STAGE });
  const call = (req: ApiRequest) => answer(handler, req);
  const users = new ApiUsers(call, capacity, desired, REVISIONS, (service, text) => trace.note(service, text));
  const operator = new Operator(w.sim, clients.ecs, CLUSTER, GROUP);

  const stepper = new Stepper(clock, invocations);
  const passErrors = { chaos: [] as string[], after: [] as string[] };
  const pass = async (into: string[]) => {
    const s = await reconcileCluster(w.deps, CLUSTER);
    into.push(...s.errors.map((e) => `${e.service ?? CLUSTER} ${e.step}: ${e.error}`));
  };
  const checkStep = async (everything: boolean) => {
    capacity.checkAll();
    await desired.checkWritten(w.store, names, everything);
  };

  await createServices(w, call, desired, capacity);
  await pass(passErrors.chaos);
  await stepper.run(30_000, STEP_MS, async () => undefined);

  // The chaos.
  const chaosStart = clock.now();
  for (const family of ['web', 'api']) w.sim.ecs.setFailureModel(family, TASK_CRASH);
  w.sim.events.setDeliveryFaults({ duplicateRate: FAULTS.duplicateRate, reorderRate: FAULTS.reorderRate, maxDelayMs: FAULTS.maxDelayMs });
  w.sim.faults.set('ecs', { throttleRate: FAULTS.throttleRate });
  crashes.enabled = true;
  ledger.reset();
  const actorErrors: string[] = [];
  const background: Array<Promise<unknown>> = [];
  const spawn = (what: string, work: Promise<unknown>) => background.push(work.catch((err: unknown) => actorErrors.push(`${new Date(clock.now()).toISOString()} ${what}: ${String(err)}`)));
  let step = 0;
  let nextPass = clock.now() + RECONCILE_PERIOD_MS;
  let nextLog = 500;
  const stallLimitMs = Math.max(30, opts.events / 10) * 60_000;
  let [eventsSeen, lastEventAt] = [0, clock.now()];
  while (ledger.events < opts.events) {
    step++;
    capacity.step = step;
    // Every draw happens here, in order, whatever the outcome: the same seed gives the same scenario.
    const [u, second, kind, svcDraw, valueDraw, value2Draw, drainDraw, drainPick, drainFor, killDraw, killPick] = Array.from({ length: 11 }, () => random());
    const now = clock.now();
    await operator.reactivate(now);
    if (u! < PER_STEP.userAction) {
      const svc = SERVICES[Math.floor(svcDraw! * SERVICES.length)]!;
      const act = (k: number, v: number) => (k < PER_STEP.deployShare ? users.deploy(svc, v) : users.scale(svc, v));
      spawn(`user on ${svc.name}`, act(kind!, valueDraw!));
      if (second! < PER_STEP.secondUser) spawn(`second user on ${svc.name}`, act(1 - kind!, value2Draw!));
    }
    const everywhere = (text: string) => names.forEach((n) => trace.note(n, text));
    // At least one drain and one instance loss early on, then at random.
    if (drainDraw! < PER_STEP.drain || step === FIRST_DRAIN_STEP) spawn('drain', operator.drain(drainPick!, now + 120_000 + Math.floor(drainFor! * 180_000)).then((arn) => arn && everywhere(`instance ${arn.slice(-8)} draining`)));
    if (killDraw! < PER_STEP.kill || step === FIRST_KILL_STEP) {
      const arn = operator.kill(killPick!);
      if (arn) everywhere(`instance ${arn.slice(-8)} killed`);
    }
    if (now >= nextPass) {
      // The schedule's next tick (one pass even if simulated time flowed past several ticks).
      while (nextPass <= now) nextPass += RECONCILE_PERIOD_MS;
      spawn('reconciler pass', pass(passErrors.chaos));
    }
    await stepper.step(STEP_MS);
    await Promise.all(background.splice(0));
    trace.outcomes(w.outcomes.splice(0), w.sim);
    ledger.catchUp();
    await checkStep(step % 60 === 0);
    if (step % 60 === 0) await replacements.checkStore(w.store, names);
    if (ledger.events >= nextLog) {
      log(`${ledger.events} events, ${((clock.now() - chaosStart) / 60_000).toFixed(1)} simulated min, ${violations.list.length} violations`);
      nextLog += 500;
    }
    if (ledger.events > eventsSeen) [eventsSeen, lastEventAt] = [ledger.events, clock.now()];
    if (clock.now() - chaosStart > stallLimitMs || clock.now() - lastEventAt > QUIET_LIMIT_MS) {
      const report = await stallReport(w.sim, w.store, names, clock.now(), passErrors.chaos);
      throw new Error(`chaos soak stalled: ${ledger.events} of ${opts.events} events after ${((clock.now() - chaosStart) / 60_000).toFixed(1)} simulated minutes, the last ${((clock.now() - lastEventAt) / 60_000).toFixed(1)} without a new event (seed ${opts.seed})\n${report}`);
    }
  }

  // The chaos stops: faults off, the apps stop crashing, drains end. Passes on their period.
  crashes.enabled = false;
  w.sim.faults.clear('ecs');
  w.sim.events.setDeliveryFaults({ duplicateRate: 0, reorderRate: 0 });
  for (const family of ['web', 'api']) w.sim.ecs.setFailureModel(family, { kind: 'healthy' });
  await operator.reactivate(clock.now(), true);
  let convergedWithinPasses: number | null = null;
  let gaps: Gap[] = [];
  for (let k = 1; k <= (opts.maxPasses ?? 4); k++) {
    const started = clock.now();
    await pass(passErrors.after);
    await checkStep(true);
    await stepper.run(RECONCILE_PERIOD_MS - (clock.now() - started), STEP_MS, () => checkStep(false));
    gaps = await convergenceGaps(w.sim, w.store, names);
    if (gaps.length === 0) {
      convergedWithinPasses = k;
      break;
    }
  }
  await replacements.checkStore(w.store, names);
  await desired.checkWritten(w.store, names, true);
  ledger.catchUp();
  for (const g of gaps) violations.add({ invariant: 'convergence', service: g.service, tasks: g.tasks, message: g.problem });

  const deadLettered = new Set(w.sim.events.deadLetters().map((d) => d.event.id));
  return {
    seed: opts.seed,
    events: ledger.events,
    duplicated: ledger.duplicated(deadLettered),
    reordered: ledger.reordered,
    throttled: throttles.count,
    crashes: crashes.crashes,
    unrecordedStarts: crashes.orphanStarts.size,
    violations: violations.list,
    convergedWithinPasses,
    simulatedMinutes: Math.round((clock.now() - chaosStart) / 600) / 100,
    invocations: ledger.invocations,
    apiWrites: users.acknowledged,
    preconditionFailed: users.preconditionFailed,
    drains: operator.drains,
    kills: operator.kills,
    rollbacks: desired.rollbacks,
    handlerErrors: Object.fromEntries(ledger.errors),
    deadLetters: deadLettered.size,
    passErrors,
    actorErrors,
    gaps,
    checks: { capacity: capacity.checks, desiredState: desired.checks },
    flowedWhileWaitingMs: stepper.flowedMs,
  };
}
