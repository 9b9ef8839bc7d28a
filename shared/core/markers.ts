/**
 * How Shepherd marks the tasks it starts, so it can find them again and never touch others'.
 *
 * - `startedBy` = `shepherd/<stage>`: one stack's tasks; ListTasks filters on it exactly and the
 *   EventBridge rule matches it exactly, so other tasks never invoke a function.
 * - `group` = `shepherd:<service>`: which service the task belongs to (present in every task event).
 * - tags `shepherd:service`, `shepherd:stage`, `shepherd:deployment` for people and cost reports.
 */
export const GROUP_PREFIX = 'shepherd:';

export function startedByFor(stage: string): string {
  return `shepherd/${stage}`;
}

export function groupFor(service: string): string {
  return `${GROUP_PREFIX}${service}`;
}

/** The service a task belongs to, from its group; undefined for tasks that are not Shepherd's. */
export function serviceFromGroup(group: string | undefined): string | undefined {
  if (!group || !group.startsWith(GROUP_PREFIX)) return undefined;
  const name = group.slice(GROUP_PREFIX.length);
  return name.length > 0 ? name : undefined;
}

export function isManagedBy(stage: string, task: { startedBy?: string; group?: string }): boolean {
  return task.startedBy === startedByFor(stage) && serviceFromGroup(task.group) !== undefined;
}

/** Cluster name from a cluster ARN (`arn:aws:ecs:r:a:cluster/NAME`) or a bare name. */
export function clusterName(clusterOrArn: string): string {
  const i = clusterOrArn.indexOf(':cluster/');
  return i >= 0 ? clusterOrArn.slice(i + ':cluster/'.length) : clusterOrArn;
}

export const TAG_SERVICE = 'shepherd:service';
export const TAG_STAGE = 'shepherd:stage';
export const TAG_DEPLOYMENT = 'shepherd:deployment';
