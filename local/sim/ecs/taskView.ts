/** A task as DescribeTasks returns it, and as the `detail` of an `ECS Task State Change` event. */
import type { ContainerRecord, TaskRecord } from './state';
import { compact, type TimeFormat } from './time';

const at = (time: TimeFormat, ms: number | undefined) => (ms === undefined ? undefined : time(ms));

function containerView(task: TaskRecord, c: ContainerRecord) {
  return {
    containerArn: c.arn,
    taskArn: task.arn,
    name: c.name,
    image: c.image,
    imageDigest: c.started ? c.imageDigest : undefined,
    runtimeId: c.started ? c.runtimeId : undefined,
    lastStatus: c.lastStatus,
    exitCode: c.exitCode,
    reason: c.reason,
    networkBindings: c.started ? c.bindings : [],
    networkInterfaces: c.networkInterfaces,
    healthStatus: c.healthStatus,
    cpu: String(c.cpu),
    memory: c.memory === undefined ? undefined : String(c.memory),
    memoryReservation: c.memoryReservation === undefined ? undefined : String(c.memoryReservation),
  };
}

export function taskView(task: TaskRecord, time: TimeFormat, opts: { tags?: boolean } = {}): Record<string, unknown> {
  return compact({
    attachments: task.attachments,
    attributes: [{ name: 'ecs.cpu-architecture', value: 'x86_64' }],
    availabilityZone: task.availabilityZone,
    clusterArn: task.clusterArn,
    connectivity: task.connectivity,
    connectivityAt: at(time, task.connectivityAt),
    containerInstanceArn: task.instance.arn,
    containers: task.containers.map((c) => containerView(task, c)),
    cpu: String(task.cpu),
    createdAt: time(task.createdAt),
    desiredStatus: task.desiredStatus,
    enableExecuteCommand: task.enableExecuteCommand,
    executionStoppedAt: at(time, task.executionStoppedAt),
    group: task.group,
    healthStatus: task.healthStatus,
    lastStatus: task.lastStatus,
    launchType: 'EC2',
    memory: String(task.memory),
    overrides: task.overrides,
    pullStartedAt: at(time, task.pullStartedAt),
    pullStoppedAt: at(time, task.pullStoppedAt),
    startedAt: at(time, task.startedAt),
    startedBy: task.startedBy,
    stopCode: task.stopCode,
    stoppedAt: at(time, task.stoppedAt),
    stoppedReason: task.stoppedReason,
    stoppingAt: at(time, task.stoppingAt),
    tags: opts.tags ? task.tags : undefined,
    taskArn: task.arn,
    taskDefinitionArn: task.taskDefinition.arn,
    version: task.version,
  });
}
