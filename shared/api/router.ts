/**
 * Routes: each one declares its method, path, the zod schemas of its path parameters, query and
 * body, its responses, and a handler of already-validated input. The same declarations drive
 * request validation here and GET /openapi.json (openapi.ts), so the two cannot drift apart.
 * Dispatch is @middy/http-router's; a path that exists under other methods answers 405 + Allow.
 */
import httpRouter from '@middy/http-router';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { z } from 'zod';
import type { ApiDeps } from './deps';
import { headersOf, parseIfMatch, readJsonBody, toResult, type ApiResponse, type IfMatch } from './http';
import { HttpProblem, invalid, issuesToFieldErrors, type FieldError } from './problem';

export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface RouteContext<P, Q, B> {
  params: P;
  query: Q;
  body: B;
  /** The If-Match header, parsed (undefined when absent). */
  ifMatch: IfMatch | undefined;
  headers: Record<string, string>;
  event: APIGatewayProxyEventV2;
  deps: ApiDeps;
}

export interface ResponseDoc {
  description: string;
  schema?: z.ZodType;
  /** Response headers the route sets. */
  headers?: Array<'ETag' | 'Location'>;
}

export interface RouteSpec<P, Q, B> {
  method: Method;
  /** API Gateway style: `/services/{name}`. */
  path: string;
  operationId: string;
  summary: string;
  description?: string;
  tag: string;
  params?: z.ZodType<P>;
  query?: z.ZodType<Q>;
  body?: { schema: z.ZodType<B>; required: boolean; description?: string };
  ifMatch?: 'required' | 'optional';
  responses: Record<number, ResponseDoc>;
  /** Error statuses this route can answer besides 400 and 503 (documented as problem+json). */
  problems?: number[];
  /** Answers with this content type instead of application/json. */
  contentType?: string;
  handle(ctx: RouteContext<P, Q, B>): Promise<ApiResponse>;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Route = RouteSpec<any, any, any>;

export function defineRoute<P = Record<string, never>, Q = Record<string, never>, B = undefined>(spec: RouteSpec<P, Q, B>): Route {
  return spec as Route;
}

/** The parameter names of a path template, in order. */
export function pathParamNames(path: string): string[] {
  return [...path.matchAll(/\{([^/}]+)\}/g)].map((m) => m[1] as string);
}

function templateRegExp(path: string): RegExp {
  const body = path.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\\?\{[^/}]+\\?\}/g, '[^/]+');
  return new RegExp(`^${body}/?$`);
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

function validate<T>(schema: z.ZodType<T> | undefined, value: unknown, location: string, errors: FieldError[]): T {
  if (!schema) {
    // No schema: nothing may be given.
    for (const k of Object.keys((value as Record<string, unknown>) ?? {})) errors.push({ field: `${location}.${k}`, message: 'unknown parameter' });
    return {} as T;
  }
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  errors.push(...issuesToFieldErrors(r.error.issues, location));
  return undefined as T;
}

async function execute(route: Route, event: APIGatewayProxyEventV2, deps: () => ApiDeps): Promise<APIGatewayProxyStructuredResultV2> {
  const headers = headersOf(event);
  const errors: FieldError[] = [];

  const rawParams: Record<string, string> = {};
  for (const name of pathParamNames(route.path)) {
    const v = event.pathParameters?.[name];
    if (v !== undefined) rawParams[name] = safeDecode(v);
  }
  const params = validate(route.params, rawParams, 'path', errors);

  const rawQuery: Record<string, string> = {};
  for (const [k, v] of Object.entries(event.queryStringParameters ?? {})) if (v !== undefined) rawQuery[k] = v;
  const query = validate(route.query, rawQuery, 'query', errors);

  let ifMatch: IfMatch | undefined;
  try {
    ifMatch = parseIfMatch(headers['if-match']);
  } catch (err) {
    if (err instanceof HttpProblem && err.opts.errors) errors.push(...err.opts.errors);
    else throw err;
  }
  if (errors.length) throw invalid(errors);
  if (route.ifMatch === 'required' && ifMatch === undefined) {
    throw new HttpProblem('preconditionRequired', `${route.method} ${route.path} needs an If-Match header carrying the ETag of the GET you based the change on`);
  }

  let body: unknown = undefined;
  if (route.body) {
    const raw = readJsonBody(event);
    if (raw === undefined) {
      if (route.body.required) throw invalid([{ field: 'body', message: 'a JSON body is required' }]);
    } else {
      body = validate(route.body.schema, raw, 'body', errors);
      if (errors.length) throw invalid(errors);
    }
  }

  const response = await route.handle({
    params,
    query,
    body,
    ifMatch,
    headers,
    event,
    // Resolved only by routes that use it (GET /openapi.json needs none).
    get deps() {
      return deps();
    },
  });
  return toResult(response, route.contentType);
}

/** The Allow header for a path: every method some route declares for it (empty: no such path). */
export function allowedMethods(routes: readonly Route[], path: string): Method[] {
  const methods = new Set<Method>();
  for (const r of routes) if (templateRegExp(r.path).test(path)) methods.add(r.method);
  return [...methods].sort();
}

/** A handler dispatching API Gateway v2 events to the routes. Errors are thrown as HttpProblem. */
export function buildRouter(routes: readonly Route[], deps: () => ApiDeps) {
  return httpRouter({
    routes: routes.map((r) => ({
      method: r.method,
      path: r.path,
      handler: (event: APIGatewayProxyEventV2) => execute(r, event, deps),
    })),
    notFoundResponse: ({ method, path }: { method: string; path: string }) => {
      const allow = allowedMethods(routes, path);
      if (allow.length === 0) throw new HttpProblem('noRoute', `no route for ${method} ${path.slice(0, 300)}; GET /openapi.json lists them`);
      throw new HttpProblem('methodNotAllowed', `${path.slice(0, 300)} allows ${allow.join(', ')}, not ${method.slice(0, 20)}`, { headers: { allow: allow.join(', ') } });
    },
  }) as unknown as (event: APIGatewayProxyEventV2) => Promise<APIGatewayProxyStructuredResultV2>;
}
