/**
 * Reconciler at scale: one full pass over 2,000 services / 20 clusters / 20,000 tasks / 1,000
 * instances (sizes are parameters) in the simulator, against the lower bound of what any pass
 * must read — ListTasks pages + DescribeTasks batches needed + store query pages (+ the one
 * cluster listing) — in calls and in wall time (the same bare SDK calls, same concurrency, no
 * logic), and its peak memory.
 *
 * The store is set up as the event path leaves it (every task and instance recorded), so the pass
 * is a converged steady-state pass: what the schedule runs every minute.
 *
 * The passes run in a child process (`node --import tsx bench/reconcile.ts child`), so its peak
 * RSS is the reconciler's (plus tsx), not the simulator's 20,000 tasks; the child talks to the
 * simulator and DynamoDB Local over loopback like a Lambda would to AWS.
 *
 * Standalone: `npx tsx bench/reconcile.ts [services] [clusters] [tasksPerService] [instances]`.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { BatchWriteItemCommand, QueryCommand, type BatchWriteItemCommandOutput, type DynamoDBClient, type WriteRequest } from '@aws-sdk/client-dynamodb';
import {
  CreateClusterCommand,
  DescribeContainerInstancesCommand,
  DescribeTasksCommand,
  ECSClient,
  ListContainerInstancesCommand,
  ListTasksCommand,
  RegisterTaskDefinitionCommand,
  RunTaskCommand,
} from '@aws-sdk/client-ecs';
import { createLocalTable, localDynamoClient, startLocalDynamo } from '../local/dynamodb';
import { startSimulator } from '../local/sim';
import type { VirtualClock } from '../local/sim/clock';
import { DEFAULT_DEPLOYMENT_CONFIGURATION } from '../shared/core/service';
import { chunk, describeTaskBatch, listTaskArns, observedFromInstance, observedFromTask } from '../shared/ecs/observe';
import { reconcileAll } from '../shared/reconcile/pass';
import { mapLimit } from '../shared/reconcile/pool';
import { createStore } from '../shared/store';
import { toItem, toValue } from '../shared/store/codec';
import { observedTaskFields } from '../shared/store/tasks';
import { INDEX, KEY, PREFIX } from '../shared/store/table';
import { median, round } from './stats';

export interface ReconcileBenchOptions {
  /** DynamoDB Local client; a fresh table is created on it. */
  client: DynamoDBClient;
  services?: number;
  clusters?: number;
  tasksPerService?: number;
  instances?: number;
  /** Measured passes (each against a bare run, interleaved); the median is reported. */
  reps?: number;
  log?: (msg: string) => void;
}

export interface ReconcileBenchFigures {
  services: number;
  tasks: number;
  instances: number;
  clusters: number;
  /** AWS calls one pass made (ECS + DynamoDB, logical calls). */
  awsCalls: number;
  awsCallsByAction: Record<string, number>;
  /** ListTasks pages + DescribeTasks batches needed + store query pages + the cluster listing. */
  lowerBound: number;
  callRatio: number;
  /** Pass wall time / the same bare calls' wall time (medians). */
  timeRatio: number;
  passMs: number;
  bareMs: number;
  /** Peak resident memory of the process that ran the passes (Node + tsx + SDK + the pass). */
  peakRssMb: number;
  /** What the pass did (a converged installation: nothing). */
  acted: number;
  started: number;
  stopped: number;
  errors: number;
  setupMs: number;
}

const STAGE = 'bench';
const CLUSTER_CONCURRENCY = 4;

interface ChildInput {
  simEndpoint: string;
  dynamoEndpoint: string;
  tableName: string;
  clusters: string[];
  reps: number;
  now: number;
}

interface ChildOutput {
  awsCalls: number;
  awsCallsByAction: Record<string, number>;
  lowerBound: number;
  passMs: number;
  bareMs: number;
  peakRssMb: number;
  acted: number;
  started: number;
  stopped: number;
  errors: number;
}

export async function reconcileAtScale(opts: ReconcileBenchOptions): Promise<ReconcileBenchFigures> {
  const log = opts.log ?? (() => {});
  const nServices = opts.services ?? 2000;
  const nClusters = opts.clusters ?? 20;
  const perService = opts.tasksPerService ?? 10;
  const nInstances = opts.instances ?? 1000;
  const t0 = Date.now();
  const tableName = `shepherd-bench-reconcile-${Date.now().toString(36)}`;
  await createLocalTable(opts.client, tableName);
  const sim = await startSimulator({ clock: 'virtual', seed: 5 });
  const clock = sim.clock as VirtualClock;
  const ecs = new ECSClient({ endpoint: sim.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' }, maxAttempts: 5 });
  const store = createStore({ client: opts.client, tableName, now: () => new Date(clock.now()) });
  try {
    const clusters = Array.from({ length: nClusters }, (_, i) => `c${String(i).padStart(2, '0')}`);
    await ecs.send(new RegisterTaskDefinitionCommand({ family: 'app', containerDefinitions: [{ name: 'app', image: 'app:1', cpu: 64, memory: 128, essential: true }] }));
    const zones = ['us-east-1a', 'us-east-1b', 'us-east-1c'];
    for (const c of clusters) await ecs.send(new CreateClusterCommand({ clusterName: c }));
    for (let i = 0; i < nInstances; i++) {
      sim.ecs.registerHost({ ec2InstanceId: `i-${i.toString(16).padStart(17, '0')}`, instanceType: 'm5.2xlarge', availabilityZone: zones[i % 3]!, cluster: clusters[i % nClusters]! });
    }
    await clock.advance(1000);

    log(`  setup: ${nServices} services, starting ${nServices * perService} tasks…`);
    const services = Array.from({ length: nServices }, (_, i) => ({ name: `svc-${String(i).padStart(5, '0')}`, cluster: clusters[i % nClusters]! }));
    await mapLimit(services, 16, async (s) => {
      const created = await store.services.create({
        name: s.name, cluster: s.cluster, taskDefinition: 'app:1', desiredCount: perService, schedulingStrategy: 'REPLICA', launchType: 'EC2',
        placementStrategy: [{ type: 'spread', field: 'attribute:ecs.availability-zone' }], placementConstraints: [],
        deploymentConfiguration: DEFAULT_DEPLOYMENT_CONFIGURATION, loadBalancers: [], tags: {}, paused: false,
      });
      for (let left = perService; left > 0; left -= 10) {
        const out = await ecs.send(new RunTaskCommand({ cluster: created.cluster, taskDefinition: 'app:1', count: Math.min(10, left), startedBy: `shepherd/${STAGE}`, group: `shepherd:${s.name}` }));
        if ((out.tasks ?? []).length !== Math.min(10, left)) throw new Error(`setup: placed ${out.tasks?.length} of ${Math.min(10, left)}: ${JSON.stringify(out.failures)}`);
      }
    });
    for (const c of clusters) await store.clusters.ensure(c);
    await clock.advance(15_000); // everything RUNNING

    log(`  setup: tasks started in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    log('  setup: recording tasks and instances in the store (as the event path would have)…');
    const now = new Date(clock.now());
    const writes: WriteRequest[] = [];
    for (const c of clusters) {
      const arns = await listTaskArns(ecs, c, `shepherd/${STAGE}`);
      for (const batch of chunk(arns, 100)) {
        const { tasks } = await describeTaskBatch(ecs, c, batch);
        for (const t of tasks) {
          const o = observedFromTask(t, now)!;
          const { set, setIfAbsent } = observedTaskFields(store.ctx, o);
          writes.push({ PutRequest: { Item: toItem({ ...KEY.task(o.service, o.taskArn), ...setIfAbsent, ...set, version: o.version }) } });
        }
      }
      const ciArns = (await ecs.send(new ListContainerInstancesCommand({ cluster: c, maxResults: 100 }))).containerInstanceArns ?? [];
      for (const batch of chunk(ciArns, 100)) {
        const out = await ecs.send(new DescribeContainerInstancesCommand({ cluster: c, containerInstances: batch }));
        for (const ci of out.containerInstances ?? []) {
          const o = observedFromInstance(ci, c, now)!;
          writes.push({ PutRequest: { Item: toItem({ ...KEY.instance(c, o.containerInstanceArn), entity: 'instance', ...o }) } });
        }
      }
    }
    log(`  setup: ${writes.length} items to write (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
    await mapLimit(chunk(writes, 25), 8, async (batch) => {
      let pending: WriteRequest[] | undefined = batch;
      while (pending?.length) {
        const out: BatchWriteItemCommandOutput = await opts.client.send(new BatchWriteItemCommand({ RequestItems: { [tableName]: pending } }));
        pending = out.UnprocessedItems?.[tableName];
      }
    });
    const setupMs = Date.now() - t0;

    log('  measuring passes (child process)…');
    const dynamoEndpoint = String(await opts.client.config.endpoint?.().then((e) => `${e.protocol}//${e.hostname}${e.port ? `:${e.port}` : ''}`));
    const child = await runChild({ simEndpoint: sim.endpoint, dynamoEndpoint, tableName, clusters, reps: opts.reps ?? 3, now: clock.now() });
    return {
      services: nServices,
      tasks: nServices * perService,
      instances: nInstances,
      clusters: nClusters,
      awsCalls: child.awsCalls,
      awsCallsByAction: child.awsCallsByAction,
      lowerBound: child.lowerBound,
      callRatio: round(child.awsCalls / child.lowerBound),
      timeRatio: round(child.passMs / child.bareMs),
      passMs: round(child.passMs),
      bareMs: round(child.bareMs),
      peakRssMb: child.peakRssMb,
      acted: child.acted,
      started: child.started,
      stopped: child.stopped,
      errors: child.errors,
      setupMs,
    };
  } finally {
    ecs.destroy();
    await sim.close();
  }
}

function runChild(input: ChildInput): Promise<ChildOutput> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), 'child'], {
      env: { ...process.env, RECONCILE_BENCH_INPUT: JSON.stringify(input), POWERTOOLS_LOG_LEVEL: 'ERROR' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    proc.stdout.on('data', (d: Buffer) => (out += d.toString()));
    proc.on('error', reject);
    proc.on('exit', (code) => {
      const line = out.trim().split('\n').filter((l) => l.startsWith('{')).at(-1);
      if (code !== 0 || !line) reject(new Error(`reconcile bench child exited ${code}: ${out.slice(-2000)}`));
      else resolve(JSON.parse(line) as ChildOutput);
    });
  });
}

/** The child: bare calls and passes, interleaved, against the parent's simulator and DynamoDB Local. */
async function child(): Promise<void> {
  const input = JSON.parse(process.env.RECONCILE_BENCH_INPUT ?? '{}') as ChildInput;
  const ecs = new ECSClient({ endpoint: input.simEndpoint, region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' }, retryMode: 'adaptive', maxAttempts: 5 });
  const dynamo = localDynamoClient(input.dynamoEndpoint);
  const store = createStore({ client: dynamo, tableName: input.tableName, now: () => new Date(input.now) });
  const deps = {
    store,
    ecs,
    now: () => new Date(input.now),
    config: { tableName: input.tableName, eventBusName: 'b', stage: STAGE, taskTtlSeconds: 86400, eventTtlSeconds: 86400 * 30 },
  };
  const startedBy = `shepherd/${STAGE}`;

  /** What any pass must read, as bare SDK calls with the same concurrency; returns the calls made. */
  const bare = async (): Promise<number> => {
    let calls = 0;
    const pages = async (input: ConstructorParameters<typeof QueryCommand>[0]) => {
      const items: Array<Record<string, unknown>> = [];
      let start: Record<string, unknown> | undefined;
      do {
        calls++;
        const out = await dynamo.send(new QueryCommand({ ...input, ...(start ? { ExclusiveStartKey: start as never } : {}) }));
        items.push(...((out.Items ?? []) as never[]));
        start = out.LastEvaluatedKey;
      } while (start);
      return items;
    };
    await pages({ TableName: input.tableName, IndexName: INDEX.byKind, KeyConditionExpression: 'gsi2pk = :p', ExpressionAttributeValues: { ':p': toValue('CLUSTER') } });
    await mapLimit(input.clusters, CLUSTER_CONCURRENCY, async (c) => {
      const [listed, byCluster] = await Promise.all([
        (async () => {
          const arns: string[] = [];
          let nextToken: string | undefined;
          do {
            calls++;
            const out = await ecs.send(new ListTasksCommand({ cluster: c, startedBy, desiredStatus: 'RUNNING', maxResults: 100, ...(nextToken ? { nextToken } : {}) }));
            arns.push(...(out.taskArns ?? []));
            nextToken = out.nextToken;
          } while (nextToken);
          return arns;
        })(),
        pages({
          TableName: input.tableName,
          IndexName: INDEX.byCluster,
          KeyConditionExpression: 'gsi1pk = :p',
          FilterExpression: 'attribute_not_exists(lastStatus) OR lastStatus <> :stopped',
          ExpressionAttributeValues: { ':p': toValue(KEY.clusterPk(c)), ':stopped': toValue('STOPPED') },
        }),
        pages({
          TableName: input.tableName,
          KeyConditionExpression: 'pk = :p AND begins_with(sk, :s)',
          ExpressionAttributeValues: { ':p': toValue(KEY.clusterPk(c)), ':s': toValue(PREFIX.instance) },
          ConsistentRead: true,
        }),
      ]);
      // The describes any pass needs: what ECS lists that the store does not hold live, and the reverse.
      const live = new Set(byCluster.map((i) => (i as { gsi1sk?: { S?: string } }).gsi1sk?.S ?? '').filter((k) => k.startsWith(PREFIX.task)).map((k) => k.slice(PREFIX.task.length)));
      const listedSet = new Set(listed);
      const needed = [...listed.filter((a) => !live.has(a)), ...[...live].filter((a) => !listedSet.has(a))];
      for (const batch of chunk(needed, 100)) {
        calls++;
        await ecs.send(new DescribeTasksCommand({ cluster: c, tasks: batch }));
      }
    });
    return calls;
  };
  const timed = async <T>(fn: () => Promise<T>): Promise<[T, number]> => {
    const t = process.hrtime.bigint();
    const r = await fn();
    return [r, Number(process.hrtime.bigint() - t) / 1e6];
  };

  // Warm up both paths (connections, JIT), then interleave.
  await bare();
  await reconcileAll(deps, { clusterConcurrency: CLUSTER_CONCURRENCY });
  const passTimes: number[] = [];
  const bareTimes: number[] = [];
  let lowerBound = 0;
  let first: Awaited<ReturnType<typeof reconcileAll>> | undefined;
  for (let i = 0; i < input.reps; i++) {
    const [calls, bt] = await timed(bare);
    lowerBound = calls;
    bareTimes.push(bt);
    const [summary, pt] = await timed(() => reconcileAll(deps, { clusterConcurrency: CLUSTER_CONCURRENCY }));
    first ??= summary;
    passTimes.push(pt);
  }
  const out: ChildOutput = {
    awsCalls: first!.totalCalls,
    awsCallsByAction: first!.calls,
    lowerBound,
    passMs: median(passTimes),
    bareMs: median(bareTimes),
    peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
    acted: first!.acted,
    started: first!.started,
    stopped: first!.stopped,
    errors: first!.errors,
  };
  process.stdout.write(JSON.stringify(out) + '\n');
  ecs.destroy();
  dynamo.destroy();
}

const isMain = process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1];
if (isMain && process.argv[2] === 'child') {
  await child();
} else if (isMain) {
  const [services, clusters, tasksPerService, instances] = process.argv.slice(2).map(Number);
  const dynamo = await startLocalDynamo();
  const client = localDynamoClient(dynamo.endpoint);
  try {
    const t = Date.now();
    const figures = await reconcileAtScale({
      client,
      ...(services ? { services } : {}),
      ...(clusters ? { clusters } : {}),
      ...(tasksPerService ? { tasksPerService } : {}),
      ...(instances ? { instances } : {}),
      log: (m) => console.log(m),
    });
    console.table(figures);
    console.log(`done in ${((Date.now() - t) / 1000).toFixed(1)} s`);
  } finally {
    client.destroy();
    await dynamo.stop();
  }
}
