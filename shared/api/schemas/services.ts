/**
 * Services: what POST /services and PATCH /services/{name} accept, the actions' bodies, and what
 * the API answers. Field names are ECS's own (CreateService / UpdateService).
 */
import { z } from 'zod';
import { ClusterName, listOf, PageQuery, ServiceName, Tags, TaskDefinitionRef, Limit, NextToken } from './common';

const int = (min: number, max: number, what: string) =>
  z.int({ error: `${what}: an integer from ${min} to ${max}` }).min(min, { error: `${what}: an integer from ${min} to ${max}` }).max(max, { error: `${what}: an integer from ${min} to ${max}` });

export const MAX_DESIRED_COUNT = 10_000;
export const DesiredCount = int(0, MAX_DESIRED_COUNT, 'desiredCount').meta({
  description: `How many copies of the task to keep running, 0–${MAX_DESIRED_COUNT}. Required for REPLICA services; DAEMON services run one per container instance and take none.`,
  example: 3,
});

export const SchedulingStrategy = z.enum(['REPLICA', 'DAEMON']).meta({ description: 'REPLICA keeps desiredCount tasks; DAEMON keeps one on each ACTIVE container instance.' });
export const LaunchType = z.enum(['EC2', 'FARGATE', 'EXTERNAL']);

const ATTRIBUTE_FIELD = /^(?:instanceId|host|attribute:[A-Za-z0-9_.\-/\\]{1,128})$/;
export const PlacementStrategy = z.discriminatedUnion(
  'type',
  [
    z.strictObject({ type: z.literal('binpack'), field: z.enum(['cpu', 'memory']) }),
    z.strictObject({
      type: z.literal('spread'),
      field: z.string().regex(ATTRIBUTE_FIELD, { error: 'instanceId, host or attribute:<name>' }).meta({ example: 'attribute:ecs.availability-zone' }),
    }),
    z.strictObject({ type: z.literal('random') }),
  ],
  { error: 'type must be binpack, spread or random' },
);

export const PlacementConstraint = z.discriminatedUnion(
  'type',
  [
    z.strictObject({ type: z.literal('distinctInstance') }),
    z.strictObject({
      type: z.literal('memberOf'),
      expression: z.string().min(1).max(2000).meta({ description: 'A cluster query language expression.', example: 'attribute:ecs.instance-type =~ m5.*' }),
    }),
  ],
  { error: 'type must be distinctInstance or memberOf' },
);

export const CapacityProviderStrategyItem = z.strictObject({
  capacityProvider: z.string().min(1).max(255),
  weight: int(0, 1000, 'weight').optional(),
  base: int(0, 100_000, 'base').optional(),
});

const SUBNET = /^subnet-[0-9a-f]{1,17}$/;
const SECURITY_GROUP = /^sg-[0-9a-f]{1,17}$/;
export const NetworkConfiguration = z.strictObject({
  awsvpcConfiguration: z.strictObject({
    subnets: z.array(z.string().regex(SUBNET, { error: 'a subnet id, subnet-…' })).min(1).max(16),
    securityGroups: z.array(z.string().regex(SECURITY_GROUP, { error: 'a security group id, sg-…' })).max(5).optional(),
    assignPublicIp: z.enum(['ENABLED', 'DISABLED']).optional(),
  }),
});

const ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/;
export const RoleArn = z.string().regex(ROLE_ARN, { error: 'an IAM role ARN, arn:aws:iam::<account>:role/<name>' });

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,254}$/;
export const KeyValuePair = z.strictObject({
  name: z.string().regex(ENV_NAME, { error: 'an environment variable name' }),
  value: z.string().max(32_768),
});

const CONTAINER_NAME = /^[A-Za-z0-9_-]{1,255}$/;
export const ContainerName = z.string().regex(CONTAINER_NAME, { error: '1–255 letters, digits, hyphens and underscores' });
const TASK_CPU = /^(?:\d{1,6}|\d{1,3}(?:\.\d{1,3})? ?vCPU)$/i;
const TASK_MEMORY = /^(?:\d{1,7}|\d{1,4}(?:\.\d{1,3})? ?GB)$/i;
export const TaskCpu = z.string().regex(TASK_CPU, { error: 'CPU units ("1024") or vCPUs ("1 vCPU")' });
export const TaskMemory = z.string().regex(TASK_MEMORY, { error: 'MiB ("2048") or GB ("2 GB")' });

export const TaskOverrides = z.strictObject({
  containerOverrides: z
    .array(
      z.strictObject({
        name: ContainerName,
        command: z.array(z.string().max(4096)).max(100).optional(),
        environment: z.array(KeyValuePair).max(100).optional(),
        cpu: int(0, 196_608, 'cpu').optional(),
        memory: int(6, 1_048_576, 'memory').optional(),
        memoryReservation: int(6, 1_048_576, 'memoryReservation').optional(),
      }),
    )
    .max(10)
    .optional(),
  cpu: TaskCpu.optional(),
  memory: TaskMemory.optional(),
  taskRoleArn: RoleArn.optional(),
  executionRoleArn: RoleArn.optional(),
});

export const DeploymentCircuitBreaker = z.strictObject({ enable: z.boolean(), rollback: z.boolean() });

/** As given in a request: any field left out keeps its default (create) or current value (PATCH). */
export const DeploymentConfigurationInput = z
  .strictObject({
    minimumHealthyPercent: int(0, 100, 'minimumHealthyPercent').optional().meta({ description: 'Floor of healthy tasks during a deployment, 0–100 (default 100).' }),
    maximumPercent: int(100, 200, 'maximumPercent').optional().meta({ description: 'Ceiling of running + pending tasks during a deployment, 100–200 (default 200).' }),
    deploymentCircuitBreaker: DeploymentCircuitBreaker.optional().meta({ description: 'Default `{ enable: true, rollback: true }`.' }),
  })
  .meta({ id: 'DeploymentConfigurationInput' });

export const DeploymentConfiguration = z.object({
  minimumHealthyPercent: z.int(),
  maximumPercent: z.int(),
  deploymentCircuitBreaker: DeploymentCircuitBreaker,
});

const TARGET_GROUP_ARN = /^arn:aws[a-z-]*:elasticloadbalancing:[a-z0-9-]+:\d{12}:targetgroup\/[A-Za-z0-9-]{1,32}\/[0-9a-f]{16}$/;
export const LoadBalancerTarget = z.strictObject({
  targetGroupArn: z.string().regex(TARGET_GROUP_ARN, { error: 'an Elastic Load Balancing target group ARN' }),
  containerName: ContainerName,
  containerPort: int(1, 65535, 'containerPort'),
});

/** POST /services. */
export const CreateServiceBody = z
  .strictObject({
    name: ServiceName,
    cluster: ClusterName.default('default').meta({ description: 'The ECS cluster (default `default`, as in ECS).' }),
    taskDefinition: TaskDefinitionRef,
    desiredCount: DesiredCount.optional(),
    schedulingStrategy: SchedulingStrategy.default('REPLICA'),
    launchType: LaunchType.optional().meta({ description: 'Either launchType or capacityProviderStrategy, not both.' }),
    capacityProviderStrategy: z.array(CapacityProviderStrategyItem).min(1).max(6).optional(),
    placementStrategy: z.array(PlacementStrategy).max(5).default([]).meta({ description: 'Up to 5, applied in order as tie-breakers. Not for DAEMON services.' }),
    placementConstraints: z.array(PlacementConstraint).max(10).default([]),
    networkConfiguration: NetworkConfiguration.optional().meta({ description: 'Required when the task definition uses the awsvpc network mode, refused otherwise.' }),
    overrides: TaskOverrides.optional().meta({ description: "RunTask's overrides, applied to every task of the service." }),
    deploymentConfiguration: DeploymentConfigurationInput.optional(),
    loadBalancers: z.array(LoadBalancerTarget).max(5).default([]),
    tags: Tags.default({}),
    paused: z.boolean().default(false).meta({ description: 'A paused service is neither replaced nor scaled.' }),
  })
  .meta({ id: 'CreateService' });
export type CreateServiceBody = z.infer<typeof CreateServiceBody>;

/** PATCH /services/{name}: the fields to change; `null` removes an optional one. */
export const PatchServiceBody = z
  .strictObject({
    name: ServiceName.optional().meta({ description: 'Immutable: accepted only if unchanged.' }),
    cluster: ClusterName.optional().meta({ description: 'Immutable: accepted only if unchanged.' }),
    schedulingStrategy: SchedulingStrategy.optional().meta({ description: 'Immutable: accepted only if unchanged.' }),
    taskDefinition: TaskDefinitionRef.optional().meta({ description: 'A new task definition records a new deployment, as POST /services/{name}/deploy does.' }),
    desiredCount: DesiredCount.optional(),
    launchType: LaunchType.nullable().optional(),
    capacityProviderStrategy: z.array(CapacityProviderStrategyItem).min(1).max(6).nullable().optional(),
    placementStrategy: z.array(PlacementStrategy).max(5).optional(),
    placementConstraints: z.array(PlacementConstraint).max(10).optional(),
    networkConfiguration: NetworkConfiguration.nullable().optional(),
    overrides: TaskOverrides.nullable().optional(),
    deploymentConfiguration: DeploymentConfigurationInput.optional().meta({ description: 'Merged with the current configuration.' }),
    loadBalancers: z.array(LoadBalancerTarget).max(5).optional(),
    tags: Tags.optional().meta({ description: 'Replaces all tags.' }),
    paused: z.boolean().optional(),
  })
  .meta({ id: 'PatchService' });
export type PatchServiceBody = z.infer<typeof PatchServiceBody>;

export const ScaleBody = z.strictObject({ desiredCount: DesiredCount }).meta({ id: 'ScaleService' });
export const DeployBody = z.strictObject({ taskDefinition: TaskDefinitionRef }).meta({ id: 'DeployService' });
/** pause / resume take no fields; an empty body or `{}`. */
export const EmptyBody = z.strictObject({}).meta({ id: 'Empty' });

export const ServiceParams = z.strictObject({ name: ServiceName });
export const ListServicesQuery = z.strictObject({
  cluster: ClusterName.optional().meta({ description: "Only this cluster's services." }),
  limit: Limit,
  nextToken: NextToken,
});
export const DeleteServiceQuery = z.strictObject({
  force: z
    .enum(['true', 'false'])
    .optional()
    .meta({ description: "`true`: stop the service's tasks now and remove it at once (default: drain to zero first)." }),
});
export const EventsQuery = PageQuery;

// ---- what the API answers ----

export const Deployment = z
  .object({
    id: z.string().meta({ example: 'd4' }),
    taskDefinition: z.string(),
    status: z.enum(['PRIMARY', 'ACTIVE', 'INACTIVE']),
    rolloutState: z.enum(['IN_PROGRESS', 'COMPLETED', 'FAILED', 'ROLLED_BACK']),
    createdAt: z.string(),
    updatedAt: z.string(),
    failedTasks: z.int(),
  })
  .meta({ id: 'Deployment' });

export const Backoff = z
  .object({ consecutiveFailures: z.int(), delayMs: z.int(), nextAttemptAt: z.string(), lastFailureAt: z.string() })
  .meta({ id: 'Backoff', description: 'Crash-loop backoff: replacements wait until nextAttemptAt.' });

export const UnplacedDemand = z
  .object({ count: z.int(), reasons: z.array(z.string()), since: z.string() })
  .meta({ id: 'UnplacedDemand', description: 'Tasks the service wanted but ECS could not place, and why.' });

export const Service = z
  .object({
    name: z.string(),
    cluster: z.string(),
    taskDefinition: z.string(),
    desiredCount: z.int(),
    schedulingStrategy: SchedulingStrategy,
    launchType: LaunchType.optional(),
    capacityProviderStrategy: z.array(CapacityProviderStrategyItem).optional(),
    placementStrategy: z.array(PlacementStrategy),
    placementConstraints: z.array(PlacementConstraint),
    networkConfiguration: NetworkConfiguration.optional(),
    overrides: TaskOverrides.optional(),
    deploymentConfiguration: DeploymentConfiguration,
    loadBalancers: z.array(LoadBalancerTarget),
    tags: z.record(z.string(), z.string()),
    paused: z.boolean(),
    status: z.enum(['ACTIVE', 'DRAINING']),
    revision: z.int().meta({ description: 'Counts spec changes; the ETag is `"<revision>"`.' }),
    createdAt: z.string(),
    updatedAt: z.string(),
    deployments: z.array(Deployment).meta({ description: 'Newest first; the first is PRIMARY. At most 5.' }),
    backoff: Backoff.optional(),
    unplaced: UnplacedDemand.optional(),
  })
  .meta({ id: 'Service' });

export const ServiceList = listOf(Service, 'ServiceList');

export const HistoryEvent = z
  .object({
    id: z.string(),
    type: z.string().meta({ example: 'Task Stopped' }),
    subject: z.string(),
    time: z.string(),
    message: z.string(),
    detail: z.record(z.string(), z.unknown()),
  })
  .meta({ id: 'HistoryEvent' });

export const HistoryEventList = listOf(HistoryEvent, 'HistoryEventList');

const Counts = { running: z.int(), pending: z.int() };
export const ServiceStatus = z
  .object({
    name: z.string(),
    cluster: z.string(),
    status: z.enum(['ACTIVE', 'DRAINING']),
    paused: z.boolean(),
    revision: z.int(),
    desiredCount: z.int().meta({ description: 'DAEMON services: the ACTIVE, connected container instances of the cluster.' }),
    runningCount: z.int(),
    pendingCount: z.int().meta({ description: 'Tasks PROVISIONING, PENDING or ACTIVATING.' }),
    tasks: z.object({
      byLastStatus: z.record(z.string(), z.int()).meta({ description: 'Every task the store holds for the service (stopped ones for the task TTL).' }),
      byTaskDefinition: z.array(z.object({ taskDefinition: z.string(), revision: z.int().optional(), ...Counts })),
      byContainerInstance: z.array(z.object({ containerInstanceArn: z.string().optional(), ...Counts })),
      byAvailabilityZone: z.array(z.object({ availabilityZone: z.string().optional(), ...Counts })),
    }),
    deployments: z.array(Deployment),
    deploymentInProgress: Deployment.optional().meta({ description: 'The PRIMARY deployment while its rollout is IN_PROGRESS.' }),
    backoff: Backoff.optional(),
    unplaced: UnplacedDemand.optional(),
    events: z.array(HistoryEvent).meta({ description: 'The last 10 history events, newest first.' }),
  })
  .meta({ id: 'ServiceStatus' });

export const ForceDeleteResult = z
  .object({
    name: z.string(),
    deleted: z.literal(true),
    stoppedTasks: z.array(z.string()).meta({ description: "ARNs of the service's tasks Shepherd asked ECS to stop." }),
  })
  .meta({ id: 'ForceDeleteResult' });

const PlanAction = z
  .discriminatedUnion('kind', [
    z.object({ kind: z.literal('start'), count: z.int(), taskDefinition: z.string(), reason: z.string() }),
    z.object({ kind: z.literal('startOn'), containerInstanceArns: z.array(z.string()), taskDefinition: z.string(), reason: z.string() }),
    z.object({
      kind: z.literal('stop'),
      taskArn: z.string(),
      intent: z.enum(['scale-in', 'deployment', 'drain', 'lost-host', 'daemon', 'service-deleted', 'unhealthy']),
      reason: z.string(),
    }),
  ])
  .meta({ id: 'PlanAction' });

export const ServicePlan = z
  .object({
    name: z.string(),
    generatedAt: z.string(),
    deployment: z
      .object({ verdict: z.enum(['none', 'completed', 'failed']), message: z.string().optional(), rollbackTo: z.string().optional() })
      .meta({ description: 'What the next pass would conclude about the deployment in progress (it acts on this before planning).' }),
    actions: z.array(PlanAction).meta({ description: 'What the reconciler would do now, in order. Nothing is executed.' }),
    summary: z.object({
      desired: z.int(),
      live: z.int(),
      running: z.int(),
      pending: z.int(),
      healthy: z.int(),
      current: z.int(),
      atRisk: z.int(),
      occupying: z.int(),
      maxLive: z.int(),
      minHealthy: z.int(),
      pendingStarts: z.int().meta({ description: 'Tasks announced by a start that is not recorded yet (its actor may have died after RunTask): counted as started and under maximumPercent.' }),
    }),
    notes: z.array(z.string()).meta({ description: 'Why something is not (yet) done: maximumPercent, minimumHealthyPercent, backoff, paused.' }),
  })
  .meta({ id: 'ServicePlan' });
