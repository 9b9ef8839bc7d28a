/**
 * The capacity decision's inputs, from what Shepherd already holds: the group (one
 * DescribeAutoScalingGroups), the store's instances, live tasks and services of the cluster, and
 * task sizes (DescribeTaskDefinition, cached per Lambda container — a revision never changes).
 */
import type { ECSClient } from '@aws-sdk/client-ecs';
import type { CapacityInput, Demand, Host, HostTask } from '../core/capacity';
import type { CapacityControllerState, CapacitySettings } from '../core/cluster';
import { isTerminal, type ObservedInstance } from '../core/observed';
import type { Service } from '../core/service';
import type { GroupView } from '../autoscaling/group';
import { isCapacityFailure } from '../ecs/runTask';
import { taskSize, type TaskSize } from '../ecs/taskSize';
import type { StoredTask } from '../store';

export const DEFAULT_MAX_SCALING_STEP = 10;
export const DEFAULT_SCALE_IN_AFTER_SECONDS = 600;
/** Instances Shepherd drains at once to remove them: one, so a scale-in never moves much work at a time. */
export const MAX_DRAINING_AT_ONCE = 1;

export type { ClusterView as ClusterState } from '../store/clusterView';
import type { ClusterView as ClusterState } from '../store/clusterView';

export const EMPTY_MEMORY: CapacityControllerState = { idleSince: {}, consolidatableSince: {}, drainingSince: {} };

/** Task sizes of the services' task definitions; a definition ECS cannot describe is left out (its tasks count as unknown). */
async function sizes(ecs: ECSClient, taskDefinitions: Iterable<string>): Promise<Map<string, TaskSize>> {
  const out = new Map<string, TaskSize>();
  await Promise.all(
    [...new Set(taskDefinitions)].map(async (td) => {
      try {
        out.set(td, await taskSize(ecs, td));
      } catch {
        // Unknown size: such tasks make their host busy and unmovable, and their demand is not counted.
      }
    }),
  );
  return out;
}

function overridden(service: Service | undefined, size: TaskSize): TaskSize {
  const cpu = Number(service?.overrides?.cpu);
  const memory = Number(service?.overrides?.memory);
  return { ...size, ...(cpu > 0 ? { cpu } : {}), ...(memory > 0 ? { memory } : {}) };
}

const distinctOf = (service: Service | undefined, size: TaskSize) =>
  size.staticPorts || (service?.placementConstraints ?? []).some((c) => c.type === 'distinctInstance');

export async function capacityInput(
  ecs: ECSClient,
  settings: CapacitySettings,
  memory: CapacityControllerState | undefined,
  group: GroupView,
  state: ClusterState,
  now: number,
): Promise<CapacityInput> {
  const services = new Map(state.services.map((s) => [s.name, s]));
  const live = state.tasks.filter((t) => !isTerminal(t.lastStatus));
  const wanting = state.services.filter((s) => s.status === 'ACTIVE' && !s.paused && s.schedulingStrategy === 'REPLICA' && (s.unplaced?.count ?? 0) > 0);
  const known = await sizes(ecs, [...live.map((t) => t.taskDefinitionArn), ...wanting.map((s) => s.taskDefinition)]);

  const byInstance = new Map<string, StoredTask[]>();
  for (const t of live) {
    if (!t.containerInstanceArn) continue;
    const list = byInstance.get(t.containerInstanceArn);
    if (list) list.push(t);
    else byInstance.set(t.containerInstanceArn, [t]);
  }
  const byEc2 = new Map<string, ObservedInstance>();
  for (const i of state.instances) if (i.ec2InstanceId && i.status !== 'INACTIVE') byEc2.set(i.ec2InstanceId, i);

  const hosts: Host[] = group.instances.map((gi) => {
    const ci = byEc2.get(gi.instanceId);
    const host: Host = { instanceId: gi.instanceId, lifecycle: gi.lifecycle, protectedFromScaleIn: gi.protectedFromScaleIn };
    if (!ci) return host;
    const tasks: HostTask[] = [];
    let unknown = 0;
    for (const t of byInstance.get(ci.containerInstanceArn) ?? []) {
      const service = services.get(t.service);
      const size = known.get(t.taskDefinitionArn);
      if (!size) {
        unknown++;
        continue;
      }
      const s = overridden(service, size);
      tasks.push({ service: t.service, cpu: s.cpu, memory: s.memory, daemon: service?.schedulingStrategy === 'DAEMON', distinct: distinctOf(service, s) });
    }
    // Tasks ECS counts on the host that Shepherd does not know (other schedulers', people's): busy, unmovable.
    const other = Math.max(0, ci.runningTasksCount + ci.pendingTasksCount - tasks.length - unknown) + unknown;
    host.ecs = {
      containerInstanceArn: ci.containerInstanceArn,
      status: ci.status,
      agentConnected: ci.agentConnected,
      registered: { cpu: ci.registered.cpu, memory: ci.registered.memory },
      remaining: { cpu: ci.remaining.cpu, memory: ci.remaining.memory },
      tasks,
      otherTasks: other,
    };
    return host;
  });

  const activeHosts = new Set(state.instances.filter((i) => i.status === 'ACTIVE').map((i) => i.containerInstanceArn));
  const demand: Demand[] = [];
  for (const s of wanting) {
    if (!(s.unplaced?.reasons ?? []).every((r) => isCapacityFailure(r))) continue; // e.g. a constraint no host meets: more hosts won't help
    const size = known.get(s.taskDefinition);
    if (!size) continue;
    // Never more than the service still misses now (the record may predate a scale-down).
    // Tasks on hosts being drained or lost are leaving: they are what the demand replaces.
    const liveCount = live.filter((t) => t.service === s.name && !t.stopIntent && (!t.containerInstanceArn || activeHosts.has(t.containerInstanceArn))).length;
    const count = Math.min(s.unplaced!.count, Math.max(0, s.desiredCount - liveCount));
    if (count === 0) continue;
    const z = overridden(s, size);
    demand.push({ service: s.name, count, cpu: z.cpu, memory: z.memory, distinct: distinctOf(s, z) });
  }

  return {
    settings: {
      // Within the group's own range too (it may have been changed since the settings were accepted).
      minSize: Math.max(settings.minSize, group.min),
      maxSize: Math.min(settings.maxSize, group.max),
      targetUtilizationPercent: settings.targetUtilizationPercent,
      maxScalingStep: settings.maxScalingStep ?? DEFAULT_MAX_SCALING_STEP,
      scaleInAfterMs: (settings.scaleInAfterSeconds ?? DEFAULT_SCALE_IN_AFTER_SECONDS) * 1000,
      maxDrainingAtOnce: MAX_DRAINING_AT_ONCE,
    },
    group: { desired: group.desired },
    hosts,
    demand,
    state: memory ?? EMPTY_MEMORY,
    now,
  };
}
