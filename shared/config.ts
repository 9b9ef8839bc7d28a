import * as z from 'zod/mini';

/**
 * Shepherd's runtime configuration, from the environment serverless.yml (or `npm start`) sets.
 * Read once per container; a bad value fails the cold start with a message naming the variable.
 */
const intBetween = (min: number, max: number, fallback: number) =>
  z._default(z.coerce.number().check(z.int(), z.minimum(min), z.maximum(max)), fallback);

const schema = z.object({
  TABLE_NAME: z.string().check(z.minLength(3), z.maxLength(255)),
  EVENT_BUS_NAME: z._default(z.string().check(z.minLength(1), z.maxLength(256)), 'default'),
  STAGE: z._default(z.string().check(z.regex(/^[A-Za-z0-9-]{1,32}$/, 'letters, digits and hyphens, at most 32')), 'dev'),
  // At least 3 h: EventBridge (1 h) and Lambda (1 h) may each hold an event back; a record must
  // outlive any late delivery of its own events, or a stopped task could be recorded again.
  TASK_TTL_HOURS: intBetween(3, 24 * 90, 24),
  EVENT_TTL_DAYS: intBetween(1, 3650, 30),
  FAILURE_QUEUE_URL: z.optional(z.string().check(z.regex(/^https?:\/\/\S+$/, 'a queue URL'))),
});

export type Config = {
  tableName: string;
  eventBusName: string;
  stage: string;
  taskTtlSeconds: number;
  eventTtlSeconds: number;
  /** Where malformed events are parked (the stack's failure queue); logged only when unset. */
  failureQueueUrl?: string;
};

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new ConfigError(`invalid Shepherd configuration: ${problems}`);
  }
  const c = parsed.data;
  return {
    tableName: c.TABLE_NAME,
    eventBusName: c.EVENT_BUS_NAME,
    stage: c.STAGE,
    taskTtlSeconds: c.TASK_TTL_HOURS * 3600,
    eventTtlSeconds: c.EVENT_TTL_DAYS * 86400,
    ...(c.FAILURE_QUEUE_URL ? { failureQueueUrl: c.FAILURE_QUEUE_URL } : {}),
  };
}

let cached: Config | undefined;
export function config(): Config {
  return (cached ??= loadConfig());
}
export function resetConfig(): void {
  cached = undefined;
}
