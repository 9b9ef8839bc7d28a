/**
 * The whole system on loopback: DynamoDB Local, the AWS simulator, and Shepherd's functions wired
 * exactly as serverless.yml wires them (rules, schedules, the table stream, the HTTP API).
 * `npm start` runs it in real time; tests and the benchmark run it on a virtual clock.
 */
import { CreateEventBusCommand, EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { ResourceInUseException, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { AwsCredentialIdentity } from '@smithy/types';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { makeSigner, signedFetch, type Signer } from '../cli/sigv4';
import { createStore, type Store } from '../shared/store';
import { sigv4Authorizer } from './apiAuth';
import { serveDashboard } from './dashboard/server';
import { createLocalTable, LOCAL_CREDENTIALS, localDynamoClient, startLocalDynamo, type LocalDynamo } from './dynamodb';
import { serveHttpApi } from './http';
import { lambdaContext, loadHandler } from './invoke';
import { readStack, type StackFunction } from './stack';
import { pollTableStream, type StreamPoller } from './streams';
import { simulatorEnv, startSimulator, type Simulator } from './sim';

export interface SandboxOptions {
  stage?: string;
  clock?: 'real' | 'virtual';
  simPort?: number;
  apiPort?: number;
  /** Keep DynamoDB data in this folder across runs (default: in memory, fresh every start). */
  dataDir?: string;
  seed?: number;
  /** Log level for Shepherd's functions (Powertools). */
  logLevel?: string;
  /** Serve the dashboard (local/dashboard) on this loopback port; 0 = any free port; absent = no dashboard. */
  dashboardPort?: number;
  /**
   * Verify SigV4 on the HTTP API (service execute-api, this region): only requests these
   * credentials signed get through. The dashboard and `apiFetch` sign with them. Absent: the API
   * is open (loopback only).
   */
  apiAuth?: { region: string; credentials: AwsCredentialIdentity };
}

export interface Sandbox {
  stage: string;
  sim: Simulator;
  dynamo: LocalDynamo;
  client: DynamoDBClient;
  store: Store;
  tableName: string;
  busName: string;
  apiUrl: string;
  /** fetch on the HTTP API (`path` from the root, e.g. `/services`), signed when `apiAuth` is on. */
  apiFetch(path: string, init?: { method?: string; headers?: Record<string, string>; body?: string }): Promise<Response>;
  /** The dashboard's page, when `dashboardPort` was given. */
  dashboardUrl?: string;
  /** Invocations per function so far. */
  invocations: Map<string, number>;
  /** Invokes one of the stack's functions by name now, as Lambda would (e.g. a reconcile pass). */
  invoke(fn: string, event: unknown): Promise<unknown>;
  errors: Array<{ fn: string; error: string }>;
  /** Runs due scheduled functions and delivers the table stream now (virtual-clock runs). */
  pollStream(): Promise<number>;
  stop(): Promise<void>;
}

export async function startSandbox(opts: SandboxOptions = {}): Promise<Sandbox> {
  const stage = opts.stage ?? 'local';
  const tableName = `shepherd-${stage}`;
  const busName = `shepherd-${stage}`;
  const dynamo = await startLocalDynamo(opts.dataDir ? { dbPath: opts.dataDir } : {});
  const sim = await startSimulator({ clock: opts.clock ?? 'real', ...(opts.simPort ? { port: opts.simPort } : {}), seed: opts.seed ?? 42 });
  const failureQueueUrl = sim.sqs.createQueue(`shepherd-${stage}-failures`);
  Object.assign(process.env, {
    FAILURE_QUEUE_URL: failureQueueUrl,
    ...simulatorEnv(sim.endpoint),
    AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
    TABLE_NAME: tableName,
    EVENT_BUS_NAME: busName,
    STAGE: stage,
    POWERTOOLS_LOG_LEVEL: opts.logLevel ?? process.env.POWERTOOLS_LOG_LEVEL ?? 'WARN',
  });
  const client = localDynamoClient(dynamo.endpoint);
  try {
    await createLocalTable(client, tableName);
  } catch (err) {
    if (!(err instanceof ResourceInUseException)) throw err;
  }
  const events = new EventBridgeClient({ endpoint: sim.endpoint, region: 'us-east-1', credentials: LOCAL_CREDENTIALS });
  await events.send(new CreateEventBusCommand({ Name: busName }));
  events.destroy();

  const invocations = new Map<string, number>();
  const byName = new Map<string, (event: unknown) => Promise<unknown>>();
  const errors: Sandbox['errors'] = [];
  const stoppers: Array<() => void | Promise<void>> = [];
  const pollers: StreamPoller[] = [];
  let apiUrl = '';
  const signer: Signer | undefined = opts.apiAuth ? await makeSigner(opts.apiAuth.region, opts.apiAuth.credentials) : undefined;

  const invoker = (fn: StackFunction, handler: (e: unknown, c: ReturnType<typeof lambdaContext>) => Promise<unknown>) => async (event: unknown) => {
    invocations.set(fn.name, (invocations.get(fn.name) ?? 0) + 1);
    try {
      return await handler(event, lambdaContext(fn, stage));
    } catch (err) {
      errors.push({ fn: fn.name, error: String(err) });
      if (errors.length > 200) errors.shift();
      throw err;
    }
  };

  for (const fn of readStack({ stage }).functions) {
    const invoke = invoker(fn, await loadHandler(fn));
    byName.set(fn.name, invoke);
    for (const ev of fn.events) {
      if (ev.kind === 'eventBridge') {
        stoppers.push(sim.events.subscribe('default', ev.pattern, async (e) => void (await invoke(e)), fn.name));
      } else if (ev.kind === 'schedule') {
        let timer: number | undefined;
        const tick = () => {
          timer = sim.clock.setTimer(ev.rateMs, tick);
          void invoke({ 'detail-type': 'Scheduled Event', source: 'aws.events', time: new Date(sim.clock.now()).toISOString() }).catch(() => undefined);
        };
        timer = sim.clock.setTimer(ev.rateMs, tick);
        stoppers.push(() => { if (timer !== undefined) sim.clock.clearTimer(timer); });
      } else if (ev.kind === 'stream') {
        pollers.push(
          await pollTableStream({
            dynamo: client,
            endpoint: dynamo.endpoint,
            tableName,
            batchSize: ev.batchSize,
            filterPatterns: ev.filterPatterns,
            deliver: async (e) => (await invoke(e)) as never,
            ...(opts.clock === 'virtual' ? {} : { intervalMs: 250 }),
            onError: (err) => errors.push({ fn: fn.name, error: String(err) }),
          }),
        );
      } else if (ev.kind === 'httpApi' && !apiUrl) {
        const api = await serveHttpApi({
          ...(opts.apiPort ? { port: opts.apiPort } : {}),
          invoke: (e: APIGatewayProxyEventV2) => invoke(e),
          ...(opts.apiAuth ? { authorize: sigv4Authorizer({ region: opts.apiAuth.region, credentials: [opts.apiAuth.credentials] }) } : {}),
        });
        apiUrl = api.url;
        stoppers.push(() => api.close());
      }
    }
  }

  let dashboardUrl: string | undefined;
  if (opts.dashboardPort !== undefined) {
    const dashboard = await serveDashboard({ apiUrl, port: opts.dashboardPort, ...(signer ? { signer } : {}) });
    dashboardUrl = dashboard.url;
    stoppers.unshift(() => dashboard.close());
  }

  return {
    stage,
    sim,
    dynamo,
    client,
    store: createStore({ client, tableName }),
    tableName,
    busName,
    apiUrl,
    apiFetch: (path, init = {}) => signedFetch(signer, new URL(`${apiUrl}${path}`), { method: init.method ?? 'GET', headers: init.headers ?? {}, ...(init.body !== undefined ? { body: init.body } : {}) }),
    ...(dashboardUrl ? { dashboardUrl } : {}),
    invocations,
    invoke: (name, event) => {
      const fn = byName.get(name);
      if (!fn) throw new Error(`no function ${name} in serverless.yml`);
      return fn(event);
    },
    errors,
    pollStream: async () => {
      let n = 0;
      for (const p of pollers) n += await p.pollOnce();
      return n;
    },
    stop: async () => {
      for (const p of pollers) p.stop();
      for (const s of stoppers) await s();
      await sim.close();
      client.destroy();
      await dynamo.stop();
    },
  };
}
