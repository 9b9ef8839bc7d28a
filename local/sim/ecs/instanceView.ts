/** A container instance as DescribeContainerInstances returns it, and as an event's `detail`. */
import { remaining, resourceList } from './resources';
import type { ContainerInstanceRecord } from './state';
import { compact, type TimeFormat } from './time';

export function instanceView(
  ci: ContainerInstanceRecord,
  time: TimeFormat,
  opts: { tags?: boolean; api?: boolean } = {},
): Record<string, unknown> {
  const api = opts.api ?? true;
  let running = 0;
  let pending = 0;
  for (const t of ci.liveTasks) {
    if (t.desiredStatus === 'RUNNING') running++;
    if (t.lastStatus === 'PROVISIONING' || t.lastStatus === 'PENDING') pending++;
  }
  return compact({
    containerInstanceArn: ci.arn,
    ec2InstanceId: ci.ec2InstanceId,
    version: ci.version,
    versionInfo: ci.versionInfo,
    remainingResources: resourceList(remaining(ci), api),
    registeredResources: resourceList(ci.registered, api),
    status: ci.status,
    statusReason: ci.statusReason,
    agentConnected: ci.agentConnected,
    runningTasksCount: running,
    pendingTasksCount: pending,
    attributes: ci.attributes,
    registeredAt: time(ci.registeredAt),
    attachments: [],
    tags: opts.tags ? ci.tags : undefined,
  });
}
