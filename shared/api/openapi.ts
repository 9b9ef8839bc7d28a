/**
 * GET /openapi.json: an OpenAPI 3.1 document generated from the routes' own declarations and the
 * zod schemas that validate their requests (zod-to-openapi), so the document cannot drift from
 * the code.
 */
import { OpenAPIRegistry, OpenApiGeneratorV31, type ResponseConfig, type RouteConfig } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import { PROBLEM, PROBLEM_CONTENT_TYPE, type ProblemKind } from './problem';
import type { Route } from './router';
import { ProblemSchema } from './schemas/common';

export const API_TITLE = 'Shepherd desired-state API';
export const API_VERSION = '1.0.0';

const HEADER_DOCS = {
  ETag: { description: 'The revision of the resource, `"<revision>"`: send it back as If-Match.', schema: { type: 'string' as const } },
  Location: { description: 'Where the resource lives.', schema: { type: 'string' as const } },
  Allow: { description: 'The methods the path supports.', schema: { type: 'string' as const } },
  'Retry-After': { description: 'Seconds to wait before retrying.', schema: { type: 'string' as const } },
};

const STATUS_KIND: Record<number, ProblemKind> = {
  400: 'validation',
  404: 'notFound',
  405: 'methodNotAllowed',
  409: 'conflict',
  412: 'preconditionFailed',
  413: 'payloadTooLarge',
  415: 'unsupportedMediaType',
  428: 'preconditionRequired',
  503: 'unavailable',
};

const PROBLEM_DESCRIPTIONS: Record<number, string> = {
  400: 'Invalid input: `errors` names each offending field.',
  404: 'No such resource.',
  409: 'Conflicts with the current state (see `detail`).',
  412: "If-Match does not match the current revision; the ETag header carries the current one.",
  413: 'The body is larger than 64 KB.',
  415: 'A body that is not application/json.',
  428: 'If-Match is required.',
  503: 'DynamoDB or an AWS API failed or throttled; retry after Retry-After seconds.',
};

function problemResponse(status: number): ResponseConfig {
  const kind = STATUS_KIND[status];
  const header = status === 503 ? 'Retry-After' : status === 412 ? 'ETag' : undefined;
  return {
    description: PROBLEM_DESCRIPTIONS[status] ?? (kind ? PROBLEM[kind].title : 'Error'),
    content: { [PROBLEM_CONTENT_TYPE]: { schema: ProblemSchema } },
    ...(header ? { headers: { [header]: HEADER_DOCS[header] } } : {}),
  };
}

function routeConfig(r: Route): RouteConfig {
  const responses: RouteConfig['responses'] = {};
  for (const [status, doc] of Object.entries(r.responses)) {
    responses[status] = {
      description: doc.description,
      ...(doc.schema ? { content: { [r.contentType ?? 'application/json']: { schema: doc.schema } } } : {}),
      ...(doc.headers?.length ? { headers: Object.fromEntries(doc.headers.map((h) => [h, HEADER_DOCS[h]])) } : {}),
    };
  }
  for (const status of new Set([400, 503, ...(r.problems ?? [])])) responses[String(status)] = problemResponse(status);

  const ifMatch = r.ifMatch
    ? z.object({
        'If-Match': (r.ifMatch === 'required' ? z.string() : z.string().optional()).meta({
          description: r.ifMatch === 'required' ? 'The ETag of the GET the change is based on (required).' : 'Optional: apply only at this revision (412 otherwise).',
          example: '"3"',
        }),
      })
    : undefined;

  return {
    method: r.method.toLowerCase() as RouteConfig['method'],
    path: r.path,
    operationId: r.operationId,
    summary: r.summary,
    ...(r.description ? { description: r.description } : {}),
    tags: [r.tag],
    security: [{ sigv4: [] }],
    request: {
      ...(r.params ? { params: r.params as never } : {}),
      ...(r.query ? { query: r.query as never } : {}),
      ...(ifMatch ? { headers: ifMatch } : {}),
      ...(r.body
        ? {
            body: {
              required: r.body.required,
              ...(r.body.description ? { description: r.body.description } : {}),
              content: { 'application/json': { schema: r.body.schema } },
            },
          }
        : {}),
    },
    responses,
  };
}

/** The OpenAPI 3.1 document of these routes. */
export function openApiDocument(routes: readonly Route[]) {
  const registry = new OpenAPIRegistry();
  registry.registerComponent('securitySchemes', 'sigv4', {
    type: 'apiKey',
    name: 'Authorization',
    in: 'header',
    description: 'AWS Signature Version 4: API Gateway authorises every route with IAM (the caller needs execute-api:Invoke).',
    'x-amazon-apigateway-authtype': 'awsSigv4',
  });
  for (const r of routes) registry.registerPath(routeConfig(r));
  return new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: '3.1.0',
    info: {
      title: API_TITLE,
      version: API_VERSION,
      description:
        'Tell Shepherd what should run: services, task definitions and cluster capacity. Field names follow ECS. Errors are RFC 9457 ' +
        '`application/problem+json`; an unknown path answers 404 and a known path with another method 405 with `Allow`. Lists answer ' +
        '`{ items, nextToken }`. Request bodies are at most 64 KB; unknown fields are refused.',
    },
    tags: [
      { name: 'Services', description: 'Desired state of services.' },
      { name: 'Service actions', description: 'Scale, pause, resume, deploy.' },
      { name: 'Task definitions', description: 'ECS task definitions.' },
      { name: 'Clusters', description: 'Clusters and their capacity settings.' },
      { name: 'Meta', description: 'This document.' },
    ],
  });
}
