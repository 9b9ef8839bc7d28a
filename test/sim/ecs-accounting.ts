/**
 * Resource accounting read back through the API: what DescribeContainerInstances says an instance
 * has left must equal what it registered minus what DescribeTasks says its live (not STOPPED) tasks
 * hold, nothing may be overcommitted, and no host port may be bound twice.
 */
import {
  DescribeContainerInstancesCommand,
  DescribeTasksCommand,
  ListContainerInstancesCommand,
  ListTasksCommand,
  type ContainerInstance,
  type ECSClient,
  type Task,
} from '@aws-sdk/client-ecs';
import { integerResource, portsResource } from './ecs-harness';

export interface ClusterView {
  instances: ContainerInstance[];
  tasks: Task[];
}

async function listAll<T>(page: (token?: string) => Promise<{ items?: T[]; next?: string }>): Promise<T[]> {
  const out: T[] = [];
  let token: string | undefined;
  do {
    const p = await page(token);
    out.push(...(p.items ?? []));
    token = p.next;
  } while (token);
  return out;
}

async function describeInBatches<T>(arns: string[], describe: (batch: string[]) => Promise<T[]>): Promise<T[]> {
  const out: T[] = [];
  for (let i = 0; i < arns.length; i += 100) out.push(...(await describe(arns.slice(i, i + 100))));
  return out;
}

/**
 * The cluster's container instances — the ones ListContainerInstances lists plus `known` ones (it
 * does not list INACTIVE instances) — and every task still known (running or recently stopped).
 */
export async function readCluster(ecs: ECSClient, cluster: string, known: string[] = []): Promise<ClusterView> {
  const listed = await listAll(async (nextToken) => {
    const r = await ecs.send(new ListContainerInstancesCommand({ cluster, nextToken }));
    return { items: r.containerInstanceArns, next: r.nextToken };
  });
  const instanceArns = [...new Set([...listed, ...known])];
  const taskArns: string[] = [];
  for (const desiredStatus of ['RUNNING', 'STOPPED'] as const) {
    taskArns.push(
      ...(await listAll(async (nextToken) => {
        const r = await ecs.send(new ListTasksCommand({ cluster, desiredStatus, nextToken }));
        return { items: r.taskArns, next: r.nextToken };
      })),
    );
  }
  const instances = await describeInBatches(instanceArns, async (batch) =>
    (await ecs.send(new DescribeContainerInstancesCommand({ cluster, containerInstances: batch }))).containerInstances ?? [],
  );
  const tasks = await describeInBatches(taskArns, async (batch) =>
    (await ecs.send(new DescribeTasksCommand({ cluster, tasks: batch }))).tasks ?? [],
  );
  return { instances, tasks };
}

/** Static host ports a task holds, from its task definition family (the test's own definitions). */
export type StaticPorts = (task: Task) => { tcp: number[]; udp: number[] };

const sorted = (xs: number[]) => [...xs].sort((a, b) => a - b);

/** Violations of the accounting rules; empty when everything adds up. */
export function accountingViolations(view: ClusterView, staticPorts: StaticPorts): string[] {
  const out: string[] = [];
  for (const ci of view.instances) {
    const arn = ci.containerInstanceArn as string;
    const live = view.tasks.filter((t) => t.containerInstanceArn === arn && t.lastStatus !== 'STOPPED');
    const regCpu = integerResource(ci.registeredResources, 'CPU') ?? NaN;
    const regMem = integerResource(ci.registeredResources, 'MEMORY') ?? NaN;
    const remCpu = integerResource(ci.remainingResources, 'CPU') ?? NaN;
    const remMem = integerResource(ci.remainingResources, 'MEMORY') ?? NaN;
    const usedCpu = live.reduce((s, t) => s + Number(t.cpu), 0);
    const usedMem = live.reduce((s, t) => s + Number(t.memory), 0);
    if (remCpu < 0 || remMem < 0) out.push(`${arn}: overcommitted (remaining cpu ${remCpu}, memory ${remMem})`);
    if (remCpu !== regCpu - usedCpu) out.push(`${arn}: remaining cpu ${remCpu} != ${regCpu} - ${usedCpu}`);
    if (remMem !== regMem - usedMem) out.push(`${arn}: remaining memory ${remMem} != ${regMem} - ${usedMem}`);

    const expectedTcp = [...portsResource(ci.registeredResources, 'PORTS'), ...live.flatMap((t) => staticPorts(t).tcp)];
    const expectedUdp = [...portsResource(ci.registeredResources, 'PORTS_UDP'), ...live.flatMap((t) => staticPorts(t).udp)];
    if (sorted(portsResource(ci.remainingResources, 'PORTS')).join() !== sorted(expectedTcp).join()) {
      out.push(`${arn}: remaining PORTS ${portsResource(ci.remainingResources, 'PORTS').join()} != ${sorted(expectedTcp).join()}`);
    }
    if (sorted(portsResource(ci.remainingResources, 'PORTS_UDP')).join() !== sorted(expectedUdp).join()) {
      out.push(`${arn}: remaining PORTS_UDP ${portsResource(ci.remainingResources, 'PORTS_UDP').join()} != ${sorted(expectedUdp).join()}`);
    }
    for (const protocol of ['tcp', 'udp'] as const) {
      const bound = live.flatMap((t) => (t.containers ?? []).flatMap((c) => c.networkBindings ?? [])).filter((b) => b.protocol === protocol);
      const ports = bound.map((b) => b.hostPort as number);
      const reserved = protocol === 'tcp' ? portsResource(ci.registeredResources, 'PORTS') : [];
      if (new Set(ports).size !== ports.length) out.push(`${arn}: a ${protocol} host port is bound twice (${sorted(ports).join()})`);
      if (ports.some((p) => reserved.includes(p))) out.push(`${arn}: a reserved port is bound`);
    }
    if (ci.status === 'INACTIVE' && live.length > 0) out.push(`${arn}: INACTIVE with ${live.length} live tasks`);
  }
  return out;
}
