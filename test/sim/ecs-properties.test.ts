/**
 * Property: whatever sequence of RunTask / StartTask / StopTask / drain / activate / host loss /
 * agent flaps and clock advances happens, no instance is ever overcommitted (CPU, memory, ports),
 * nothing is placed on a DRAINING, INACTIVE or disconnected instance, and what each instance has
 * left always equals what it registered minus its live tasks.
 */
import {
  CreateClusterCommand,
  InvalidParameterException,
  RunTaskCommand,
  StartTaskCommand,
  StopTaskCommand,
  UpdateContainerInstancesStateCommand,
  type Task,
} from '@aws-sdk/client-ecs';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accountingViolations, readCluster, type StaticPorts } from './ecs-accounting';
import { registerTaskDefinition, startEcs, type EcsHarness } from './ecs-harness';

let h: EcsHarness;

const FAMILIES = ['p-static', 'p-dynamic', 'p-udp', 'p-host', 'p-crash'] as const;
const STATIC_PORTS: Record<string, { tcp: number[]; udp: number[] }> = {
  'p-static': { tcp: [80], udp: [] },
  'p-udp': { tcp: [], udp: [53] },
  'p-host': { tcp: [9000], udp: [] },
};
const staticPorts: StaticPorts = (task: Task) => {
  const family = /task-definition\/([^:]+):/.exec(task.taskDefinitionArn ?? '')?.[1] ?? '';
  return STATIC_PORTS[family] ?? { tcp: [], udp: [] };
};
const HOSTS = [
  { instanceType: 't3.small', availabilityZone: 'us-east-1a' },
  { instanceType: 't3.medium', availabilityZone: 'us-east-1b' },
  { instanceType: 'c5.large', availabilityZone: 'us-east-1c' },
  { instanceType: 'm5.large', availabilityZone: 'us-east-1a' },
];

beforeAll(async () => {
  h = await startEcs({ seed: 11 });
  await registerTaskDefinition(h.ecs, 'p-static', { cpu: 512, memory: 512, portMappings: [{ containerPort: 80, hostPort: 80 }] });
  await registerTaskDefinition(h.ecs, 'p-dynamic', { cpu: 256, memory: 300, portMappings: [{ containerPort: 8080 }, { containerPort: 8443, hostPort: 0 }] });
  await registerTaskDefinition(h.ecs, 'p-udp', {
    cpu: 128,
    memory: undefined,
    memoryReservation: 128,
    portMappings: [{ containerPort: 53, hostPort: 53, protocol: 'udp' }, { containerPort: 5353, protocol: 'udp' }],
  });
  await registerTaskDefinition(h.ecs, 'p-host', { cpu: 384, memory: 700, portMappings: [{ containerPort: 9000 }] }, { networkMode: 'host' });
  await registerTaskDefinition(h.ecs, 'p-crash', { cpu: 200, memory: 200 });
  h.sim.ecs.setFailureModel('p-crash', { kind: 'crash', probability: 0.6, minMs: 1000, maxMs: 30_000 });
});
afterAll(() => h.close());

type Command =
  | { kind: 'run'; family: number; count: number; strategy: number }
  | { kind: 'start'; family: number; instance: number }
  | { kind: 'stop'; task: number }
  | { kind: 'drain' | 'activate' | 'terminate' | 'disconnect' | 'reconnect'; instance: number }
  | { kind: 'advance'; ms: number };

const instance = fc.nat(HOSTS.length - 1);
const command: fc.Arbitrary<Command> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ kind: fc.constant('run' as const), family: fc.nat(FAMILIES.length - 1), count: fc.integer({ min: 1, max: 10 }), strategy: fc.nat(3) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('start' as const), family: fc.nat(FAMILIES.length - 1), instance }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('stop' as const), task: fc.nat(200) }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constantFrom('drain' as const, 'activate' as const, 'terminate' as const, 'disconnect' as const, 'reconnect' as const), instance }) },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('advance' as const), ms: fc.integer({ min: 0, max: 20_000 }) }) },
);

const STRATEGIES = [
  [],
  [{ type: 'binpack' as const, field: 'memory' }],
  [{ type: 'spread' as const, field: 'attribute:ecs.availability-zone' }, { type: 'binpack' as const, field: 'cpu' }],
  [{ type: 'spread' as const, field: 'instanceId' }],
];

let runs = 0;

async function execute(commands: Command[]): Promise<void> {
  const cluster = `prop-${++runs}`;
  await h.ecs.send(new CreateClusterCommand({ clusterName: cluster }));
  const model = HOSTS.map((host, i) => {
    const ec2InstanceId = `i-${String(runs).padStart(8, '0')}${String(i).padStart(9, '0')}`;
    return { ec2InstanceId, arn: h.sim.ecs.registerHost({ ...host, ec2InstanceId, cluster }), status: 'ACTIVE', connected: true };
  });
  const tasks: string[] = [];
  const placedOn = (placed: Task[] | undefined) => {
    for (const t of placed ?? []) {
      const target = model.find((m) => m.arn === t.containerInstanceArn);
      expect(target, 'placed on an instance of the cluster').toBeDefined();
      expect({ status: target?.status, connected: target?.connected }, `placement on ${t.containerInstanceArn}`).toEqual({ status: 'ACTIVE', connected: true });
      tasks.push(t.taskArn as string);
    }
  };

  for (const c of commands) {
    switch (c.kind) {
      case 'run':
        try {
          const out = await h.ecs.send(
            new RunTaskCommand({ cluster, taskDefinition: FAMILIES[c.family], count: c.count, placementStrategy: STRATEGIES[c.strategy] }),
          );
          placedOn(out.tasks);
          expect((out.tasks?.length ?? 0) + ((out.failures?.length ?? 0) > 0 ? 1 : 0)).toBeGreaterThan(0);
        } catch (err) {
          // Only when no instance can be offered at all.
          expect(err).toBeInstanceOf(InvalidParameterException);
          expect(model.some((m) => m.status === 'ACTIVE')).toBe(false);
        }
        break;
      case 'start': {
        const out = await h.ecs.send(new StartTaskCommand({ cluster, taskDefinition: FAMILIES[c.family], containerInstances: [model[c.instance]?.arn as string] }));
        placedOn(out.tasks);
        break;
      }
      case 'stop':
        if (tasks.length > 0) await h.ecs.send(new StopTaskCommand({ cluster, task: tasks[c.task % tasks.length] as string }));
        break;
      case 'drain':
      case 'activate': {
        const m = model[c.instance];
        if (!m) break;
        const status = c.kind === 'drain' ? 'DRAINING' : 'ACTIVE';
        await h.ecs.send(new UpdateContainerInstancesStateCommand({ cluster, containerInstances: [m.arn], status }));
        if (m.status !== 'INACTIVE') m.status = status;
        break;
      }
      case 'terminate': {
        const m = model[c.instance];
        if (!m) break;
        h.sim.ecs.terminateHost(m.ec2InstanceId);
        m.status = 'INACTIVE';
        m.connected = false;
        break;
      }
      case 'disconnect':
      case 'reconnect': {
        const m = model[c.instance];
        if (!m || m.status === 'INACTIVE') break;
        if (c.kind === 'disconnect') h.sim.ecs.disconnectAgent(m.arn);
        else h.sim.ecs.reconnectAgent(m.arn);
        m.connected = c.kind === 'reconnect';
        break;
      }
      case 'advance':
        await h.advance(c.ms);
        break;
    }
    expect(accountingViolations(await readCluster(h.ecs, cluster, model.map((m) => m.arn)), staticPorts)).toEqual([]);
  }

  // Let everything settle (agents back, every stop finished), then it must still add up.
  for (const m of model) if (m.status !== 'INACTIVE') h.sim.ecs.reconnectAgent(m.arn);
  await h.advance(120_000);
  const end = await readCluster(h.ecs, cluster, model.map((m) => m.arn));
  expect(accountingViolations(end, staticPorts)).toEqual([]);
  expect(end.tasks.filter((t) => t.lastStatus === 'STOPPING')).toEqual([]);
}

describe('ECS simulator: resource accounting property', () => {
  it('never overcommits an instance, and remaining = registered − live tasks, whatever happens', async () => {
    await fc.assert(fc.asyncProperty(fc.array(command, { minLength: 5, maxLength: 30 }), execute), { numRuns: 25 });
  });
});
