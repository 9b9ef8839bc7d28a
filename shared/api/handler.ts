/**
 * The API's Lambda handler: middy with Powertools' logger context, the routes, and one error
 * middleware that renders every failure as problem+json. Bad input is a 4xx; a DynamoDB or AWS
 * failure a 503 with Retry-After, logged with the request id; anything else a logged 500.
 */
import type middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { lambda } from '../lambda';
import { logger } from '../log';
import { InvalidTokenError, NotFoundError } from '../store';
import { awsErrorName, awsMessage, isDependencyFailure, isThrottling } from './awsErrors';
import type { ApiDeps } from './deps';
import { toResult } from './http';
import { HttpProblem, invalidField, problemBody, PROBLEM_CONTENT_TYPE } from './problem';
import { buildRouter } from './router';
import { routes } from './routes';

type Event = APIGatewayProxyEventV2;
type Result = APIGatewayProxyStructuredResultV2;

/** Any thrown value as the problem to answer. */
export function toProblem(err: unknown): HttpProblem {
  if (err instanceof HttpProblem) return err;
  if (err instanceof InvalidTokenError) return invalidField('query.nextToken', 'not a token this listing issued; start again without it');
  if (err instanceof NotFoundError) return new HttpProblem('notFound', err.message);
  if (isDependencyFailure(err)) {
    const name = awsErrorName(err) ?? (err as Error).name;
    return new HttpProblem('unavailable', `a dependency failed (${name}); retry later`, { headers: { 'retry-after': isThrottling(err) ? '2' : '1' } });
  }
  return new HttpProblem('internal', 'an unexpected error; it has been logged with the request id');
}

function problemResult(err: unknown, event: Event | undefined): Result {
  const p = toProblem(err);
  const requestId = event?.requestContext?.requestId;
  const path = event?.rawPath ?? event?.requestContext?.http?.path;
  if (p.status >= 500) {
    logger.error('request failed', {
      requestId,
      method: event?.requestContext?.http?.method,
      path,
      status: p.status,
      error: err instanceof Error ? { name: err.name, message: awsMessage(err), stack: err.stack } : String(err),
    });
  }
  return toResult({ status: p.status, body: problemBody(p, path, requestId), headers: p.opts.headers ?? {} }, PROBLEM_CONTENT_TYPE);
}

const problemResponses = (): middy.MiddlewareObj<Event, Result> => ({
  onError: (request) => {
    request.response = problemResult(request.error, request.event);
  },
});

/**
 * The handler. `deps` is resolved on the first request that needs it (production reads the
 * environment then), so a route that needs nothing — an unknown path — works without it.
 */
export function createApiHandler(deps: ApiDeps | (() => ApiDeps)) {
  let resolved: ApiDeps | undefined;
  const get = typeof deps === 'function' ? () => (resolved ??= deps()) : () => deps;
  const router = buildRouter(routes, get);
  return lambda<Event, Result>((event) => router(event)).use(problemResponses());
}
