import { RealClock, VirtualClock, type Clock } from './clock';
import { CallLog } from './calls';
import { Faults } from './faults';
import { seededRandom } from './random';
import { startSimServer, type RunningServer } from './server';
import type { SimContext } from './types';
import { EcsSimulator, type EcsSimOptions } from './ecs';
import { EventBridgeSimulator } from './events';
import { AutoScalingSimulator } from './autoscaling';
import { CloudFormationSimulator } from './cloudformation';
import { Elbv2Simulator } from './elbv2';
import { SqsSimulator } from './sqs';

export interface SimulatorOptions {
  /** 'virtual' (tests, bench) or 'real' (npm start). Or a clock of your own. */
  clock?: 'virtual' | 'real' | Clock;
  seed?: number;
  port?: number;
  host?: string;
  accountId?: string;
  region?: string;
  ecs?: EcsSimOptions;
}

export interface Simulator {
  ctx: SimContext;
  clock: Clock;
  ecs: EcsSimulator;
  events: EventBridgeSimulator;
  autoscaling: AutoScalingSimulator;
  /** DescribeStacks over stacks put in place with `putStack` (the CLI's endpoint discovery). */
  cloudformation: CloudFormationSimulator;
  elbv2: Elbv2Simulator;
  sqs: SqsSimulator;
  faults: Faults;
  calls: CallLog;
  /** http://127.0.0.1:PORT — point AWS_ENDPOINT_URL_ECS / _EVENTBRIDGE / _AUTO_SCALING / _ELASTIC_LOAD_BALANCING_V2 here. */
  endpoint: string;
  close(): Promise<void>;
}

/** Starts the ECS, EventBridge, Auto Scaling and ELBv2 simulator on one loopback endpoint. */
export async function startSimulator(opts: SimulatorOptions = {}): Promise<Simulator> {
  const clock =
    opts.clock === 'real' ? new RealClock() : opts.clock === 'virtual' || !opts.clock ? new VirtualClock() : opts.clock;
  const random = seededRandom(opts.seed ?? 42);
  const ctx: SimContext = {
    clock,
    random,
    accountId: opts.accountId ?? '123456789012',
    region: opts.region ?? 'us-east-1',
  };
  const faults = new Faults(seededRandom((opts.seed ?? 42) + 1));
  const calls = new CallLog();
  const events = new EventBridgeSimulator(ctx);
  const ecs = new EcsSimulator(ctx, events, opts.ecs);
  const autoscaling = new AutoScalingSimulator(ctx, ecs);
  const elbv2 = new Elbv2Simulator(ctx, ecs);
  const sqs = new SqsSimulator(ctx);
  const cloudformation = new CloudFormationSimulator(ctx);
  const server: RunningServer = await startSimServer({
    ...(opts.host ? { host: opts.host } : {}),
    ...(opts.port !== undefined ? { port: opts.port } : {}),
    json: [ecs, events, sqs],
    query: [autoscaling, elbv2, cloudformation],
    faults,
    calls,
  });
  return {
    ctx,
    clock,
    ecs,
    events,
    autoscaling,
    cloudformation,
    elbv2,
    sqs,
    faults,
    calls,
    endpoint: server.endpoint,
    close: async () => {
      await server.close();
      if (clock instanceof RealClock) clock.clearAll();
    },
  };
}

/** The environment variables that point the AWS SDK's standard configuration chain at a simulator. */
export function simulatorEnv(endpoint: string): Record<string, string> {
  return {
    AWS_ENDPOINT_URL_ECS: endpoint,
    AWS_ENDPOINT_URL_EVENTBRIDGE: endpoint,
    AWS_ENDPOINT_URL_AUTO_SCALING: endpoint,
    AWS_ENDPOINT_URL_ELASTIC_LOAD_BALANCING_V2: endpoint,
    AWS_ENDPOINT_URL_SQS: endpoint,
    AWS_ENDPOINT_URL_CLOUDFORMATION: endpoint,
  };
}
