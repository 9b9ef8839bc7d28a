/**
 * Where each task can be reached over the network and when it answers there: what a load
 * balancer's health checks would see (read by the ELBv2 simulator). Read-only.
 */
import type { Core } from './core';
import type { TaskRecord } from './state';

export interface TaskEndpoint {
  taskArn: string;
  ec2InstanceId: string;
  availabilityZone: string;
  /** The ENI's private IPv4 address of an awsvpc task. */
  privateIp?: string;
  /** TCP ports the task holds on its instance's address (bridge and host network modes). */
  tcpHostPorts: number[];
  /** TCP container ports of an awsvpc task, reached at privateIp. */
  tcpContainerPorts: number[];
  /** When it began to answer (it reached RUNNING); absent while it never did. */
  answersFrom?: number;
  /**
   * When it stopped answering: it began to stop (STOPPING, or its host went away), or its failure
   * model made it unhealthy. Absent while it still answers.
   */
  answersUntil?: number;
}

/** When the failure model makes a running task unhealthy (the lifecycle's rule), if it does. */
function unhealthyAt(core: Core, task: TaskRecord): number | undefined {
  if (task.fate.kind !== 'unhealthy' || task.startedAt === undefined) return undefined;
  return task.startedAt + (task.fate.afterMs ?? core.opts.delays.healthyAfterMs);
}

function answersUntil(core: Core, task: TaskRecord): number | undefined {
  const ends = [task.stoppingAt ?? task.stoppedAt, unhealthyAt(core, task)].filter((t): t is number => t !== undefined);
  return ends.length ? Math.min(...ends) : undefined;
}

export function taskEndpoints(core: Core): TaskEndpoint[] {
  return [...core.state.tasks.values()].map((task) => {
    const privateIp = task.containers.find((c) => c.networkInterfaces?.length)?.networkInterfaces?.[0]?.privateIpv4Address;
    const until = answersUntil(core, task);
    return {
      taskArn: task.arn,
      ec2InstanceId: task.instance.ec2InstanceId,
      availabilityZone: task.availabilityZone,
      ...(privateIp !== undefined ? { privateIp } : {}),
      tcpHostPorts: [...task.staticTcpPorts, ...task.dynamicTcpPorts],
      tcpContainerPorts:
        task.taskDefinition.networkMode === 'awsvpc'
          ? task.taskDefinition.containers.flatMap((c) => c.portMappings.filter((p) => p.protocol === 'tcp').map((p) => p.containerPort))
          : [],
      ...(task.startedAt !== undefined ? { answersFrom: task.startedAt } : {}),
      ...(until !== undefined ? { answersUntil: until } : {}),
    };
  });
}
