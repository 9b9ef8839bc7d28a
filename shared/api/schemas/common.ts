/**
 * Schemas shared by every resource: names as ECS spells them, pagination, problem details.
 * The same zod schemas validate requests and generate GET /openapi.json.
 */
import { z } from 'zod';

const NAME_CHARS = /^[A-Za-z0-9_-]+$/;
const nameRule = (max: number) => `1–${max} letters, digits, hyphens and underscores`;

/**
 * A Shepherd service name. ECS allows 255 characters, but Shepherd marks each task with the
 * group `shepherd:<name>` (ECS caps a group at 255), so names stop at 200.
 */
export const MAX_SERVICE_NAME = 200;
export const ServiceName = z
  .string()
  .min(1, { error: nameRule(MAX_SERVICE_NAME) })
  .max(MAX_SERVICE_NAME, { error: `at most ${MAX_SERVICE_NAME} characters (Shepherd tags tasks with the group shepherd:<name>)` })
  .regex(NAME_CHARS, { error: nameRule(MAX_SERVICE_NAME) })
  .meta({
    description: `The service's name: ${nameRule(MAX_SERVICE_NAME)}. ECS allows 255, but Shepherd marks each task with the group \`shepherd:<name>\`, so it stops at ${MAX_SERVICE_NAME}.`,
    example: 'web',
  });

export const ClusterName = z
  .string()
  .min(1, { error: nameRule(255) })
  .max(255, { error: nameRule(255) })
  .regex(NAME_CHARS, { error: nameRule(255) })
  .meta({ description: `An ECS cluster name: ${nameRule(255)}.`, example: 'prod' });

export const FamilyName = z
  .string()
  .min(1, { error: nameRule(255) })
  .max(255, { error: nameRule(255) })
  .regex(NAME_CHARS, { error: nameRule(255) })
  .meta({ description: `A task definition family: ${nameRule(255)}.`, example: 'web' });

/** `family`, `family:revision`, or a task definition ARN. */
export const TASK_DEFINITION_REF = /^(?:arn:aws[a-z-]*:ecs:[a-z0-9-]+:\d{12}:task-definition\/)?[A-Za-z0-9_-]{1,255}(?::[1-9]\d{0,8})?$/;
export const TaskDefinitionRef = z
  .string()
  .max(1600)
  .regex(TASK_DEFINITION_REF, { error: 'a task definition: family, family:revision or its ARN' })
  .meta({
    description:
      'A registered task definition: `family` (its latest ACTIVE revision), `family:revision`, or its ARN. Shepherd resolves it with ECS and stores the ARN.',
    example: 'web:3',
  });

export const Limit = z.coerce
  .number({ error: 'an integer from 1 to 100' })
  .int({ error: 'an integer from 1 to 100' })
  .min(1, { error: 'an integer from 1 to 100' })
  .max(100, { error: 'an integer from 1 to 100' })
  .optional()
  .meta({ description: 'Page size, 1–100 (default 50).', example: 20 });

export const NextToken = z
  .string()
  .min(1)
  .max(4096)
  .optional()
  .meta({ description: 'The `nextToken` of the previous page, unchanged.' });

export const PageQuery = z.strictObject({ limit: Limit, nextToken: NextToken });

/** `{ items, nextToken }`: every list the API answers. */
export function listOf<T extends z.ZodType>(item: T, id: string) {
  return z
    .object({
      items: z.array(item),
      nextToken: z.string().optional().meta({ description: 'Present when there are more items: pass it back as `?nextToken=`.' }),
    })
    .meta({ id });
}

export const FieldErrorSchema = z.object({
  field: z.string().meta({ description: 'Where: `body.<path>`, `query.<name>`, `path.<name>` or `header.<Name>`.', example: 'body.desiredCount' }),
  message: z.string(),
});

export const ProblemSchema = z
  .object({
    type: z.string().meta({ description: 'A URI naming the kind of problem, `urn:shepherd:problem:<slug>`.', example: 'urn:shepherd:problem:validation-error' }),
    title: z.string(),
    status: z.int(),
    detail: z.string(),
    instance: z.string().optional().meta({ description: 'The request path.' }),
    requestId: z.string().optional().meta({ description: 'API Gateway request id; also in Shepherd\'s logs.' }),
    errors: z.array(FieldErrorSchema).optional().meta({ description: 'The offending fields, for invalid input and conflicting creates.' }),
  })
  .meta({ id: 'Problem', description: 'RFC 9457 problem details (`application/problem+json`).' });

/** ECS-style tags on a service: `{ key: value }`. */
export const TAG_KEY = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]+$/u;
export const Tags = z
  .record(
    z
      .string()
      .min(1)
      .max(128)
      .regex(TAG_KEY, { error: 'tag keys: letters, digits, spaces and _ . : / = + - @' })
      .refine((k) => !/^(aws|shepherd):/i.test(k), { error: 'keys starting with aws: or shepherd: are reserved' }),
    z.string().max(256),
  )
  .refine((t) => Object.keys(t).length <= 50, { error: 'at most 50 tags' })
  .meta({ description: 'Up to 50 tags (key 1–128, value 0–256 characters); `aws:` and `shepherd:` keys are reserved.', example: { team: 'payments' } });
