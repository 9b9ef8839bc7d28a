/**
 * Runs Shepherd's Lambda handlers in-process the way Lambda would: one module per function,
 * loaded once ("cold start"), invoked with an event and a Lambda context.
 */
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Context } from 'aws-lambda';
import type { StackFunction } from './stack';

export type Handler = (event: unknown, context: Context) => Promise<unknown>;

export function lambdaContext(fn: StackFunction, stage: string): Context {
  const started = Date.now();
  const name = `shepherd-${stage}-${fn.name}`;
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: name,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:us-east-1:123456789012:function:${name}`,
    memoryLimitInMB: '256',
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${name}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, fn.timeoutSeconds * 1000 - (Date.now() - started)),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

export async function loadHandler(fn: StackFunction, root: string = process.cwd()): Promise<Handler> {
  const mod = (await import(pathToFileURL(join(root, `${fn.module}.ts`)).href)) as Record<string, unknown>;
  const handler = mod[fn.exportName];
  if (typeof handler !== 'function') throw new Error(`${fn.module}.${fn.exportName} is not a function`);
  return handler as Handler;
}
