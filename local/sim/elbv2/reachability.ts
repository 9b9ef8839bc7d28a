/**
 * Whether a target answers a health check at a given time: for an `instance` target, some task
 * holds the probed TCP port on that EC2 instance; for an `ip` target, an awsvpc task with that
 * address exposes the port. Read from the ECS simulator, which says when each task answers.
 */
import type { TaskEndpoint } from '../ecs';
import type { TargetType } from './model';

/** What the ELBv2 simulator reads from the compute behind its targets (the ECS simulator). */
export interface TargetNetwork {
  taskEndpoints(): TaskEndpoint[];
  /** EC2 instances known to ECS (registered as container instances at some point). */
  snapshot(): { instances: { ec2InstanceId: string }[] };
}

const listensOn = (type: TargetType, id: string, port: number) => (e: TaskEndpoint): boolean =>
  type === 'instance' ? e.ec2InstanceId === id && e.tcpHostPorts.includes(port) : e.privateIp === id && e.tcpContainerPorts.includes(port);

/** The probe of one target: answers(t) is true when a check at time t succeeds. */
export function probe(endpoints: TaskEndpoint[], type: TargetType, id: string, port: number): (t: number) => boolean {
  const windows = endpoints
    .filter(listensOn(type, id, port))
    .filter((e) => e.answersFrom !== undefined)
    .map((e) => ({ from: e.answersFrom as number, until: e.answersUntil ?? Number.POSITIVE_INFINITY }));
  return (t) => windows.some((w) => w.from <= t && t < w.until);
}

/** The zone of the (latest) awsvpc task holding an address, as ELB detects it for ip targets in the VPC. */
export function zoneOfAddress(endpoints: TaskEndpoint[], ip: string): string | undefined {
  return [...endpoints].reverse().find((e) => e.privateIp === ip)?.availabilityZone;
}
