/** Clusters: capacity settings, and what GET /clusters and GET /clusters/{name} answer. */
import { z } from 'zod';
import { ClusterName, listOf, PageQuery } from './common';

const int = (min: number, max: number, what: string) =>
  z.int({ error: `${what}: an integer from ${min} to ${max}` }).min(min, { error: `${what}: an integer from ${min} to ${max}` }).max(max, { error: `${what}: an integer from ${min} to ${max}` });

/** Auto Scaling group names: 1–255 ASCII characters 33–126. */
const GROUP_NAME = /^[\x21-\x7e]{1,255}$/;

export const CapacityBody = z
  .strictObject({
    autoScalingGroupName: z.string().regex(GROUP_NAME, { error: 'an Auto Scaling group name: 1–255 printable ASCII characters, no spaces' }).meta({ example: 'prod-asg' }),
    minSize: int(0, 10_000, 'minSize').meta({ description: 'Fewest instances Shepherd keeps; within the group\'s own MinSize–MaxSize.' }),
    maxSize: int(0, 10_000, 'maxSize').meta({ description: 'Most instances Shepherd asks for; at least minSize, at most the group\'s MaxSize.' }),
    targetUtilizationPercent: int(1, 100, 'targetUtilizationPercent').meta({ description: 'Target share of registered CPU/memory in use.', example: 80 }),
  })
  .meta({ id: 'CapacitySettings' });
export type CapacityBody = z.infer<typeof CapacityBody>;

export const ClusterParams = z.strictObject({ name: ClusterName });
export const ListClustersQuery = PageQuery;

const Capacity = z.object({ autoScalingGroupName: z.string(), minSize: z.int(), maxSize: z.int(), targetUtilizationPercent: z.int() });

export const Cluster = z
  .object({
    name: z.string(),
    capacity: Capacity.optional(),
    revision: z.int(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'Cluster' });

export const ClusterList = listOf(Cluster, 'ClusterList');

const Resources = z.object({ cpu: z.int(), memory: z.int() });

export const ClusterDetail = z
  .object({
    name: z.string(),
    capacity: Capacity.optional(),
    revision: z.int(),
    createdAt: z.string(),
    updatedAt: z.string(),
    instances: z.array(
      z.object({
        containerInstanceArn: z.string(),
        ec2InstanceId: z.string().optional(),
        status: z.string(),
        agentConnected: z.boolean(),
        availabilityZone: z.string().optional(),
        instanceType: z.string().optional(),
        registered: Resources,
        remaining: Resources,
        runningTasksCount: z.int(),
        pendingTasksCount: z.int(),
      }),
    ),
    resources: z
      .object({ instances: z.int(), registered: Resources, remaining: Resources })
      .meta({ description: 'Totals over ACTIVE instances whose agent is connected (where tasks can be placed).' }),
    services: z.array(
      z.object({ name: z.string(), status: z.string(), schedulingStrategy: z.string(), desiredCount: z.int(), paused: z.boolean(), taskDefinition: z.string() }),
    ),
  })
  .meta({ id: 'ClusterDetail' });
