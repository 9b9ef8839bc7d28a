/**
 * Places tasks on a set of container instances with the placement engine, then commits each placement.
 * The engine throws InvalidParameterException ("No Container Instances were found in your cluster.")
 * when none of them is ACTIVE, as RunTask does.
 *
 * Placement knows TCP ports only. A task with static UDP host ports is placed one task at a time,
 * each time offering only the instances where those ports are free (the others fail with
 * RESOURCE:PORTS), so no UDP port is ever given twice. Dynamic UDP ports are picked when the task is
 * created.
 */
import type { Core } from './core';
import { place } from './placement';
import type { PlacementConstraint, PlacementStrategy } from './placement/types';
import { toCandidate, usage } from './resources';
import type { ClusterRecord, ContainerInstanceRecord, TaskRecord } from './state';
import { createTask } from './taskFactory';
import type { TaskRequest } from './taskRequest';

export interface Failure {
  arn: string;
  reason: string;
  detail?: string;
}

interface Placed {
  tasks: TaskRecord[];
  failures: Failure[];
}

export function placeTasks(
  core: Core,
  cluster: ClusterRecord,
  instances: ContainerInstanceRecord[],
  req: TaskRequest,
  count: number,
  strategies: PlacementStrategy[],
  constraints: PlacementConstraint[],
): Placed {
  if (req.staticUdp.length === 0) return placeBatch(core, cluster, instances, [], req, count, strategies, constraints);
  const udpTaken = (ci: ContainerInstanceRecord) => {
    const used = usage(ci).udp;
    return req.staticUdp.some((n) => used.has(n.hostPort ?? -1));
  };
  const tasks: TaskRecord[] = [];
  for (let i = 0; i < count; i++) {
    const taken = instances.filter(udpTaken).map((ci) => ({ arn: ci.arn, reason: 'RESOURCE:PORTS' }));
    const free = instances.filter((ci) => !udpTaken(ci));
    const one = placeBatch(core, cluster, free, taken, req, 1, strategies, constraints);
    tasks.push(...one.tasks);
    if (one.tasks.length === 0) return { tasks, failures: one.failures };
  }
  return { tasks, failures: [] };
}

/** One call of the engine over `offered`; `refused` are instances already ruled out, with their reason. */
function placeBatch(
  core: Core,
  cluster: ClusterRecord,
  offered: ContainerInstanceRecord[],
  refused: Failure[],
  req: TaskRequest,
  count: number,
  strategies: PlacementStrategy[],
  constraints: PlacementConstraint[],
): Placed {
  if (refused.length > 0 && !offered.some((ci) => ci.status === 'ACTIVE')) return { tasks: [], failures: refused };
  const result = place(offered.map(toCandidate), {
    count,
    group: req.group,
    taskDefinitionArn: req.td.arn,
    cpu: req.cpu,
    memory: req.memory,
    staticPorts: req.staticTcp.map((n) => n.hostPort as number),
    dynamicPorts: req.dynamicTcp.length,
    strategies,
    constraints,
    random: core.ctx.random,
    requiredAttributes: req.td.requiresAttributes,
  });
  const tasks = result.placements.map((p) => {
    const ci = offered.find((i) => i.arn === p.containerInstanceArn);
    if (!ci) throw new Error(`placement chose ${p.containerInstanceArn}, which was not offered`);
    return createTask(core, cluster, ci, req, p.hostPorts);
  });
  if (tasks.length >= count) return { tasks, failures: [] };
  const failures = result.failures.map((f) => ({ arn: f.arn, reason: f.reason, ...(f.detail ? { detail: f.detail } : {}) }));
  return { tasks, failures: [...failures, ...refused] };
}
