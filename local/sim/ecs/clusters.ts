/** CreateCluster, DescribeClusters, ListClusters. */
import { clusterArn } from './arns';
import type { Core } from './core';
import { clusterName, DEFAULT_CLUSTER } from './lookup';
import { paginate } from './pagination';
import type { ClusterRecord } from './state';
import { compact } from './time';
import { invalid, maxResults, optString, optStringList, readInclude, readTags, type Input } from './validate';

const NAME = /^[a-zA-Z0-9_-]{1,255}$/;

/** The cluster of that name, created on first use. */
export function ensureCluster(core: Core, name: string, tags: ClusterRecord['tags'] = []): ClusterRecord {
  let cluster = core.state.clusters.get(name);
  if (!cluster) {
    cluster = {
      arn: clusterArn(core.ctx, name),
      name,
      status: 'ACTIVE',
      tags,
      settings: [{ name: 'containerInsights', value: 'disabled' }],
    };
    core.state.clusters.set(name, cluster);
  }
  return cluster;
}

function counts(core: Core, cluster: ClusterRecord) {
  let running = 0;
  let pending = 0;
  for (const t of core.state.tasksOf(cluster.arn)) {
    if (t.lastStatus === 'RUNNING') running++;
    if (t.lastStatus === 'PROVISIONING' || t.lastStatus === 'PENDING') pending++;
  }
  const registered = core.state.instancesOf(cluster.arn).filter((i) => i.status !== 'INACTIVE').length;
  return { running, pending, registered };
}

export function clusterView(core: Core, cluster: ClusterRecord, include: Set<string>) {
  const c = counts(core, cluster);
  return compact({
    clusterArn: cluster.arn,
    clusterName: cluster.name,
    status: cluster.status,
    registeredContainerInstancesCount: c.registered,
    runningTasksCount: c.running,
    pendingTasksCount: c.pending,
    activeServicesCount: 0,
    statistics: include.has('STATISTICS')
      ? [
          { name: 'runningEC2TasksCount', value: String(c.running) },
          { name: 'runningFargateTasksCount', value: '0' },
          { name: 'pendingEC2TasksCount', value: String(c.pending) },
          { name: 'pendingFargateTasksCount', value: '0' },
          { name: 'activeEC2ServiceCount', value: '0' },
          { name: 'activeFargateServiceCount', value: '0' },
          { name: 'drainingEC2ServiceCount', value: '0' },
          { name: 'drainingFargateServiceCount', value: '0' },
        ]
      : [],
    tags: include.has('TAGS') ? cluster.tags : undefined,
    settings: include.has('SETTINGS') ? cluster.settings : undefined,
    capacityProviders: [],
    defaultCapacityProviderStrategy: [],
  });
}

export function createCluster(core: Core, input: Input) {
  const name = optString(input, 'clusterName') || DEFAULT_CLUSTER;
  if (!NAME.test(name)) {
    throw invalid('Cluster name can have up to 255 letters (uppercase and lowercase), numbers, underscores, and hyphens.');
  }
  const cluster = ensureCluster(core, name, readTags(input));
  return { cluster: clusterView(core, cluster, new Set(['TAGS', 'SETTINGS'])) };
}

export function describeClusters(core: Core, input: Input) {
  const refs = optStringList(input, 'clusters') ?? [DEFAULT_CLUSTER];
  if (refs.length > 100) throw invalid('clusters can have at most 100 items.');
  const include = readInclude(input, ['ATTACHMENTS', 'CONFIGURATIONS', 'SETTINGS', 'STATISTICS', 'TAGS']);
  const clusters: unknown[] = [];
  const failures: unknown[] = [];
  for (const ref of refs) {
    const name = clusterName(core, ref);
    const cluster = name === undefined ? undefined : core.state.clusters.get(name);
    if (cluster) clusters.push(clusterView(core, cluster, include));
    else failures.push({ arn: name === undefined ? ref : clusterArn(core.ctx, name), reason: 'MISSING' });
  }
  return { clusters, failures };
}

export function listClusters(core: Core, input: Input) {
  const all = [...core.state.clusters.values()].map((c) => c.arn).sort();
  const page = paginate(all, (arn) => arn, maxResults(input), optString(input, 'nextToken'));
  return { clusterArns: page.items, nextToken: page.nextToken };
}
