/**
 * Convergence (issue #9): 30% of a cluster's instances die at once; how many simulated seconds
 * until every service is back at its desired count of RUNNING tasks —
 *   event-driven: Shepherd as deployed, its event handlers subscribed and the reconciler every minute;
 *   poll-only:    the reconciler alone, on the same one-minute schedule (the handlers do nothing).
 * Both runs build the same world (same seed, services, placement) and are identical until the
 * kill, when the poll-only run's handlers go deaf. Auto Scaling replaces the dead instances in
 * both (30 s health check, then a 1 s warm-up) and the cluster cannot hold every task until it has.
 *
 * How long the poll-only run waits depends on where in the reconciler's minute the kill falls, so
 * each mode runs with the kill at several phases of that minute and reports the mean.
 * `ratio` = eventDrivenSeconds / pollOnlySeconds (below 1: the event path is faster).
 *
 * Standalone: `npx tsx bench/convergence.ts`.
 */
import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { createLocalTable, localDynamoClient, startLocalDynamo } from '../local/dynamodb';
import { reconcileAll } from '../shared/reconcile/pass';
import { createStore } from '../shared/store';
import { makeWorld, type World } from '../test/helpers/world';
import { round } from './stats';

export interface ConvergenceFigures {
  eventDrivenSeconds: number;
  pollOnlySeconds: number;
  ratio: number;
}

export type ConvergenceMode = 'event-driven' | 'poll-only';

export interface ConvergenceRun {
  mode: ConvergenceMode;
  /** Seconds between the last reconciler pass and the kill. */
  phaseSeconds: number;
  /** Simulated seconds from the kill until every service ran its desired count. */
  seconds: number;
  /** Reconciler passes from the kill until then. */
  passes: number;
  /** Tasks the dead instances were running. */
  tasksLost: number;
  /** Where every live task ran at the kill (a digest): both modes must start from the same layout. */
  layout: string;
}

export interface ConvergenceOptions {
  /** DynamoDB Local to use (default: one started for the run). */
  dynamoEndpoint?: string;
  /** Where in the reconciler's minute the kill falls (seconds after a pass). */
  phasesSeconds?: number[];
  log?: (msg: string) => void;
}

/**
 * Seven services, 60 tasks of 256 CPU / 512 MiB on ten m5.large (80 slots): 75% full before the
 * loss. (At most 10 each: the world launches a service with one RunTask.)
 */
const SERVICES: Array<{ name: string; desiredCount: number; taskDefinition: string; binpack?: boolean }> = [
  { name: 'web', desiredCount: 10, taskDefinition: 'web:1' },
  { name: 'api', desiredCount: 10, taskDefinition: 'api:1' },
  { name: 'jobs', desiredCount: 10, taskDefinition: 'api:1', binpack: true },
  { name: 'auth', desiredCount: 8, taskDefinition: 'web:1' },
  { name: 'cache', desiredCount: 8, taskDefinition: 'api:1', binpack: true },
  { name: 'search', desiredCount: 8, taskDefinition: 'web:1' },
  { name: 'mail', desiredCount: 6, taskDefinition: 'api:1' },
];
const INSTANCES = 10;
const LOST_SHARE = 0.3;
const SEED = 23;
const RECONCILE_EVERY_MS = 60_000;
const STEP_MS = 1000;
const GIVE_UP_MS = 20 * 60_000;
const DEFAULT_PHASES_SECONDS = [0, 15, 30, 45];

const runningCount = (w: World, service: string) => w.liveTasks(service).filter((t) => t.lastStatus === 'RUNNING').length;
const converged = (w: World) => SERVICES.every((s) => runningCount(w, s.name) === s.desiredCount);

async function freshTable(endpoint: string, label: string) {
  const client = localDynamoClient(endpoint);
  const tableName = `shepherd-bench-convergence-${label}-${Date.now().toString(36)}`;
  await createLocalTable(client, tableName);
  return { store: createStore({ client, tableName }), client, tableName, endpoint };
}

/** One run: build the world, reach a steady state, kill 30% of the instances, step until converged. */
export async function convergenceRun(endpoint: string, mode: ConvergenceMode, phaseSeconds: number): Promise<ConvergenceRun> {
  let handlersOn = true;
  const w = await makeWorld({
    instances: INSTANCES,
    seed: SEED,
    store: await freshTable(endpoint, `${mode}-${phaseSeconds}`),
    wrapHandler: (_fn, handler) => async (e) => {
      if (handlersOn) await handler(e);
    },
  });
  try {
    await w.settle(10_000); // every instance registered
    for (const s of SERVICES) {
      await w.launchService({
        name: s.name,
        desiredCount: s.desiredCount,
        taskDefinition: s.taskDefinition,
        ...(s.binpack ? { placementStrategy: [{ type: 'binpack', field: 'memory' }] } : {}),
      });
    }
    if (!converged(w)) throw new Error('convergence bench: the world did not start at its desired counts');

    // The schedule: a pass now, then every minute; the kill falls `phaseSeconds` after this pass.
    const pass = async () => {
      const summary = await reconcileAll(w.deps);
      if (summary.errors > 0) throw new Error(`convergence bench: reconcile pass errors: ${JSON.stringify(summary.clusters.flatMap((c) => c.errors))}`);
    };
    await pass();
    const scheduleStart = w.clock.now();
    await w.settle(phaseSeconds * 1000);

    const victims = w.sim.autoscaling
      .instances('prod-asg')
      .filter((i) => i.containerInstanceArn)
      .slice(0, Math.round(INSTANCES * LOST_SHARE));
    const victimArns = new Set(victims.map((v) => v.containerInstanceArn));
    const live = w.sim.ecs.snapshot().tasks.filter((t) => t.lastStatus !== 'STOPPED');
    const tasksLost = live.filter((t) => victimArns.has(t.containerInstanceArn)).length;
    const layout = createHash('sha256')
      .update(live.map((t) => `${t.containerInstanceArn} ${t.arn}`).sort().join('\n'))
      .digest('hex')
      .slice(0, 16);
    if (mode === 'poll-only') handlersOn = false;
    const killedAt = w.clock.now();
    for (const v of victims) w.sim.autoscaling.killInstance(v.instanceId);

    let passes = 0;
    let nextPassAt = scheduleStart + RECONCILE_EVERY_MS;
    while (!converged(w)) {
      if (w.clock.now() - killedAt > GIVE_UP_MS) {
        const gaps = SERVICES.map((s) => `${s.name} ${runningCount(w, s.name)}/${s.desiredCount}`).join(', ');
        throw new Error(`convergence bench (${mode}): not converged ${GIVE_UP_MS / 60_000} minutes after the kill: ${gaps}`);
      }
      await w.settle(STEP_MS);
      // Draining deliveries may move the clock past a due pass: run it as soon as it is due.
      if (w.clock.now() >= nextPassAt) {
        await pass();
        passes++;
        nextPassAt += RECONCILE_EVERY_MS;
      }
    }
    return { mode, phaseSeconds, seconds: (w.clock.now() - killedAt) / 1000, passes, tasksLost, layout };
  } finally {
    await w.close();
  }
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

/** Both modes at every phase; the figures are the means over the phases. */
export async function runConvergence(opts: ConvergenceOptions = {}): Promise<ConvergenceFigures & { runs: ConvergenceRun[] }> {
  const log = opts.log ?? (() => {});
  const own = opts.dynamoEndpoint ? undefined : await startLocalDynamo();
  const endpoint = opts.dynamoEndpoint ?? own!.endpoint;
  try {
    const runs: ConvergenceRun[] = [];
    for (const phase of opts.phasesSeconds ?? DEFAULT_PHASES_SECONDS) {
      const pair: ConvergenceRun[] = [];
      for (const mode of ['event-driven', 'poll-only'] as const) {
        const run = await convergenceRun(endpoint, mode, phase);
        log(`  ${mode}, kill ${phase} s after a pass: ${run.tasksLost} tasks lost, converged in ${run.seconds} s (${run.passes} passes)`);
        pair.push(run);
      }
      if (pair[0]!.layout !== pair[1]!.layout) throw new Error(`convergence bench: the two modes did not start from the same layout (phase ${phase} s)`);
      runs.push(...pair);
    }
    const eventDrivenSeconds = round(mean(runs.filter((r) => r.mode === 'event-driven').map((r) => r.seconds)), 1);
    const pollOnlySeconds = round(mean(runs.filter((r) => r.mode === 'poll-only').map((r) => r.seconds)), 1);
    return { eventDrivenSeconds, pollOnlySeconds, ratio: round(eventDrivenSeconds / pollOnlySeconds), runs };
  } finally {
    await own?.stop();
  }
}

const isMain = process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1];
if (isMain) {
  const t0 = Date.now();
  const figures = await runConvergence({ log: (m) => console.log(m) });
  console.table(figures.runs);
  console.log(JSON.stringify({ eventDrivenSeconds: figures.eventDrivenSeconds, pollOnlySeconds: figures.pollOnlySeconds, ratio: figures.ratio }));
  console.log(`done in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
}
