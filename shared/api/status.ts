/**
 * A service's status, desired against observed, computed from the store alone (no ECS calls):
 * its tasks by lastStatus and, running/pending, per task definition revision, per container
 * instance and per availability zone; its deployments, backoff, unplaced demand and last events.
 */
import type { HistoryEvent } from '../core/history';
import type { ObservedInstance, ObservedTask } from '../core/observed';
import type { Service } from '../core/service';
import { primaryDeployment } from './deployments';
import { familyRevision } from './ecs';
import { DEPLOYMENT_FIELDS, eventView, ordered } from './serviceSpec';

const PENDING = new Set(['PROVISIONING', 'PENDING', 'ACTIVATING']);

interface Counts {
  running: number;
  pending: number;
}

function tally<K extends string>(rows: Map<string, Counts & Record<K, string | undefined>>, key: string | undefined, field: K, status: 'running' | 'pending') {
  const k = key ?? '';
  let row = rows.get(k);
  if (!row) {
    row = { [field]: key, running: 0, pending: 0 } as Counts & Record<K, string | undefined>;
    rows.set(k, row);
  }
  row[status]++;
}

/** Drops undefined members (a task without an availability zone has none to show). */
function compact<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

/** Daemon services want one task on each ACTIVE instance whose agent is connected. */
export function daemonDesiredCount(instances: readonly ObservedInstance[]): number {
  return instances.filter((i) => i.status === 'ACTIVE' && i.agentConnected).length;
}

export function serviceStatus(s: Service, tasks: readonly ObservedTask[], events: readonly HistoryEvent[], daemonInstances: readonly ObservedInstance[] = []) {
  const byLastStatus: Record<string, number> = {};
  const byTd = new Map<string, Counts & { taskDefinition: string | undefined }>();
  const byInstance = new Map<string, Counts & { containerInstanceArn: string | undefined }>();
  const byZone = new Map<string, Counts & { availabilityZone: string | undefined }>();
  let running = 0;
  let pending = 0;
  for (const t of tasks) {
    byLastStatus[t.lastStatus] = (byLastStatus[t.lastStatus] ?? 0) + 1;
    const state = t.lastStatus === 'RUNNING' ? 'running' : PENDING.has(t.lastStatus) ? 'pending' : undefined;
    if (!state) continue;
    if (state === 'running') running++;
    else pending++;
    tally(byTd, t.taskDefinitionArn, 'taskDefinition', state);
    tally(byInstance, t.containerInstanceArn, 'containerInstanceArn', state);
    tally(byZone, t.availabilityZone, 'availabilityZone', state);
  }
  const primary = primaryDeployment(s);
  const desiredCount = s.schedulingStrategy === 'DAEMON' && s.status === 'ACTIVE' ? daemonDesiredCount(daemonInstances) : s.desiredCount;
  const byKey = <T extends object>(m: Map<string, T>) => [...m.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, v]) => compact(v));
  return {
    name: s.name,
    cluster: s.cluster,
    status: s.status,
    paused: s.paused,
    revision: s.revision,
    desiredCount,
    runningCount: running,
    pendingCount: pending,
    tasks: {
      byLastStatus,
      byTaskDefinition: byKey(byTd).map((r) => {
        const rev = r.taskDefinition ? familyRevision(r.taskDefinition).revision : undefined;
        return { taskDefinition: r.taskDefinition ?? '', ...(rev !== undefined ? { revision: rev } : {}), running: r.running, pending: r.pending };
      }),
      byContainerInstance: byKey(byInstance),
      byAvailabilityZone: byKey(byZone),
    },
    deployments: s.deployments.map((d) => ordered(d, DEPLOYMENT_FIELDS)),
    ...(primary && primary.rolloutState === 'IN_PROGRESS' ? { deploymentInProgress: ordered(primary, DEPLOYMENT_FIELDS) } : {}),
    ...(s.backoff ? { backoff: s.backoff } : {}),
    ...(s.unplaced ? { unplaced: s.unplaced } : {}),
    events: events.map(eventView),
  };
}
