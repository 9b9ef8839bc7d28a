/**
 * Calling the API's middy handler the way API Gateway does: HTTP API (payload 2.0) events built
 * as local/http.ts builds them, plus what the deployed `ANY /{proxy+}` route adds (its routeKey
 * and the `proxy` path parameter). Every answer is checked against what GET /openapi.json says.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { toApiGatewayEvent } from '../../local/http';
import type { createApiHandler } from '../../shared/api/handler';
import { PROBLEM_CONTENT_TYPE } from '../../shared/api/problem';
import { allowedMethods } from '../../shared/api/router';
import { routes } from '../../shared/api/routes';
import { ProblemSchema } from '../../shared/api/schemas/common';

export type ApiHandler = ReturnType<typeof createApiHandler>;

export interface ApiRequest {
  method: string;
  path: string;
  /** A raw query string (`a=1&b=2`) or pairs. */
  query?: string | Record<string, string>;
  /** An object is sent as JSON; a string as it is. */
  body?: unknown;
  headers?: Record<string, string>;
}

export interface ApiAnswer {
  status: number;
  headers: Record<string, string>;
  /** The parsed JSON body (undefined when there is none). */
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
  raw: string | undefined;
}

export function lambdaContext(): Context {
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: 'shepherd-test-api',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:shepherd-test-api',
    memoryLimitInMB: '512',
    awsRequestId: randomUUID(),
    logGroupName: '/aws/lambda/shepherd-test-api',
    logStreamName: 'test',
    getRemainingTimeInMillis: () => 29_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

/** An API Gateway HTTP API (payload 2.0) event for the `ANY /{proxy+}` route. */
export async function apiEvent(req: ApiRequest): Promise<APIGatewayProxyEventV2> {
  const qs = typeof req.query === 'string' ? req.query : req.query ? new URLSearchParams(req.query).toString() : '';
  const body = req.body === undefined ? '' : typeof req.body === 'string' ? req.body : JSON.stringify(req.body);
  const headers: Record<string, string> = {
    host: 'abc123.execute-api.us-east-1.amazonaws.com',
    'user-agent': 'vitest',
    ...(req.body !== undefined && typeof req.body !== 'string' ? { 'content-type': 'application/json' } : {}),
    ...req.headers,
  };
  const message = { url: `${req.path}${qs ? `?${qs}` : ''}`, method: req.method, headers, socket: { remoteAddress: '127.0.0.1' } };
  const event = await toApiGatewayEvent(message as unknown as IncomingMessage, body);
  const proxy = event.rawPath.replace(/^\//, '');
  return { ...event, routeKey: 'ANY /{proxy+}', requestContext: { ...event.requestContext, routeKey: 'ANY /{proxy+}' }, ...(proxy ? { pathParameters: { proxy } } : {}) };
}

export async function answer(handler: ApiHandler, req: ApiRequest | APIGatewayProxyEventV2): Promise<ApiAnswer> {
  const event = 'requestContext' in req ? req : await apiEvent(req);
  const out = (await handler(event, lambdaContext())) as APIGatewayProxyStructuredResultV2;
  const headers = Object.fromEntries(Object.entries(out.headers ?? {}).map(([k, v]) => [k.toLowerCase(), String(v)]));
  const a: ApiAnswer = { status: out.statusCode ?? 200, headers, body: out.body ? JSON.parse(out.body) : undefined, raw: out.body };
  checkAgainstDocs(event.requestContext.http.method, event.rawPath, a);
  return a;
}

/**
 * Every answer must be what GET /openapi.json documents: a 2xx body parses with the route's
 * documented schema for that status, an error is problem+json with a status the route documents.
 */
export function checkAgainstDocs(method: string, path: string, a: ApiAnswer): void {
  const where = `${method} ${path} → ${a.status}`;
  if (a.status >= 400) {
    if (a.headers['content-type'] !== PROBLEM_CONTENT_TYPE) throw new Error(`${where}: content-type ${a.headers['content-type']}`);
    const p = ProblemSchema.safeParse(a.body);
    if (!p.success || p.data.status !== a.status) throw new Error(`${where}: not a problem: ${a.raw}`);
  }
  const route = routes.find((r) => r.method === method && matchesTemplate(r.path, path));
  if (!route) {
    if (a.status !== 404 && a.status !== 405) throw new Error(`${where}: no route, yet not 404/405`);
    if (a.status === 405 && !a.headers.allow) throw new Error(`${where}: 405 without Allow`);
    return;
  }
  if (a.status >= 400) {
    if (![400, 503, ...(route.problems ?? [])].includes(a.status)) throw new Error(`${where}: status not documented for ${route.operationId}`);
    return;
  }
  const doc = route.responses[a.status];
  if (!doc) throw new Error(`${where}: status not documented for ${route.operationId}`);
  if (doc.schema) {
    if (a.headers['content-type'] !== 'application/json') throw new Error(`${where}: content-type ${a.headers['content-type']}`);
    const parsed = doc.schema.safeParse(a.body);
    if (!parsed.success) throw new Error(`${where}: body does not match the documented schema: ${JSON.stringify(parsed.error.issues.slice(0, 3))}`);
  }
  for (const h of doc.headers ?? []) if (!a.headers[h.toLowerCase()]) throw new Error(`${where}: missing documented header ${h}`);
}

function matchesTemplate(template: string, path: string): boolean {
  return allowedMethods([{ path: template, method: 'GET' } as never], path).length > 0;
}

