/**
 * What one task of a task definition reserves on a container instance (for the capacity
 * controller's bin-packing estimate), read with DescribeTaskDefinition and kept for the life of the
 * Lambda container: a task definition revision never changes.
 *
 * As ECS places EC2 tasks: task-level cpu/memory when given, else the sum over containers of `cpu`
 * and of `memory` (or `memoryReservation`). Static host ports (host network mode, or a fixed
 * hostPort) mean two tasks of the service can never share an instance.
 */
import { DescribeTaskDefinitionCommand, type ECSClient, type TaskDefinition } from '@aws-sdk/client-ecs';

export interface TaskSize {
  cpu: number;
  memory: number;
  staticPorts: boolean;
}

const cache = new Map<string, Promise<TaskSize>>();

export function sizeOf(td: TaskDefinition): TaskSize {
  const containers = td.containerDefinitions ?? [];
  const sum = (pick: (c: (typeof containers)[number]) => number) => containers.reduce((n, c) => n + pick(c), 0);
  const taskCpu = parseUnits(td.cpu, 1024);
  const taskMemory = parseUnits(td.memory, 1024);
  const staticPorts =
    td.networkMode === 'host' ||
    containers.some((c) => (c.portMappings ?? []).some((p) => (p.hostPort ?? 0) > 0 && td.networkMode !== 'awsvpc'));
  return {
    cpu: taskCpu ?? sum((c) => c.cpu ?? 0),
    memory: taskMemory ?? sum((c) => c.memory ?? c.memoryReservation ?? 0),
    staticPorts,
  };
}

/** "1024", "1 vCPU", "2 GB" → units (cpu units or MiB); undefined when absent or unreadable. */
function parseUnits(value: string | undefined, perWhole: number): number | undefined {
  if (!value) return undefined;
  const m = /^\s*([\d.]+)\s*(vcpu|gb)?\s*$/i.exec(value);
  if (!m) return undefined;
  const n = Number(m[1]);
  return m[2] ? Math.round(n * perWhole) : n;
}

export function taskSize(ecs: ECSClient, taskDefinition: string): Promise<TaskSize> {
  let hit = cache.get(taskDefinition);
  if (!hit) {
    hit = ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition })).then((out) => {
      if (!out.taskDefinition) throw new Error(`ECS has no task definition ${taskDefinition}`);
      return sizeOf(out.taskDefinition);
    });
    // A failed read is not remembered: the next decision asks again.
    hit.catch(() => cache.delete(taskDefinition));
    cache.set(taskDefinition, hit);
  }
  return hit;
}
