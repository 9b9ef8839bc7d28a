import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { Context } from 'aws-lambda';
import { logger } from './log';

/**
 * Wraps a handler's logic as a middy handler: structured logs carry the request id, and the
 * logic stays a plain async function of (event, context) that tests call directly.
 */
export function lambda<E, R>(fn: (event: E, context: Context) => Promise<R>) {
  return middy<E, R>().use(injectLambdaContext(logger, { resetKeys: true })).handler(fn);
}
