/** What the reconciler makes of ECS's answers, and its bounded fan-out. */
import type { ContainerInstance, Task } from '@aws-sdk/client-ecs';
import { describe, expect, it } from 'vitest';
import { chunk, observedFromInstance, observedFromTask } from '../../shared/ecs/observe';
import { mapLimit } from '../../shared/reconcile/pool';

const now = new Date('2026-01-01T00:10:00.000Z');
const task: Task = {
  taskArn: 'arn:aws:ecs:us-east-1:123456789012:task/prod/abc',
  clusterArn: 'arn:aws:ecs:us-east-1:123456789012:cluster/prod',
  taskDefinitionArn: 'arn:aws:ecs:us-east-1:123456789012:task-definition/web:3',
  containerInstanceArn: 'arn:aws:ecs:us-east-1:123456789012:container-instance/prod/i1',
  lastStatus: 'STOPPED',
  desiredStatus: 'STOPPED',
  stopCode: 'EssentialContainerExited',
  stoppedReason: 'Essential container in task exited',
  group: 'shepherd:web',
  startedBy: 'shepherd/test',
  availabilityZone: 'us-east-1b',
  containers: [{ name: 'app', lastStatus: 'STOPPED', exitCode: 137, reason: 'OutOfMemoryError' }],
  createdAt: new Date('2026-01-01T00:00:00.000Z'),
  startedAt: new Date('2026-01-01T00:00:05.000Z'),
  stoppedAt: new Date('2026-01-01T00:05:00.000Z'),
  version: 5,
};

describe('a described task as an observation', () => {
  it('carries the service from its group, ECS version and ISO times; updatedAt is when it was seen', () => {
    expect(observedFromTask(task, now)).toMatchObject({
      taskArn: task.taskArn,
      service: 'web',
      cluster: 'prod',
      lastStatus: 'STOPPED',
      stopCode: 'EssentialContainerExited',
      containers: [{ name: 'app', lastStatus: 'STOPPED', exitCode: 137, reason: 'OutOfMemoryError' }],
      version: 5,
      startedAt: '2026-01-01T00:00:05.000Z',
      stoppedAt: '2026-01-01T00:05:00.000Z',
      updatedAt: now.toISOString(),
    });
  });

  it('is undefined for tasks that are not a Shepherd service\'s', () => {
    expect(observedFromTask({ ...task, group: 'family:web' }, now)).toBeUndefined();
    expect(observedFromTask({ ...task, group: undefined }, now)).toBeUndefined();
  });
});

describe('a described container instance as an observation', () => {
  it('reads resources, attributes and the agent state', () => {
    const ci: ContainerInstance = {
      containerInstanceArn: 'arn:aws:ecs:us-east-1:123456789012:container-instance/prod/i1',
      ec2InstanceId: 'i-1',
      status: 'DRAINING',
      agentConnected: true,
      registeredResources: [
        { name: 'CPU', type: 'INTEGER', integerValue: 2048 },
        { name: 'MEMORY', type: 'INTEGER', integerValue: 7680 },
        { name: 'PORTS', type: 'STRINGSET', stringSetValue: ['22', '2376', '2375'] },
      ],
      remainingResources: [{ name: 'CPU', type: 'INTEGER', integerValue: 1024 }],
      attributes: [{ name: 'ecs.availability-zone', value: 'us-east-1c' }, { name: 'ecs.instance-type', value: 'm5.large' }],
      runningTasksCount: 4,
      version: 9,
    };
    expect(observedFromInstance(ci, 'prod', now)).toMatchObject({
      cluster: 'prod',
      status: 'DRAINING',
      agentConnected: true,
      registered: { cpu: 2048, memory: 7680, ports: [22, 2375, 2376] },
      remaining: { cpu: 1024, memory: 0, ports: [] },
      availabilityZone: 'us-east-1c',
      instanceType: 'm5.large',
      runningTasksCount: 4,
      pendingTasksCount: 0,
      version: 9,
      updatedAt: now.toISOString(),
    });
  });
});

describe('batching and bounded fan-out', () => {
  it('chunks into batches of at most the size', () => {
    expect(chunk([...Array(250).keys()], 100).map((c) => c.length)).toEqual([100, 100, 50]);
    expect(chunk([], 100)).toEqual([]);
  });

  it('mapLimit keeps at most `limit` in flight and the results in order', async () => {
    let inFlight = 0;
    let peak = 0;
    const out = await mapLimit([...Array(20).keys()], 3, async (x) => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      await new Promise((r) => setImmediate(r));
      inFlight--;
      return x * 2;
    });
    expect(peak).toBe(3);
    expect(out).toEqual([...Array(20).keys()].map((x) => x * 2));
  });
});
