/**
 * Every kind of event the ECS simulator emits has the keys and value types of the matching reference
 * event in ../shared/fixtures (recursively; extra keys only where AWS documents them).
 */
import {
  CreateClusterCommand,
  DeregisterContainerInstanceCommand,
  RunTaskCommand,
  StopTaskCommand,
  UpdateContainerInstancesStateCommand,
  type RunTaskCommandInput,
} from '@aws-sdk/client-ecs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventEnvelope } from '../../local/sim/types';
import { commonShape, eventMismatches, fixture } from './ecs-event-shapes';
import { registerInstance, registerTaskDefinition, startEcs, type EcsHarness } from './ecs-harness';

const TASK_EVENT = 'ECS Task State Change';
const INSTANCE_EVENT = 'ECS Container Instance State Change';

let h: EcsHarness;
let ci: string;
const task: Record<string, string> = {};

const eventOf = (type: string, arn: string, match: (d: Record<string, unknown>) => boolean): EventEnvelope => {
  const found = h.events(type).filter((e) => e.resources[0] === arn && match(e.detail));
  const event = found[found.length - 1];
  if (!event) throw new Error(`no ${type} event for ${arn}`);
  return event;
};
const stoppedEvent = (name: string) => eventOf(TASK_EVENT, task[name] as string, (d) => d.lastStatus === 'STOPPED');

beforeAll(async () => {
  h = await startEcs();
  await h.ecs.send(new CreateClusterCommand({ clusterName: 'prod' }));
  ci = await registerInstance(h.ecs, { cluster: 'prod', instanceId: 'i-0000000000000e001', cpu: 8192, memory: 16384 });
  const web = { cpu: 256, memory: 512, portMappings: [{ containerPort: 8080 }] };
  for (const family of ['web', 'exits', 'oom', 'broken']) await registerTaskDefinition(h.ecs, family, web, { cpu: '256', memory: '512' });
  await registerTaskDefinition(h.ecs, 'vpc', { cpu: 256, memory: 512 }, { networkMode: 'awsvpc' });
  h.sim.ecs.setFailureModel('exits', { kind: 'exit', exitCode: 1, afterMs: 60_000 });
  h.sim.ecs.setFailureModel('oom', { kind: 'oom', afterMs: 60_000 });
  h.sim.ecs.setFailureModel('broken', { kind: 'failToStart' });

  const run = async (name: string, input: Partial<RunTaskCommandInput>) => {
    const out = await h.ecs.send(new RunTaskCommand({ cluster: 'prod', group: 'service:web', startedBy: 'shepherd/web', taskDefinition: name, ...input }));
    task[name] = out.tasks?.[0]?.taskArn as string;
  };
  await run('web', {});
  await run('exits', {});
  await run('oom', {});
  await run('broken', {});
  await run('vpc', { networkConfiguration: { awsvpcConfiguration: { subnets: ['subnet-abcd1234'] } } });
  await h.advance(30_000);
  await h.ecs.send(new StopTaskCommand({ cluster: 'prod', task: task.web, reason: 'Scaling in: desired count lowered' }));
  await h.advance(60_000);

  h.sim.ecs.registerHost({ ec2InstanceId: 'i-0bbbbbbbbbbbbbbb1', instanceType: 't3.medium', availabilityZone: 'us-east-1a', cluster: 'spot' });
  const spot = await h.ecs.send(new RunTaskCommand({ cluster: 'spot', taskDefinition: 'web', startedBy: 'shepherd/web' }));
  task.terminated = spot.tasks?.[0]?.taskArn as string;
  await h.advance(10_000);
  h.sim.ecs.terminateHost('i-0bbbbbbbbbbbbbbb1');

  await h.ecs.send(new UpdateContainerInstancesStateCommand({ cluster: 'prod', containerInstances: [ci], status: 'DRAINING' }));
  h.sim.ecs.disconnectAgent(ci);
  h.sim.ecs.reconnectAgent(ci);
  await h.ecs.send(new DeregisterContainerInstanceCommand({ cluster: 'prod', containerInstance: ci, force: true }));
});
afterAll(() => h.close());

describe('ECS simulator: event shapes match the reference events', () => {
  const stoppedFixtures = ['ec2/task-stopped-essential-exit.json', 'ec2/task-stopped-failed-to-start.json', 'ec2/task-stopped-user-initiated.json'];

  it.each([
    ['task RUNNING', () => eventOf(TASK_EVENT, task.web as string, (d) => d.lastStatus === 'RUNNING'), 'ec2/task-running.json'],
    ['task STOPPED by StopTask', () => stoppedEvent('web'), 'ec2/task-stopped-user-initiated.json'],
    ['task STOPPED, out of memory', () => stoppedEvent('oom'), 'ec2/task-stopped-essential-exit.json'],
    ['task STOPPED, failed to start', () => stoppedEvent('broken'), 'ec2/task-stopped-failed-to-start.json'],
  ])('%s', (_name, event, path) => {
    expect(eventMismatches(event(), fixture(path), 'task')).toEqual([]);
  });

  it('task STOPPED, essential container exited (plain exit code)', () => {
    // The reference is the OOM case: its container `reason` is the OutOfMemoryError text, which a
    // container exiting on its own does not have. Everything else must match.
    const reference = fixture('ec2/task-stopped-essential-exit.json');
    const detail = reference.detail as { containers: Record<string, unknown>[] };
    detail.containers = detail.containers.map(({ reason: _oomOnly, ...c }) => c);
    const event = stoppedEvent('exits');
    expect(event.detail.stopCode).toBe('EssentialContainerExited');
    expect(eventMismatches(event, reference, 'task')).toEqual([]);
  });

  it('task STOPPED by the host’s termination has what every STOPPED reference event has', () => {
    const common = commonShape(stoppedFixtures.map(fixture)) as Record<string, never>;
    const event = stoppedEvent('terminated');
    expect(event.detail.stopCode).toBe('TerminationNotice');
    expect(eventMismatches(event, common, 'task')).toEqual([]);
  });

  it('awsvpc task RUNNING has the ENI attachment and network interfaces of the documented (Fargate) event', () => {
    // platformVersion is Fargate's alone; everything else of the documented event applies to EC2 too.
    const { platformVersion: _fargateOnly, ...detail } = fixture('aws-docs/task-state-change-fargate.json').detail as Record<string, never>;
    const event = eventOf(TASK_EVENT, task.vpc as string, (d) => d.lastStatus === 'RUNNING');
    expect(eventMismatches(event, { ...fixture('aws-docs/task-state-change-fargate.json'), detail }, 'task')).toEqual([]);
  });

  it.each([
    ['container instance registered (ACTIVE)', (d: Record<string, unknown>) => d.version === 1, 'aws-docs/container-instance-state-change.json'],
    ['container instance DRAINING', (d: Record<string, unknown>) => d.status === 'DRAINING', 'ec2/container-instance-draining.json'],
    ['agent disconnected', (d: Record<string, unknown>) => d.agentConnected === false && d.status !== 'INACTIVE', 'ec2/container-instance-agent-disconnected.json'],
    ['container instance deregistered (INACTIVE)', (d: Record<string, unknown>) => d.status === 'INACTIVE', 'aws-docs/container-instance-state-change.json'],
  ])('%s', (_name, match, path) => {
    expect(eventMismatches(eventOf(INSTANCE_EVENT, ci, match), fixture(path), 'instance')).toEqual([]);
  });

  it('envelopes carry EventBridge’s fixed fields and second-precision time; task timestamps are ISO strings', () => {
    const all = h.events();
    expect(all.length).toBeGreaterThan(20);
    for (const e of all) {
      expect(e).toMatchObject({ version: '0', source: 'aws.ecs', account: '123456789012', region: 'us-east-1' });
      expect(e.time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
      expect(e.resources).toEqual([e.detail.taskArn ?? e.detail.containerInstanceArn]);
    }
    const running = eventOf(TASK_EVENT, task.web as string, (d) => d.lastStatus === 'RUNNING').detail;
    for (const key of ['createdAt', 'startedAt', 'pullStartedAt', 'pullStoppedAt', 'connectivityAt', 'updatedAt']) {
      expect(running[key]).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    }
  });

  it('detail.version goes up by one with every event of a resource', () => {
    const byResource = new Map<string, number[]>();
    for (const e of h.events()) byResource.set(e.resources[0] as string, [...(byResource.get(e.resources[0] as string) ?? []), e.detail.version as number]);
    for (const versions of byResource.values()) expect(versions).toEqual(versions.map((_, i) => i + 1));
  });
});

describe('the shape comparison itself', () => {
  const reference = fixture('ec2/task-running.json');
  const clone = () => structuredClone(reference) as Record<string, Record<string, unknown>>;

  it('accepts the reference event', () => {
    expect(eventMismatches(reference, reference, 'task')).toEqual([]);
  });

  it('reports a value of another JSON type, a missing key, an undocumented key and an empty list', () => {
    const wrongType = clone();
    (wrongType.detail as Record<string, unknown>).createdAt = 1_700_000_000;
    expect(eventMismatches(wrongType, reference, 'task')).toEqual(['detail createdAt: number where the fixture has string']);

    const missing = clone();
    delete (missing.detail as Record<string, unknown>).startedBy;
    expect(eventMismatches(missing, reference, 'task')).toEqual(['detail (root).startedBy: missing']);

    const extra = clone();
    (extra.detail as Record<string, unknown>).surprise = true;
    expect(eventMismatches(extra, reference, 'task')).toEqual(['detail (root).surprise: not in the fixture and not documented']);

    const empty = clone();
    (empty.detail as Record<string, unknown>).containers = [];
    expect(eventMismatches(empty, reference, 'task')).toEqual(['detail containers: empty where the fixture has items']);
  });

  it('checks list items against the fixture’s items', () => {
    const stopped = fixture('ec2/task-stopped-user-initiated.json');
    const badItem = structuredClone(stopped) as { detail: { containers: Record<string, unknown>[] } };
    (badItem.detail.containers[0] as Record<string, unknown>).exitCode = 'zero';
    expect(eventMismatches(badItem, stopped, 'task')).toEqual([
      'detail containers[0] matches no fixture item: containers.exitCode: string where the fixture has number',
      'detail containers: no item like fixture item 0',
    ]);
  });
});
