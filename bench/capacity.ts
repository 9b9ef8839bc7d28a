/**
 * Capacity reaction (issue #7): how long from a task that cannot be placed to Shepherd's
 * scale-out call, on the simulator's virtual clock — next to ECS cluster auto scaling, which acts
 * on CapacityProviderReservation, a metric published once a minute, through a CloudWatch alarm
 * (at least one 60 s period before any scale-out call).
 *
 * Scenario: a full cluster (3 × m5.large, six 1-vCPU tasks) with capacity settings; somebody
 * drains an instance for maintenance. Its two tasks need replacements elsewhere; none fits. The
 * clock reads at: the drain call, the first RunTask that answered RESOURCE:*, and the
 * SetDesiredCapacity call; then until every task runs again on the new instance.
 *
 * Standalone: `npx tsx bench/capacity.ts`.
 */
import { RegisterTaskDefinitionCommand, UpdateContainerInstancesStateCommand } from '@aws-sdk/client-ecs';
import { fileURLToPath } from 'node:url';
import { createLocalTable, localDynamoClient, startLocalDynamo } from '../local/dynamodb';
import { createStore } from '../shared/store';
import { makeWorld } from '../test/helpers/world';

export interface CapacityFigures {
  /** Simulated seconds from the task that could not be placed to the scale-out call. */
  scaleOutReactionSeconds: number;
  /** Simulated seconds from the drain to the scale-out call (event delivery included). */
  drainToScaleOutSeconds: number;
  /** Simulated seconds from the drain until every task runs again (the test world boots instances in 1 s). */
  drainToRecoveredSeconds: number;
  /** ECS cluster auto scaling's metric period, for comparison. */
  ecsMetricPeriodSeconds: number;
  scaleOutCalls: number;
}

interface Stamped {
  clientName?: string;
  commandName?: string;
}

export async function capacityReaction(endpoint: string): Promise<CapacityFigures> {
  const client = localDynamoClient(endpoint);
  const tableName = `shepherd-bench-capacity-${Date.now().toString(36)}`;
  await createLocalTable(client, tableName);
  const w = await makeWorld({ instances: 3, store: { store: createStore({ client, tableName }), client, tableName, endpoint } });
  try {
    const at: { firstUnplaced?: number; scaleOut?: number } = {};
    let scaleOutCalls = 0;
    const add = (c: { middlewareStack: { add: (mw: never, opts: never) => void } }, fn: (ctx: Stamped, out: unknown) => void) =>
      (c.middlewareStack.add as unknown as (mw: unknown, opts: unknown) => void).call(
        c.middlewareStack,
        (next: (a: unknown) => Promise<{ output: unknown }>, ctx: Stamped) => async (args: unknown) => {
          const r = await next(args);
          fn(ctx, r.output);
          return r;
        },
        { step: 'initialize', name: 'benchStamp' },
      );
    add(w.ecs, (ctx, out) => {
      const failures = (out as { failures?: Array<{ reason?: string }> }).failures ?? [];
      if (ctx.commandName === 'RunTaskCommand' && failures.some((f) => f.reason?.startsWith('RESOURCE:'))) at.firstUnplaced ??= w.clock.now();
    });
    add(w.deps.autoScaling!, (ctx) => {
      if (ctx.commandName !== 'SetDesiredCapacityCommand') return;
      scaleOutCalls++;
      at.scaleOut ??= w.clock.now();
    });

    await w.ecs.send(new RegisterTaskDefinitionCommand({ family: 'half', containerDefinitions: [{ name: 'app', image: 'app:1', cpu: 1024, memory: 1024, essential: true }] }));
    const c = await w.store.clusters.ensure('prod');
    await w.store.clusters.setCapacity('prod', c.revision, { autoScalingGroupName: 'prod-asg', minSize: 1, maxSize: 10, targetUtilizationPercent: 100 });
    await w.launchService({ name: 'web', taskDefinition: 'half:1', desiredCount: 6 });

    const host = w.sim.ecs.snapshot().instances[0]!.arn;
    const drainedAt = w.clock.now();
    await w.ecs.send(new UpdateContainerInstancesStateCommand({ cluster: 'prod', containerInstances: [host], status: 'DRAINING' }));
    let recoveredAt: number | undefined;
    for (let s = 0; s < 600 && recoveredAt === undefined; s++) {
      await w.settle(1000);
      const running = w.liveTasks('web').filter((t) => t.lastStatus === 'RUNNING' && w.sim.ecs.snapshot().tasks.find((x) => x.arn === t.arn)?.containerInstanceArn !== host);
      if (running.length === 6) recoveredAt = w.clock.now();
    }
    if (at.firstUnplaced === undefined || at.scaleOut === undefined || recoveredAt === undefined) throw new Error(`capacity bench did not scale out: ${JSON.stringify(at)}`);
    return {
      scaleOutReactionSeconds: (at.scaleOut - at.firstUnplaced) / 1000,
      drainToScaleOutSeconds: (at.scaleOut - drainedAt) / 1000,
      drainToRecoveredSeconds: (recoveredAt - drainedAt) / 1000,
      ecsMetricPeriodSeconds: 60,
      scaleOutCalls,
    };
  } finally {
    await w.close();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const dynamo = await startLocalDynamo();
  try {
    console.table([await capacityReaction(dynamo.endpoint)]);
  } finally {
    await dynamo.stop();
  }
}
