/** StopTask, DescribeTasks, ListTasks. */
import { taskArn } from './arns';
import type { Core } from './core';
import { findInstance, findTask, requireCluster } from './lookup';
import { paginate, seqKey } from './pagination';
import { taskView } from './taskView';
import { apiTime } from './time';
import { invalid, maxResults, optEnum, optString, optStringList, readInclude, requireString, type Input } from './validate';

export const DEFAULT_STOP_REASON = 'Task stopped by user';

export function stopTask(core: Core, input: Input) {
  const cluster = requireCluster(core, optString(input, 'cluster'));
  const task = findTask(core, cluster, requireString(input, 'task'));
  if (!task) throw invalid('The referenced task was not found.');
  core.lifecycle.requestStop(task, 'UserInitiated', optString(input, 'reason') || DEFAULT_STOP_REASON);
  return { task: taskView(task, apiTime) };
}

export function describeTasks(core: Core, input: Input) {
  const cluster = requireCluster(core, optString(input, 'cluster'));
  const refs = optStringList(input, 'tasks') ?? [];
  if (refs.length === 0) throw invalid('Tasks cannot be empty.');
  if (refs.length > 100) throw invalid('tasks can have at most 100 items.');
  const include = readInclude(input, ['TAGS']);
  const tasks: unknown[] = [];
  const failures: unknown[] = [];
  for (const ref of refs) {
    const task = findTask(core, cluster, ref);
    if (task) tasks.push(taskView(task, apiTime, { tags: include.has('TAGS') }));
    else failures.push({ arn: ref.startsWith('arn:') ? ref : taskArn(core.ctx, cluster.name, ref), reason: 'MISSING' });
  }
  return { tasks, failures };
}

/**
 * Tasks whose desiredStatus is RUNNING (default) or STOPPED; stopped ones only while they are still
 * retained. No services run in the simulator, so a serviceName filter matches nothing.
 */
export function listTasks(core: Core, input: Input) {
  const cluster = requireCluster(core, optString(input, 'cluster'));
  const desired = optEnum(input, 'desiredStatus', ['RUNNING', 'PENDING', 'STOPPED'] as const) ?? 'RUNNING';
  const family = optString(input, 'family');
  const startedBy = optString(input, 'startedBy');
  const serviceName = optString(input, 'serviceName');
  const launchType = optEnum(input, 'launchType', ['EC2', 'FARGATE', 'EXTERNAL', 'MANAGED_INSTANCES'] as const);
  const instanceRef = optString(input, 'containerInstance');
  const instance = instanceRef ? findInstance(core, cluster, instanceRef) : undefined;
  const limit = maxResults(input);
  const none = serviceName !== undefined || (launchType !== undefined && launchType !== 'EC2') || (instanceRef && !instance);
  const matches = none
    ? []
    : core.state
        .tasksOf(cluster.arn)
        .filter((t) => t.desiredStatus === desired)
        .filter((t) => family === undefined || t.taskDefinition.family === family)
        .filter((t) => startedBy === undefined || t.startedBy === startedBy)
        .filter((t) => !instance || t.instance === instance)
        .sort((a, b) => a.seq - b.seq);
  const page = paginate(matches, (t) => seqKey(t.seq), limit, optString(input, 'nextToken'));
  return { taskArns: page.items.map((t) => t.arn), nextToken: page.nextToken };
}
