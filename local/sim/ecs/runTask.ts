/** RunTask: ECS places 1–10 tasks in the cluster; StartTask: on named container instances. */
import { containerInstanceArn } from './arns';
import type { Core } from './core';
import { checkClientToken, remember, replay } from './idempotency';
import { findInstance, requireCluster } from './lookup';
import { readConstraints, readStrategies } from './placementInput';
import { placeTasks, type Failure } from './placeTasks';
import type { TaskRecord } from './state';
import { readTaskRequest } from './taskRequest';
import { taskView } from './taskView';
import { apiTime } from './time';
import { invalid, optInteger, optString, optStringList, type Input } from './validate';

const view = (tasks: TaskRecord[]) => tasks.map((t) => taskView(t, apiTime, { tags: true }));

export function runTask(core: Core, input: Input) {
  const cluster = requireCluster(core, optString(input, 'cluster'));
  const count = optInteger(input, 'count') ?? 1;
  if (count < 1 || count > 10) throw invalid('count must be between 1 and 10.');
  const token = optString(input, 'clientToken');
  if (token !== undefined) {
    checkClientToken(token);
    const earlier = replay(core, cluster.arn, token, input);
    if (earlier) {
      const tasks = earlier.taskArns.map((arn) => core.state.tasks.get(arn)).filter((t): t is TaskRecord => t !== undefined);
      return { tasks: view(tasks), failures: earlier.failures };
    }
  }
  const req = readTaskRequest(core, cluster, input);
  const strategies = readStrategies(input);
  const constraints = readConstraints(input, req.td);
  const instances = core.state.instancesOf(cluster.arn).filter((ci) => ci.status !== 'INACTIVE');
  const result = placeTasks(core, cluster, instances, req, count, strategies, constraints);
  if (token !== undefined) remember(core, cluster.arn, token, input, { taskArns: result.tasks.map((t) => t.arn), failures: result.failures });
  return { tasks: view(result.tasks), failures: result.failures };
}

export function startTask(core: Core, input: Input) {
  const cluster = requireCluster(core, optString(input, 'cluster'));
  const refs = optStringList(input, 'containerInstances') ?? [];
  if (refs.length === 0) throw invalid('containerInstances can not be empty.');
  if (refs.length > 10) throw invalid('containerInstances can have at most 10 items.');
  const req = readTaskRequest(core, cluster, input);
  const tasks: TaskRecord[] = [];
  const failures: Failure[] = [];
  for (const ref of refs) {
    const ci = findInstance(core, cluster, ref);
    if (!ci) {
      failures.push({ arn: ref.startsWith('arn:') ? ref : containerInstanceArn(core.ctx, cluster.name, ref), reason: 'MISSING' });
      continue;
    }
    if (ci.status !== 'ACTIVE') {
      // Not ACTIVE (DRAINING or deregistered): nothing new starts there.
      failures.push({ arn: ci.arn, reason: ci.status });
      continue;
    }
    const one = placeTasks(core, cluster, [ci], req, 1, [], []);
    tasks.push(...one.tasks);
    failures.push(...one.failures);
  }
  return { tasks: view(tasks), failures };
}
