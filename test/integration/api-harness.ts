/**
 * The API's middy handler against DynamoDB Local and the ECS/Auto Scaling simulator, called with
 * API Gateway v2 events (test/helpers/api.ts).
 */
import { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import { ECSClient, RegisterTaskDefinitionCommand, RunTaskCommand, type RegisterTaskDefinitionCommandInput } from '@aws-sdk/client-ecs';
import type { VirtualClock } from '../../local/sim/clock';
import { startSimulator, type Simulator } from '../../local/sim/index';
import { createApiHandler } from '../../shared/api/handler';
import type { ApiDeps } from '../../shared/api/deps';
import { replanService } from '../../shared/handlers/replan';
import type { ObservedTask } from '../../shared/core/observed';
import { answer, type ApiAnswer, type ApiRequest } from '../helpers/api';
import { makeTestStore, type TestStore } from '../helpers/store';

export { answer, apiEvent, lambdaContext, type ApiAnswer, type ApiRequest } from '../helpers/api';

export const STAGE = 'test';
const credentials = { accessKeyId: 'x', secretAccessKey: 'x' };

export interface ApiHarness {
  sim: Simulator;
  clock: VirtualClock;
  t: TestStore;
  ecs: ECSClient;
  autoScaling: AutoScalingClient;
  deps: ApiDeps;
  handler: ReturnType<typeof createApiHandler>;
  call(req: ApiRequest): Promise<ApiAnswer>;
  /** Registers a task definition in the simulator directly; returns its ARN. */
  registerTaskDefinition(input?: Partial<RegisterTaskDefinitionCommandInput>): Promise<string>;
  /** Registers a container instance as the ECS agent would; returns its ARN. */
  registerInstance(cluster: string, instanceId: string, az?: string): Promise<string>;
  /** Starts a task in the simulator as Shepherd would (its markers) and records it in the store. */
  runManagedTask(service: string, cluster: string, taskDefinition: string, opts?: { startedBy?: string; group?: string }): Promise<ObservedTask>;
  close(): Promise<void>;
}

/** `act`: changes are acted on in the same request, as the deployed API does (functions/api.ts). */
export async function startApi(opts: { now?: () => Date; act?: boolean } = {}): Promise<ApiHarness> {
  const sim = await startSimulator({ clock: 'virtual' });
  const t = await makeTestStore(opts.now ? { now: opts.now } : {});
  const ecs = new ECSClient({ endpoint: sim.endpoint, region: 'us-east-1', credentials, maxAttempts: 1 });
  const autoScaling = new AutoScalingClient({ endpoint: sim.endpoint, region: 'us-east-1', credentials, maxAttempts: 1 });
  const now = opts.now ?? (() => new Date());
  const acting = { store: t.store, ecs, autoScaling, now, config: { tableName: t.tableName, eventBusName: 'shepherd-test', stage: STAGE, taskTtlSeconds: 3600, eventTtlSeconds: 86400 } };
  const deps: ApiDeps = {
    store: t.store,
    ecs,
    autoScaling,
    now,
    stage: STAGE,
    ...(opts.act ? { act: async (service: string, why: string) => void (await replanService(acting, service, why, { tryOnce: true, maxStarts: 50 })) } : {}),
  };
  const handler = createApiHandler(deps);
  let n = 0;
  return {
    sim,
    clock: sim.clock as VirtualClock,
    t,
    ecs,
    autoScaling,
    deps,
    handler,
    call: (req) => answer(handler, req),
    async registerTaskDefinition(input = {}) {
      const out = await ecs.send(
        new RegisterTaskDefinitionCommand({
          family: 'web',
          networkMode: 'bridge',
          containerDefinitions: [{ name: 'app', image: 'nginx:stable', cpu: 128, memory: 256, essential: true, portMappings: [{ containerPort: 80, hostPort: 0 }] }],
          ...input,
        }),
      );
      return out.taskDefinition?.taskDefinitionArn ?? '';
    },
    async registerInstance(cluster, instanceId, az = 'us-east-1a') {
      return sim.ecs.registerHost({ ec2InstanceId: instanceId, instanceType: 'm5.large', availabilityZone: az, cluster });
    },
    async runManagedTask(service, cluster, taskDefinition, o = {}) {
      const out = await ecs.send(
        new RunTaskCommand({
          cluster,
          taskDefinition,
          count: 1,
          startedBy: o.startedBy ?? `shepherd/${STAGE}`,
          group: o.group ?? `shepherd:${service}`,
        }),
      );
      const task = out.tasks?.[0];
      if (!task?.taskArn) throw new Error(`RunTask placed nothing: ${JSON.stringify(out.failures)}`);
      const observed: ObservedTask = {
        taskArn: task.taskArn,
        service,
        cluster,
        ...(task.containerInstanceArn ? { containerInstanceArn: task.containerInstanceArn } : {}),
        taskDefinitionArn: task.taskDefinitionArn ?? taskDefinition,
        lastStatus: 'RUNNING',
        desiredStatus: 'RUNNING',
        containers: [],
        ...(task.availabilityZone ? { availabilityZone: task.availabilityZone } : {}),
        startedBy: task.startedBy ?? '',
        group: task.group ?? '',
        version: 10 + n++,
        updatedAt: new Date().toISOString(),
      };
      await t.store.tasks.recordObserved(observed);
      return observed;
    },
    async close() {
      ecs.destroy();
      autoScaling.destroy();
      t.client.destroy();
      await sim.close();
    },
  };
}
