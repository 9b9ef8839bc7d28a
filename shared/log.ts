import { Logger } from '@aws-lambda-powertools/logger';

/** Structured JSON logs (Powertools): one logger per container, request id added by the handler middleware. */
export const logger = new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'shepherd' });
