import {
  ClusterNotFoundException,
  CreateClusterCommand,
  DescribeClustersCommand,
  InvalidParameterException,
  ListClustersCommand,
  ListTasksCommand,
  RunTaskCommand,
} from '@aws-sdk/client-ecs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerInstance, registerTaskDefinition, rejection, startEcs, type EcsHarness } from './ecs-harness';

let h: EcsHarness;
beforeAll(async () => {
  h = await startEcs();
});
afterAll(() => h.close());

describe('ECS simulator: clusters', () => {
  it('has no cluster until one is created: not even "default"', async () => {
    const out = await h.ecs.send(new DescribeClustersCommand({}));
    expect(out.clusters).toEqual([]);
    expect(out.failures).toEqual([{ arn: 'arn:aws:ecs:us-east-1:123456789012:cluster/default', reason: 'MISSING' }]);
    const err = await rejection(h.ecs.send(new RunTaskCommand({ taskDefinition: 'nothing' })));
    expect(err).toBeInstanceOf(ClusterNotFoundException);
  });

  it('creates a cluster with its ARN, and CreateCluster is idempotent', async () => {
    const first = await h.ecs.send(new CreateClusterCommand({ clusterName: 'prod', tags: [{ key: 'team', value: 'web' }] }));
    expect(first.cluster).toMatchObject({
      clusterArn: 'arn:aws:ecs:us-east-1:123456789012:cluster/prod',
      clusterName: 'prod',
      status: 'ACTIVE',
      registeredContainerInstancesCount: 0,
      runningTasksCount: 0,
      pendingTasksCount: 0,
      activeServicesCount: 0,
      tags: [{ key: 'team', value: 'web' }],
    });
    const again = await h.ecs.send(new CreateClusterCommand({ clusterName: 'prod' }));
    expect(again.cluster?.clusterArn).toBe(first.cluster?.clusterArn);
  });

  it('names the cluster "default" when no name is given', async () => {
    const out = await h.ecs.send(new CreateClusterCommand({}));
    expect(out.cluster?.clusterName).toBe('default');
  });

  it('rejects an invalid cluster name', async () => {
    const err = await rejection(h.ecs.send(new CreateClusterCommand({ clusterName: 'bad name!' })));
    expect(err).toBeInstanceOf(InvalidParameterException);
  });

  it('describes clusters by name or ARN, with MISSING for unknown ones, and counts instances and tasks', async () => {
    await h.ecs.send(new CreateClusterCommand({ clusterName: 'counted' }));
    await registerInstance(h.ecs, { cluster: 'counted', instanceId: 'i-0000000000000c001' });
    await registerTaskDefinition(h.ecs, 'counter');
    await h.ecs.send(new RunTaskCommand({ cluster: 'counted', taskDefinition: 'counter', count: 2 }));
    const out = await h.ecs.send(
      new DescribeClustersCommand({
        clusters: ['counted', 'arn:aws:ecs:us-east-1:123456789012:cluster/prod', 'ghost'],
        include: ['TAGS', 'STATISTICS'],
      }),
    );
    expect(out.clusters?.map((c) => c.clusterName)).toEqual(['counted', 'prod']);
    expect(out.clusters?.[0]).toMatchObject({ registeredContainerInstancesCount: 1, pendingTasksCount: 2, runningTasksCount: 0 });
    expect(out.clusters?.[0]?.statistics).toContainEqual({ name: 'pendingEC2TasksCount', value: '2' });
    expect(out.clusters?.[1]?.tags).toEqual([{ key: 'team', value: 'web' }]);
    expect(out.failures).toEqual([{ arn: 'arn:aws:ecs:us-east-1:123456789012:cluster/ghost', reason: 'MISSING' }]);

    await h.advance(10_000);
    const later = await h.ecs.send(new DescribeClustersCommand({ clusters: ['counted'] }));
    expect(later.clusters?.[0]).toMatchObject({ pendingTasksCount: 0, runningTasksCount: 2 });
  });

  it('lists clusters with pagination', async () => {
    const first = await h.ecs.send(new ListClustersCommand({ maxResults: 2 }));
    expect(first.clusterArns).toHaveLength(2);
    expect(first.nextToken).toBeDefined();
    const rest = await h.ecs.send(new ListClustersCommand({ nextToken: first.nextToken }));
    const all = [...(first.clusterArns ?? []), ...(rest.clusterArns ?? [])].map((a) => a.split('/').pop());
    expect(all.sort()).toEqual(['counted', 'default', 'prod']);
    expect(rest.nextToken).toBeUndefined();
  });

  it('answers ClusterNotFoundException for an unknown cluster, by name or ARN', async () => {
    const byName = await rejection(h.ecs.send(new ListTasksCommand({ cluster: 'nope' })));
    expect(byName).toBeInstanceOf(ClusterNotFoundException);
    const byArn = await rejection(
      h.ecs.send(new ListTasksCommand({ cluster: 'arn:aws:ecs:us-east-1:123456789012:cluster/nope' })),
    );
    expect(byArn).toBeInstanceOf(ClusterNotFoundException);
    const foreign = await rejection(
      h.ecs.send(new ListTasksCommand({ cluster: 'arn:aws:ecs:eu-west-1:123456789012:cluster/prod' })),
    );
    expect(foreign).toBeInstanceOf(ClusterNotFoundException);
  });
});
