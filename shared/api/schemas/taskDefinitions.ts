/**
 * Task definitions: the subset of ECS RegisterTaskDefinition that POST /task-definitions accepts
 * (ECS's own field names and limits), and the listing of a family's revisions.
 */
import { z } from 'zod';
import { FamilyName, Limit, listOf, NextToken } from './common';
import { ContainerName, KeyValuePair, RoleArn, TaskCpu, TaskMemory } from './services';

const int = (min: number, max: number, what: string) =>
  z.int({ error: `${what}: an integer from ${min} to ${max}` }).min(min, { error: `${what}: an integer from ${min} to ${max}` }).max(max, { error: `${what}: an integer from ${min} to ${max}` });

const PortMapping = z.strictObject({
  containerPort: int(1, 65535, 'containerPort'),
  hostPort: int(0, 65535, 'hostPort').optional().meta({ description: '0 or absent: a dynamic host port (bridge mode).' }),
  protocol: z.enum(['tcp', 'udp']).optional(),
  name: z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/, { error: 'lower-case letters, digits and hyphens, at most 64' }).optional(),
});

const HealthCheck = z.strictObject({
  command: z.array(z.string().max(4096)).min(1).max(100).meta({ example: ['CMD-SHELL', 'curl -f http://localhost/ || exit 1'] }),
  interval: int(5, 300, 'interval').optional(),
  timeout: int(2, 120, 'timeout').optional(),
  retries: int(1, 10, 'retries').optional(),
  startPeriod: int(0, 300, 'startPeriod').optional(),
});

const IMAGE = /^[^\s]{1,1024}$/;
export const ContainerDefinition = z.strictObject({
  name: ContainerName,
  image: z.string().regex(IMAGE, { error: 'an image reference, 1–1024 characters without spaces' }).meta({ example: 'nginx:stable' }),
  cpu: int(0, 196_608, 'cpu').optional().meta({ description: 'CPU units reserved for the container (1024 = 1 vCPU).' }),
  memory: int(6, 1_048_576, 'memory').optional().meta({ description: 'Hard limit, MiB.' }),
  memoryReservation: int(6, 1_048_576, 'memoryReservation').optional().meta({ description: 'Soft limit, MiB.' }),
  portMappings: z.array(PortMapping).max(100).optional(),
  essential: z.boolean().optional().meta({ description: 'Default true.' }),
  environment: z.array(KeyValuePair).max(100).optional(),
  command: z.array(z.string().max(4096)).max(100).optional(),
  healthCheck: HealthCheck.optional(),
});

const TaskDefinitionTag = z.strictObject({
  key: z
    .string()
    .min(1)
    .max(128)
    .refine((k) => !/^aws:/i.test(k), { error: 'keys starting with aws: are reserved' }),
  value: z.string().max(256),
});

export const RegisterTaskDefinitionBody = z
  .strictObject({
    family: FamilyName,
    containerDefinitions: z.array(ContainerDefinition).min(1, { error: 'at least one container' }).max(10, { error: 'at most 10 containers' }),
    cpu: TaskCpu.optional(),
    memory: TaskMemory.optional(),
    networkMode: z.enum(['bridge', 'host', 'awsvpc', 'none']).optional().meta({ description: 'Default bridge.' }),
    placementConstraints: z
      .array(z.strictObject({ type: z.literal('memberOf'), expression: z.string().min(1).max(2000) }))
      .max(10)
      .optional(),
    taskRoleArn: RoleArn.optional(),
    executionRoleArn: RoleArn.optional(),
    tags: z.array(TaskDefinitionTag).max(50).optional(),
  })
  .meta({ id: 'RegisterTaskDefinition', description: 'A subset of ECS RegisterTaskDefinition, passed to ECS as given.' });
export type RegisterTaskDefinitionBody = z.infer<typeof RegisterTaskDefinitionBody>;

export const RegisteredTaskDefinition = z
  .object({
    taskDefinitionArn: z.string(),
    family: z.string(),
    revision: z.int(),
    status: z.string(),
  })
  .meta({ id: 'RegisteredTaskDefinition' });

export const TaskDefinitionRevision = z
  .object({ taskDefinitionArn: z.string(), family: z.string(), revision: z.int() })
  .meta({ id: 'TaskDefinitionRevision' });

export const TaskDefinitionList = listOf(TaskDefinitionRevision, 'TaskDefinitionList');

export const FamilyParams = z.strictObject({ family: FamilyName });
export const ListRevisionsQuery = z.strictObject({
  status: z.enum(['ACTIVE', 'INACTIVE']).optional().meta({ description: 'Default ACTIVE.' }),
  sort: z.enum(['ASC', 'DESC']).optional().meta({ description: 'By revision; default DESC (newest first).' }),
  limit: Limit,
  nextToken: NextToken,
});
