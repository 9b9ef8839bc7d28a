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
    targetUtilizationPercent: int(1, 100, 'targetUtilizationPercent').meta({
      description: "Share of the group's in-service instances that should be busy (as ECS's targetCapacity): 100 keeps no spare instance, 80 about one in five.",
      example: 100,
    }),
    maxScalingStep: int(1, 1000, 'maxScalingStep').optional().meta({ description: 'Most instances one scale-out adds (default 10).' }),
    scaleInAfterSeconds: int(60, 86_400, 'scaleInAfterSeconds')
      .optional()
      .meta({ description: 'How long an instance stays idle, or removable because its tasks fit elsewhere, before Shepherd drains and removes it (default 600).' }),
  })
  .meta({ id: 'CapacitySettings' });
export type CapacityBody = z.infer<typeof CapacityBody>;

export const ClusterParams = z.strictObject({ name: ClusterName });
export const ListClustersQuery = PageQuery;

const Capacity = z.object({
  autoScalingGroupName: z.string(),
  minSize: z.int(),
  maxSize: z.int(),
  targetUtilizationPercent: z.int(),
  maxScalingStep: z.int().optional(),
  scaleInAfterSeconds: z.int().optional(),
});

const Reservation = z
  .object({ needed: z.int(), running: z.int(), percent: z.int(), desired: z.int(), at: z.string() })
  .meta({
    id: 'CapacityReservation',
    description:
      "Like ECS's CapacityProviderReservation: instances needed (busy ones plus those unplaced tasks need) over instances in service, in percent; 200 when tasks wait and no instance runs. From Shepherd's latest capacity decision.",
  });

const CapacityState = z
  .object({ idleSince: z.record(z.string(), z.string()), consolidatableSince: z.record(z.string(), z.string()), drainingSince: z.record(z.string(), z.string()) })
  .meta({ id: 'CapacityState', description: 'EC2 instance ids Shepherd watches for scale-in (idle, or whose tasks fit elsewhere) and those it is draining to remove, with since when.' });

const CapacityRuntime = { reservation: Reservation.optional(), capacityState: CapacityState.optional() };

export const Cluster = z
  .object({
    name: z.string(),
    capacity: Capacity.optional(),
    ...CapacityRuntime,
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
    ...CapacityRuntime,
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
