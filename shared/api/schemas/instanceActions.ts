/** Actions on a cluster's container instances: drain, activate, terminate. */
import { z } from 'zod';
import { ClusterName } from './common';

/** An EC2 instance id (`i-` and 8 or 17 hex digits), or a container instance id (32 hex digits, or a UUID). */
const INSTANCE_ID = /^(?:i-[0-9a-f]{8}(?:[0-9a-f]{9})?|[0-9a-f]{32}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/;
export const InstanceId = z
  .string()
  .regex(INSTANCE_ID, { error: "an EC2 instance id (i-…) or a container instance id (the last part of its ARN)" })
  .meta({ description: 'The EC2 instance id (`i-…`) or the container instance id (the last part of its ARN).', example: 'i-0abc12345def67890' });

export const InstanceParams = z.strictObject({ name: ClusterName, id: InstanceId });

export const ContainerInstanceState = z
  .object({
    cluster: z.string(),
    containerInstanceArn: z.string(),
    ec2InstanceId: z.string().optional(),
    status: z.string().meta({ description: 'As ECS answered: ACTIVE or DRAINING.' }),
    agentConnected: z.boolean(),
    runningTasksCount: z.int(),
    pendingTasksCount: z.int(),
  })
  .meta({ id: 'ContainerInstanceState' });

export const TerminatedInstance = z
  .object({
    cluster: z.string(),
    ec2InstanceId: z.string(),
    containerInstanceArn: z.string().optional(),
    autoScalingGroupName: z.string(),
    lifecycleState: z.string().meta({ description: 'Its Auto Scaling lifecycle state before this request (InService, Pending, Terminating, …).' }),
    activity: z
      .object({ activityId: z.string(), statusCode: z.string(), description: z.string().optional() })
      .optional()
      .meta({ description: 'The Auto Scaling activity that terminates the instance (the group then launches its replacement); absent when it was already terminating.' }),
  })
  .meta({ id: 'TerminatedInstance' });
