import { DEFAULT_DEPLOYMENT_CONFIGURATION, type Service, type ServiceSpec } from '../../shared/core/service';
import type { ObservedInstance, ObservedTask } from '../../shared/core/observed';

export function serviceSpec(overrides: Partial<ServiceSpec> = {}): ServiceSpec {
  return {
    name: 'web',
    cluster: 'prod',
    taskDefinition: 'web:1',
    desiredCount: 3,
    schedulingStrategy: 'REPLICA',
    launchType: 'EC2',
    placementStrategy: [{ type: 'spread', field: 'attribute:ecs.availability-zone' }],
    placementConstraints: [],
    deploymentConfiguration: DEFAULT_DEPLOYMENT_CONFIGURATION,
    loadBalancers: [],
    tags: { team: 'payments' },
    paused: false,
    ...overrides,
  };
}

export function observedTask(overrides: Partial<ObservedTask> = {}): ObservedTask {
  return {
    taskArn: 'arn:aws:ecs:us-east-1:123456789012:task/prod/0123456789abcdef0123456789abcdef',
    service: 'web',
    cluster: 'prod',
    containerInstanceArn: 'arn:aws:ecs:us-east-1:123456789012:container-instance/prod/aaaa',
    taskDefinitionArn: 'arn:aws:ecs:us-east-1:123456789012:task-definition/web:1',
    lastStatus: 'RUNNING',
    desiredStatus: 'RUNNING',
    containers: [{ name: 'app', lastStatus: 'RUNNING' }],
    version: 2,
    updatedAt: '2026-01-01T00:00:00.000Z',
    ...overrides,
  };
}

export function observedInstance(overrides: Partial<ObservedInstance> = {}): ObservedInstance {
  return {
    containerInstanceArn: 'arn:aws:ecs:us-east-1:123456789012:container-instance/prod/aaaa',
    cluster: 'prod',
    ec2InstanceId: 'i-0123456789abcdef0',
    status: 'ACTIVE',
    agentConnected: true,
    registered: { cpu: 2048, memory: 7680, ports: [22, 2375, 2376, 51678, 51679] },
    remaining: { cpu: 2048, memory: 7680, ports: [22, 2375, 2376, 51678, 51679] },
    attributes: { 'ecs.availability-zone': 'us-east-1a' },
    availabilityZone: 'us-east-1a',
    instanceType: 'm5.large',
    runningTasksCount: 0,
    pendingTasksCount: 0,
    version: 1,
    updatedAt: '2026-01-01T00:00:00.000Z',
    ...overrides,
  };
}

/** A stored service (spec + bookkeeping) for pure tests. */
export function storedService(overrides: Partial<Service> = {}, spec: Partial<ServiceSpec> = {}): Service {
  return { ...serviceSpec(spec), status: 'ACTIVE', revision: 1, createdAt: '', updatedAt: '', deployments: [], ...overrides };
}
