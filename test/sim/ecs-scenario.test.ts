/**
 * Scenario: 3 instances × 20 tasks run for 40 simulated minutes through random crashes, a drain and the
 * loss of an instance, with a naive scheduler topping the count back up every minute. Every event
 * emitted on the way has the shape of its reference event, versions count up one by one, and the
 * resources add up at the end.
 */
import {
  CreateClusterCommand,
  DescribeTasksCommand,
  ListTasksCommand,
  RunTaskCommand,
  StopTaskCommand,
  UpdateContainerInstancesStateCommand,
} from '@aws-sdk/client-ecs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventEnvelope } from '../../local/sim/types';
import { accountingViolations, readCluster } from './ecs-accounting';
import { commonShape, eventMismatches, fixture } from './ecs-event-shapes';
import { registerTaskDefinition, startEcs, type EcsHarness } from './ecs-harness';

const CLUSTER = 'scenario';
const DESIRED = 60;
const MINUTE = 60_000;

let h: EcsHarness;
let hosts: { ec2InstanceId: string; arn: string }[];

type Shape = Parameters<typeof eventMismatches>[1];

/** Without what a task that never reached PENDING cannot have. */
function notPulled(shape: Shape): Shape {
  const { connectivity: _c, connectivityAt: _ca, pullStartedAt: _p, ...detail } = shape.detail as Record<string, never>;
  return { ...shape, detail };
}

/**
 * The reference shape each event must have: the reference event of its kind where there is one;
 * otherwise what every reference task event (or every STOPPED one) carries, less what the task
 * never reached (a task stopped before its image pull has no pull or connectivity times).
 */
function referenceFor(e: EventEnvelope): { shape: Shape; kind: 'task' | 'instance' } {
  const d = e.detail;
  if (e['detail-type'] === 'ECS Container Instance State Change') {
    if (d.agentConnected === false && d.status !== 'INACTIVE') return { kind: 'instance', shape: fixture('ec2/container-instance-agent-disconnected.json') };
    if (d.status === 'DRAINING') return { kind: 'instance', shape: fixture('ec2/container-instance-draining.json') };
    return { kind: 'instance', shape: fixture('aws-docs/container-instance-state-change.json') };
  }
  const stopped = ['essential-exit', 'failed-to-start', 'user-initiated'].map((n) => fixture(`ec2/task-stopped-${n}.json`));
  const ran = d.startedAt !== undefined;
  const pulled = d.pullStartedAt !== undefined;
  if (d.lastStatus === 'RUNNING') return { kind: 'task', shape: fixture('ec2/task-running.json') };
  if (d.lastStatus === 'STOPPED' && ran && d.stopCode === 'UserInitiated') return { kind: 'task', shape: fixture('ec2/task-stopped-user-initiated.json') };
  if (d.lastStatus === 'STOPPED' && ran && d.stopCode === 'EssentialContainerExited') {
    // The reference is the OOM exit; a plain crash has no container `reason`.
    const shape = fixture('ec2/task-stopped-essential-exit.json');
    const detail = shape.detail as { containers: Record<string, unknown>[] };
    detail.containers = detail.containers.map(({ reason: _oom, ...c }) => c);
    return { kind: 'task', shape };
  }
  if (d.lastStatus === 'STOPPED' && d.stopCode === 'TaskFailedToStart') return { kind: 'task', shape: fixture('ec2/task-stopped-failed-to-start.json') };
  const common = commonShape(d.lastStatus === 'STOPPED' ? stopped : [fixture('ec2/task-running.json'), ...stopped]) as Shape;
  return { kind: 'task', shape: pulled ? common : notPulled(common) };
}

async function liveTaskArns(): Promise<string[]> {
  const out: string[] = [];
  let nextToken: string | undefined;
  do {
    const page = await h.ecs.send(new ListTasksCommand({ cluster: CLUSTER, startedBy: 'shepherd/scenario', nextToken }));
    out.push(...(page.taskArns ?? []));
    nextToken = page.nextToken;
  } while (nextToken);
  return out;
}

/** A naive scheduler: run what is missing, spread over instances, 10 per call. */
async function topUp(): Promise<void> {
  let missing = DESIRED - (await liveTaskArns()).length;
  while (missing > 0) {
    const out = await h.ecs.send(
      new RunTaskCommand({
        cluster: CLUSTER,
        taskDefinition: 'svc',
        count: Math.min(10, missing),
        startedBy: 'shepherd/scenario',
        group: 'service:svc',
        placementStrategy: [{ type: 'spread', field: 'instanceId' }],
      }),
    );
    if ((out.tasks ?? []).length === 0) break;
    missing -= out.tasks?.length ?? 0;
  }
}

async function minutes(n: number): Promise<void> {
  for (let i = 0; i < n; i++) {
    await h.advance(MINUTE);
    await topUp();
  }
}

beforeAll(async () => {
  h = await startEcs({ seed: 2026 });
  await h.ecs.send(new CreateClusterCommand({ clusterName: CLUSTER }));
  hosts = ['us-east-1a', 'us-east-1b', 'us-east-1c'].map((availabilityZone, i) => {
    const ec2InstanceId = `i-0scenario00000000${i}`;
    return { ec2InstanceId, arn: h.sim.ecs.registerHost({ ec2InstanceId, instanceType: 'm5.xlarge', availabilityZone, cluster: CLUSTER }) };
  });
  await registerTaskDefinition(h.ecs, 'svc', { cpu: 64, memory: 256, portMappings: [{ containerPort: 8080 }] });
  h.sim.ecs.setFailureModel('svc', { kind: 'crash', probability: 0.3, minMs: MINUTE, maxMs: 30 * MINUTE, exitCode: 1 });
});
afterAll(() => h.close());

describe('ECS simulator: 3 instances × 20 tasks through crashes, a drain and an instance loss', () => {
  it('places 20 tasks on each instance', async () => {
    await topUp();
    const described = await h.ecs.send(new DescribeTasksCommand({ cluster: CLUSTER, tasks: (await liveTaskArns()).slice(0, 100) }));
    const perInstance = hosts.map((host) => described.tasks?.filter((t) => t.containerInstanceArn === host.arn).length);
    expect(perInstance).toEqual([20, 20, 20]);
  });

  it('keeps 60 tasks through crashes, a drain and an instance loss', async () => {
    await minutes(10);
    // Drain the second instance and move its tasks, as Shepherd would.
    const drained = hosts[1] as { arn: string };
    await h.ecs.send(new UpdateContainerInstancesStateCommand({ cluster: CLUSTER, containerInstances: [drained.arn], status: 'DRAINING' }));
    const onDrained = await h.ecs.send(new ListTasksCommand({ cluster: CLUSTER, containerInstance: drained.arn }));
    for (const task of onDrained.taskArns ?? []) {
      await h.ecs.send(new StopTaskCommand({ cluster: CLUSTER, task, reason: 'Instance draining: task moved' }));
    }
    await minutes(10);
    // Lose the first instance.
    h.sim.ecs.terminateHost((hosts[0] as { ec2InstanceId: string }).ec2InstanceId);
    await minutes(20);

    const live = await liveTaskArns();
    expect(live).toHaveLength(DESIRED);
    const described = await h.ecs.send(new DescribeTasksCommand({ cluster: CLUSTER, tasks: live }));
    // Only the third instance is left to run them.
    expect(new Set(described.tasks?.map((t) => t.containerInstanceArn))).toEqual(new Set([hosts[2]?.arn]));
    const stopCodes = new Set(h.events('ECS Task State Change').map((e) => e.detail.stopCode).filter(Boolean));
    expect(stopCodes).toEqual(new Set(['EssentialContainerExited', 'UserInitiated', 'TerminationNotice']));
  });

  it('emitted only events shaped like their reference events, versions counting up one by one', () => {
    const events = h.events();
    expect(events.length).toBeGreaterThan(500);
    const problems = events.flatMap((e) => {
      const ref = referenceFor(e);
      return eventMismatches(e, ref.shape, ref.kind).map((m) => `${e['detail-type']} ${String(e.detail.lastStatus ?? e.detail.status)}: ${m}`);
    });
    expect(problems).toEqual([]);
    const versions = new Map<string, number[]>();
    for (const e of events) versions.set(e.resources[0] as string, [...(versions.get(e.resources[0] as string) ?? []), e.detail.version as number]);
    for (const [arn, seen] of versions) expect(seen, arn).toEqual(seen.map((_, i) => i + 1));
  });

  it('adds up at the end: remaining = registered − live tasks on every instance', async () => {
    await h.advance(10 * MINUTE);
    const view = await readCluster(h.ecs, CLUSTER, hosts.map((host) => host.arn));
    expect(accountingViolations(view, () => ({ tcp: [], udp: [] }))).toEqual([]);
    const stoppedHost = view.instances.find((i) => i.containerInstanceArn === hosts[0]?.arn);
    expect(stoppedHost).toMatchObject({ status: 'INACTIVE', agentConnected: false });
  });
});
