/**
 * `npm run bench`: measures Shepherd side by side with the bare calls on the same local endpoints
 * and writes bench/results.json (one shape, run to run). Figures are ratios where times are
 * involved: absolute times on shared machines are noise.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createLocalTable, localDynamoClient, startLocalDynamo } from '../local/dynamodb';
import { capacityReaction } from './capacity';
import { chaosSoak } from './chaos';
import { coldStart } from './coldstart';
import { runConvergence } from './convergence';
import { reaction } from './reaction';
import { ruleFiltering } from './cost';
import { reconcileAtScale } from './reconcile';

const started = Date.now();
const dynamo = await startLocalDynamo();
const client = localDynamoClient(dynamo.endpoint);
try {
  await createLocalTable(client, 'shepherd-bench');
  console.log('measuring reaction (STOPPED event → replacement)…');
  const r = await reaction(client, 'shepherd-bench');
  console.log('measuring rule filtering (simulated cluster events)…');
  const cost = await ruleFiltering();
  console.log('measuring cold start (bundles and import times)…');
  const cs = await coldStart();
  console.log('measuring the reconciler at scale (2,000 services / 20,000 tasks / 1,000 instances; ~2 min)…');
  const rec = await reconcileAtScale({ client });
  console.log('measuring convergence after losing 30% of instances (event-driven vs reconcile-only; simulated time)…');
  const conv = await runConvergence({ dynamoEndpoint: dynamo.endpoint });
  console.log('measuring capacity reaction (unplaceable task → scale-out call; simulated time)…');
  const cap = await capacityReaction(dynamo.endpoint);
  // BENCH_CHAOS_EVENTS=0 skips the soak (it takes most of the bench's time).
  const chaosEvents = Number(process.env.BENCH_CHAOS_EVENTS ?? 10_000);
  console.log(`chaos soak (${chaosEvents} events, on a fresh DynamoDB Local; ~15 min)…`);
  await dynamo.stop(); // its 20,000-task table would slow the soak's handlers (see bench/chaos.ts)
  const chaos = chaosEvents > 0 ? await chaosSoak({ events: chaosEvents }) : undefined;

  const results = {
    generatedAt: new Date().toISOString(),
    node: process.version,
    reaction: {
      awsCallsPerStoppedEvent: r.awsCallsPerStoppedEvent,
      ddbWritesPerEvent: r.ddbWritesPerEvent,
      duplicateEcsCalls: r.duplicateEcsCalls,
      latencyRatio: r.latencyRatio,
    },
    reconcile: {
      services: rec.services,
      tasks: rec.tasks,
      instances: rec.instances,
      awsCalls: rec.awsCalls,
      lowerBound: rec.lowerBound,
      callRatio: rec.callRatio,
      timeRatio: rec.timeRatio,
      peakRssMb: rec.peakRssMb,
    },
    coldStart: cs.map((c) => ({ function: c.function, bundleBytes: c.bundleBytes, sdkOnlyBytes: c.sdkOnlyBytes, importRatio: c.importRatio })),
    cost: { rawEcsEvents: cost.rawEcsEvents, invocations: cost.invocations, invocationShare: cost.invocationShare, ddbWritesPerEvent: r.ddbWritesPerEvent },
    convergence: { eventDrivenSeconds: conv.eventDrivenSeconds, pollOnlySeconds: conv.pollOnlySeconds, ratio: conv.ratio },
    capacity: {
      scaleOutReactionSeconds: cap.scaleOutReactionSeconds,
      drainToScaleOutSeconds: cap.drainToScaleOutSeconds,
      drainToRecoveredSeconds: cap.drainToRecoveredSeconds,
      ecsMetricPeriodSeconds: cap.ecsMetricPeriodSeconds,
    },
    ...(chaos ? { chaos } : {}),
  };
  writeFileSync(join(import.meta.dirname, 'results.json'), JSON.stringify(results, null, 2) + '\n');

  console.log('\nReaction (per ECS Task State Change STOPPED with a replacement due)');
  console.table([
    { figure: 'AWS calls per STOPPED event', value: r.awsCallsPerStoppedEvent },
    { figure: 'DynamoDB writes per event', value: r.ddbWritesPerEvent },
    { figure: 'AWS calls per duplicate delivery', value: r.duplicateAwsCalls },
    { figure: 'DynamoDB writes per duplicate', value: r.duplicateDdbWrites },
    { figure: 'ECS calls per duplicate', value: r.duplicateEcsCalls },
    { figure: 'handler / bare calls (median)', value: `${r.latencyRatio}× (${r.handlerMedianMs} ms / ${r.bareMedianMs} ms)` },
  ]);
  console.log('Cost (rule filtering over a simulated cluster\'s raw ECS events)');
  console.table([{ rawEcsEvents: cost.rawEcsEvents, invocations: cost.invocations, invocationShare: cost.invocationShare, byFunction: JSON.stringify(cost.byFunction) }]);
  console.log('Reconcile at scale (one full pass, store already matching ECS)');
  console.table([{ services: rec.services, tasks: rec.tasks, instances: rec.instances, awsCalls: rec.awsCalls, lowerBound: rec.lowerBound, callRatio: rec.callRatio, timeRatio: rec.timeRatio, peakRssMb: rec.peakRssMb }]);
  console.log('Convergence after losing 30% of instances (simulated seconds until every service is at desired count)');
  console.table([{ eventDrivenSeconds: conv.eventDrivenSeconds, pollOnlySeconds: conv.pollOnlySeconds, ratio: conv.ratio }]);
  console.log('Capacity (simulated seconds; ECS cluster auto scaling acts on a 60 s metric period)');
  console.table([cap]);
  if (chaos) {
    console.log('Chaos soak (20% duplicated, 20% reordered, 5% ECS throttling, 2% crashes, instance loss and drains, API users)');
    console.table([chaos]);
  }
  console.log('Cold start (esbuild bundles as deployed; import time median)');
  console.table(cs);
  console.log(`\nwrote bench/results.json in ${((Date.now() - started) / 1000).toFixed(1)} s`);
} finally {
  client.destroy();
  await dynamo.stop();
}
