/**
 * A whole small world for reaction tests: the simulator on a virtual clock, a DynamoDB Local
 * table, and Shepherd's task handler subscribed to the simulator's bus with the rule pattern from
 * serverless.yml — events reach the handler exactly as EventBridge would deliver them.
 */
import { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { CreateClusterCommand, ECSClient, RegisterTaskDefinitionCommand, type ContainerDefinition } from '@aws-sdk/client-ecs';
import { recordInstanceEvent, type InstanceOutcome } from '../../shared/handlers/instanceEvents';
import { recordTaskEvent, type TaskEventDeps, type TaskOutcome } from '../../shared/handlers/taskEvents';
import type { ServiceSpec } from '../../shared/core/service';
import { runServiceTasks } from '../../shared/ecs/runTask';
import { readStack } from '../../local/stack';
import { startSimulator, type Simulator } from '../../local/sim';
import type { VirtualClock } from '../../local/sim/clock';
import type { EventEnvelope } from '../../local/sim/types';
import { makeTestStore, type TestStore } from './store';
import { serviceSpec } from './specs';

export const STAGE = 'test';

export interface World extends TestStore {
  sim: Simulator;
  clock: VirtualClock;
  ecs: ECSClient;
  deps: TaskEventDeps;
  outcomes: TaskOutcome[];
  instanceOutcomes: InstanceOutcome[];
  /** Called after every 1 s step of settle(): for invariants checked continuously. */
  onStep?: () => void;
  /** Advances simulated time, delivering every event due, and waits for the handlers. */
  settle(ms?: number): Promise<void>;
  /** Live (not STOPPED) tasks of a service in the simulator: the ground truth. */
  liveTasks(service: string): Array<{ arn: string; lastStatus: string; group?: string; taskDefinitionArn: string }>;
  /** Creates the service in the store and starts its initial tasks through Shepherd's adapter. */
  launchService(spec: Partial<ServiceSpec>): Promise<void>;
  close(): Promise<void>;
}

/** An event handler as the simulator's bus calls it. */
export type WorldHandler = (e: EventEnvelope) => Promise<void>;

export interface WorldOptions {
  instances?: number;
  seed?: number;
  instanceType?: string;
  /** The Auto Scaling group's MaxSize (default 10). */
  maxInstances?: number;
  /** A table of your own (outside Vitest, e.g. the bench); default: a fresh one on the run's DynamoDB Local. */
  store?: TestStore;
  /** Wraps each subscribed handler (by function name), e.g. to inject crashes between its calls. */
  wrapHandler?: (fn: string, handler: WorldHandler) => WorldHandler;
}

export async function makeWorld(opts: WorldOptions = {}): Promise<World> {
  const t = opts.store ?? (await makeTestStore());
  const sim = await startSimulator({ clock: 'virtual', seed: opts.seed ?? 11 });
  const clock = sim.clock as VirtualClock;
  const client = { endpoint: sim.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' }, retryMode: 'adaptive', maxAttempts: 6 };
  const ecs = new ECSClient(client);
  const autoScaling = new AutoScalingClient(client);
  const elb = new ElasticLoadBalancingV2Client(client);
  const deps: TaskEventDeps = {
    store: t.store,
    ecs,
    autoScaling,
    elb,
    now: () => new Date(clock.now()),
    random: () => 0.5,
    config: { tableName: t.tableName, eventBusName: 'shepherd-test', stage: STAGE, taskTtlSeconds: 3600, eventTtlSeconds: 86400 },
  };
  // The store's clock follows the simulator's.
  t.store.ctx.now = () => new Date(clock.now());
  const outcomes: TaskOutcome[] = [];
  const instanceOutcomes: InstanceOutcome[] = [];
  const handlers: Record<string, WorldHandler> = {
    onTaskStateChange: async (e) => void outcomes.push(await recordTaskEvent(e, deps)),
    onContainerInstanceStateChange: async (e) => void instanceOutcomes.push(await recordInstanceEvent(e, deps)),
  };
  for (const fn of readStack({ stage: STAGE }).functions) {
    const handler = handlers[fn.name];
    for (const ev of fn.events) if (handler && ev.kind === 'eventBridge') sim.events.subscribe('default', ev.pattern, opts.wrapHandler ? opts.wrapHandler(fn.name, handler) : handler, fn.name);
  }

  await ecs.send(new CreateClusterCommand({ clusterName: 'prod' }));
  const containers: ContainerDefinition[] = [{ name: 'app', image: 'app:1', cpu: 256, memory: 512, essential: true }];
  for (const family of ['web', 'api']) await ecs.send(new RegisterTaskDefinitionCommand({ family, containerDefinitions: containers }));
  sim.autoscaling.createGroup({
    name: 'prod-asg',
    cluster: 'prod',
    instanceType: opts.instanceType ?? 'm5.large',
    availabilityZones: ['us-east-1a', 'us-east-1b', 'us-east-1c'],
    min: 0,
    max: opts.maxInstances ?? 10,
    desired: opts.instances ?? 3,
    warmupMs: 1000,
  });
  await clock.advance(5000);

  const world: World = {
    ...t,
    sim,
    clock,
    ecs,
    deps,
    outcomes,
    instanceOutcomes,
    settle: async (ms = 0) => {
      // Small steps, so chains (event → handler → RunTask → new task's lifecycle → events) play out.
      const step = 1000;
      for (let elapsed = 0; elapsed < ms; elapsed += step) {
        await clock.advance(Math.min(step, ms - elapsed));
        await sim.events.drain();
        world.onStep?.();
      }
      await sim.events.drain();
    },
    liveTasks: (service) =>
      sim.ecs
        .snapshot()
        .tasks.filter((x) => x.group === `shepherd:${service}` && x.lastStatus !== 'STOPPED')
        .map((x) => ({ arn: x.arn, lastStatus: x.lastStatus, group: x.group, taskDefinitionArn: x.taskDefinitionArn })),
    launchService: async (spec) => {
      const created = await t.store.services.create(serviceSpec({ cluster: 'prod', ...spec }));
      await t.store.clusters.ensure('prod');
      const out = await runServiceTasks(ecs, created, { count: created.desiredCount, clientToken: `launch-${created.name}`, stage: STAGE });
      if (out.started.length !== created.desiredCount) throw new Error(`launch placed ${out.started.length}: ${JSON.stringify(out.failures)}`);
      await world.settle(30_000);
    },
    close: async () => {
      ecs.destroy();
      autoScaling.destroy();
      elb.destroy();
      await sim.close();
      t.client.destroy();
    },
  };
  return world;
}
