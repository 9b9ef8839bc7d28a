/** Builders for the capacity decision's tests: hosts, tasks, settings and inputs. */
import type { CapacityInput, CapacitySettingsView, Demand, Host, HostTask, Resources } from '../../shared/core/capacity';

/** An m5.large as ECS registers it. */
export const M5_LARGE: Resources = { cpu: 2048, memory: 7680 };
export const NOW = Date.parse('2026-01-01T12:00:00.000Z');
export const minutesAgo = (m: number) => new Date(NOW - m * 60_000).toISOString();

export function task(service: string, cpu: number, memory: number, o: Partial<HostTask> = {}): HostTask {
  return { service, cpu, memory, daemon: false, distinct: false, ...o };
}

export interface HostOptions {
  lifecycle?: Host['lifecycle'];
  protectedFromScaleIn?: boolean;
  status?: string;
  agentConnected?: boolean;
  registered?: Resources;
  tasks?: HostTask[];
  otherTasks?: number;
  /** Defaults to registered less the tasks. */
  remaining?: Resources;
}

/** A host registered with ECS (ACTIVE, connected, InService, unprotected). */
export function host(instanceId: string, o: HostOptions = {}): Host {
  const registered = o.registered ?? M5_LARGE;
  const tasks = o.tasks ?? [];
  const used = tasks.reduce((r, t) => ({ cpu: r.cpu + t.cpu, memory: r.memory + t.memory }), { cpu: 0, memory: 0 });
  return {
    instanceId,
    lifecycle: o.lifecycle ?? 'InService',
    protectedFromScaleIn: o.protectedFromScaleIn ?? false,
    ecs: {
      containerInstanceArn: `arn:aws:ecs:us-east-1:123456789012:container-instance/prod/${instanceId}`,
      status: o.status ?? 'ACTIVE',
      agentConnected: o.agentConnected ?? true,
      registered,
      remaining: o.remaining ?? { cpu: registered.cpu - used.cpu, memory: registered.memory - used.memory },
      tasks,
      otherTasks: o.otherTasks ?? 0,
    },
  };
}

/** A host the group launched that has not registered with ECS yet. */
export function bootingHost(instanceId: string, lifecycle: Host['lifecycle'] = 'Pending', protectedFromScaleIn = false): Host {
  return { instanceId, lifecycle, protectedFromScaleIn };
}

export function demand(service: string, count: number, cpu: number, memory: number, distinct = false): Demand {
  return { service, count, cpu, memory, distinct };
}

export function settings(o: Partial<CapacitySettingsView> = {}): CapacitySettingsView {
  return { minSize: 0, maxSize: 100, targetUtilizationPercent: 100, maxScalingStep: 10, scaleInAfterMs: 10 * 60_000, maxDrainingAtOnce: 1, ...o };
}

export interface InputOptions {
  settings?: Partial<CapacitySettingsView>;
  desired?: number;
  hosts?: Host[];
  demand?: Demand[];
  idleSince?: Record<string, string>;
  consolidatableSince?: Record<string, string>;
  drainingSince?: Record<string, string>;
}

/** An input whose group's desired defaults to the number of hosts given. */
export function input(o: InputOptions = {}): CapacityInput {
  const hosts = o.hosts ?? [];
  return {
    settings: settings(o.settings),
    group: { desired: o.desired ?? hosts.length },
    hosts,
    demand: o.demand ?? [],
    state: { idleSince: o.idleSince ?? {}, consolidatableSince: o.consolidatableSince ?? {}, drainingSince: o.drainingSince ?? {} },
    now: NOW,
  };
}
