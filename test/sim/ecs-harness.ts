/**
 * Shared setup for the ECS simulator tests: a simulator on a virtual clock, the real ECS client
 * pointed at it, and small helpers that call the API the way the ECS agent or a user would.
 */
import {
  ECSClient,
  RegisterContainerInstanceCommand,
  RegisterTaskDefinitionCommand,
  type ContainerDefinition,
  type RegisterTaskDefinitionCommandInput,
  type Resource,
} from '@aws-sdk/client-ecs';
import type { VirtualClock } from '../../local/sim/clock';
import { startSimulator, type Simulator, type SimulatorOptions } from '../../local/sim/index';
import type { EventEnvelope } from '../../local/sim/types';

export interface EcsHarness {
  sim: Simulator;
  ecs: ECSClient;
  clock: VirtualClock;
  /** Moves simulated time forward, firing every lifecycle step that falls due. */
  advance(ms: number): Promise<void>;
  /** Events the ECS simulator emitted so far, optionally of one detail-type. */
  events(detailType?: string): EventEnvelope[];
  close(): Promise<void>;
}

export async function startEcs(opts: SimulatorOptions = {}): Promise<EcsHarness> {
  const sim = await startSimulator({ clock: 'virtual', ...opts });
  const ecs = new ECSClient({
    endpoint: sim.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
    maxAttempts: 1,
  });
  const clock = sim.clock as VirtualClock;
  return {
    sim,
    ecs,
    clock,
    advance: (ms) => clock.advance(ms),
    events: (detailType) =>
      sim.events.history().filter((e) => e.source === 'aws.ecs' && (!detailType || e['detail-type'] === detailType)),
    close: async () => {
      ecs.destroy();
      await sim.close();
    },
  };
}

export interface InstanceSpec {
  cluster?: string;
  instanceId: string;
  availabilityZone?: string;
  instanceType?: string;
  cpu?: number;
  memory?: number;
  /** Reserved TCP ports (the agent's defaults when absent). */
  ports?: number[];
  attributes?: Record<string, string>;
}

/** The capabilities a current ECS agent announces (task ENIs, container health checks). */
export const AGENT_CAPABILITIES = ['ecs.capability.task-eni', 'ecs.capability.container-health-check'];

/** RegisterContainerInstance as the ECS agent on an EC2 host calls it; returns the containerInstanceArn. */
export async function registerInstance(ecs: ECSClient, spec: InstanceSpec): Promise<string> {
  const totalResources: Resource[] = [
    { name: 'CPU', type: 'INTEGER', integerValue: spec.cpu ?? 2048 },
    { name: 'MEMORY', type: 'INTEGER', integerValue: spec.memory ?? 3920 },
    { name: 'PORTS', type: 'STRINGSET', stringSetValue: (spec.ports ?? [22, 2375, 2376, 51678, 51679]).map(String) },
    { name: 'PORTS_UDP', type: 'STRINGSET', stringSetValue: [] },
  ];
  const out = await ecs.send(
    new RegisterContainerInstanceCommand({
      cluster: spec.cluster,
      instanceIdentityDocument: JSON.stringify({
        instanceId: spec.instanceId,
        availabilityZone: spec.availabilityZone ?? 'us-east-1a',
        instanceType: spec.instanceType ?? 't3.medium',
        region: 'us-east-1',
        imageId: 'ami-0123456789abcdef0',
      }),
      totalResources,
      versionInfo: { agentVersion: '1.89.0', agentHash: 'abc1234', dockerVersion: 'DockerVersion: 25.0.8' },
      attributes: [
        ...AGENT_CAPABILITIES.map((name) => ({ name })),
        ...Object.entries(spec.attributes ?? {}).map(([name, value]) => ({ name, value })),
      ],
    }),
  );
  return out.containerInstance?.containerInstanceArn as string;
}

/** A one-container task definition; returns its ARN. */
export async function registerTaskDefinition(
  ecs: ECSClient,
  family: string,
  container: Partial<ContainerDefinition> = {},
  extra: Partial<RegisterTaskDefinitionCommandInput> = {},
): Promise<string> {
  const out = await ecs.send(
    new RegisterTaskDefinitionCommand({
      family,
      containerDefinitions: [{ name: 'app', image: 'example/app:1', cpu: 256, memory: 512, essential: true, ...container }],
      ...extra,
    }),
  );
  return out.taskDefinition?.taskDefinitionArn as string;
}

/** Reads the integer value of a resource (CPU, MEMORY) from a Resource list. */
export function integerResource(resources: Resource[] | undefined, name: string): number | undefined {
  return resources?.find((r) => r.name === name)?.integerValue;
}

/** Reads a STRINGSET resource (PORTS, PORTS_UDP) as numbers. */
export function portsResource(resources: Resource[] | undefined, name: string): number[] {
  return (resources?.find((r) => r.name === name)?.stringSetValue ?? []).map(Number);
}

/** Awaits a promise that must reject; returns the error for assertions. */
export async function rejection(promise: Promise<unknown>): Promise<{ name: string; message: string } & Record<string, unknown>> {
  try {
    await promise;
  } catch (err) {
    return err as { name: string; message: string } & Record<string, unknown>;
  }
  throw new Error('expected the call to fail, but it succeeded');
}
