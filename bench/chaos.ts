/**
 * The chaos soak at full size (issue #9): 10,000 events reach Shepherd's handlers with 20 %
 * duplicated, 20 % reordered, 5 % of ECS calls throttled, 2 % of handler invocations crashing
 * between steps, instances lost and drained, users scaling and deploying through the API, and the
 * scheduled reconciler — invariants checked at every RunTask and every simulated second, then
 * convergence within two reconcile periods once the chaos stops. The CI test
 * (test/integration/chaos.test.ts) runs the same soak smaller. About 10–15 minutes.
 *
 *   const figures = await chaosSoak({ events: 10_000 }); // on a DynamoDB Local of its own
 *
 * Standalone: `node --import tsx bench/chaos.ts [events] [seed]` (starts its own DynamoDB Local).
 */
import { fileURLToPath } from 'node:url';
import { createLocalTable, localDynamoClient, startLocalDynamo } from '../local/dynamodb';
import { createStore } from '../shared/store';
import { runChaosSoak } from '../test/helpers/chaos/soak';
import { describeViolations } from '../test/helpers/chaos/violations';

export interface ChaosFigures {
  events: number;
  duplicated: number;
  reordered: number;
  throttled: number;
  crashes: number;
  /** Invariant violations (maximumPercent, one replacement, desired state, convergence). */
  violations: number;
  /** Tasks started by invocations that died before recording them (the window pending starts cover). */
  unrecordedStarts: number;
  /** Reconciler periods after the chaos until every service converged (null: not within 4). */
  convergedWithinPasses: number | null;
  simulatedMinutes: number;
}

/**
 * The soak on a DynamoDB Local of its own unless given an endpoint: one that earlier measurements
 * filled (the 20,000-task world) answers slowly enough that simulated time flows around waiting
 * handlers, leases lapse and the soak measures a starved table rather than Shepherd.
 */
export async function chaosSoak(opts: { dynamoEndpoint?: string; events?: number; seed?: number; log?: (line: string) => void } = {}): Promise<ChaosFigures> {
  if (opts.dynamoEndpoint) return soakOn(opts.dynamoEndpoint, opts);
  const dynamo = await startLocalDynamo();
  try {
    return await soakOn(dynamo.endpoint, opts);
  } finally {
    await dynamo.stop();
  }
}

async function soakOn(dynamoEndpoint: string, opts: { events?: number; seed?: number; log?: (line: string) => void }): Promise<ChaosFigures> {
  const log = opts.log ?? ((line: string) => console.log(`  chaos: ${line}`));
  const client = localDynamoClient(dynamoEndpoint);
  const tableName = `shepherd-chaos-${Date.now().toString(36)}`;
  await createLocalTable(client, tableName);
  const seed = opts.seed ?? 1;
  const r = await runChaosSoak({
    seed,
    events: opts.events ?? 10_000,
    // The world closes the client when it is done.
    store: { store: createStore({ client, tableName }), client, tableName, endpoint: dynamoEndpoint },
    log,
  });
  if (r.violations.length) log(`seed ${seed}: ${r.violations.length} violations\n${describeViolations(r.violations)}`);
  if (r.actorErrors.length) log(`harness errors: ${r.actorErrors.slice(0, 5).join('; ')}`);
  log(
    `${r.invocations} invocations, ${r.apiWrites} API writes (${r.preconditionFailed} × 412), ${r.drains} drains, ${r.kills} instances lost, ` +
      `${r.rollbacks} rollbacks, ${r.deadLetters} dead letters, handler errors ${JSON.stringify(r.handlerErrors)}, ${Math.round(r.flowedWhileWaitingMs / 1000)} s flowed while handlers waited`,
  );
  return {
    events: r.events,
    duplicated: r.duplicated,
    reordered: r.reordered,
    throttled: r.throttled,
    crashes: r.crashes,
    violations: r.violations.length,
    unrecordedStarts: r.unrecordedStarts,
    convergedWithinPasses: r.convergedWithinPasses,
    simulatedMinutes: r.simulatedMinutes,
  };
}

const isMain = process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1];
if (isMain) {
  const [events, seed] = process.argv.slice(2).map(Number);
  console.table([await chaosSoak({ ...(events ? { events } : {}), ...(seed ? { seed } : {}) })]);
}
