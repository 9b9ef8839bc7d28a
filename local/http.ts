/**
 * Serves an HTTP API function on loopback the way API Gateway (HTTP API, payload v2) invokes it:
 * each request becomes an APIGatewayProxyEventV2, the result becomes the response. With an
 * authorizer (./apiAuth: SigV4), requests it refuses get API Gateway's 403 and never reach the
 * function; the ones it accepts carry the caller in `requestContext.authorizer.iam`, as behind an
 * IAM-authorised route.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import type { Authorizer, VerifiedCaller } from './apiAuth';

const MAX_BODY = 1024 * 1024;

export async function toApiGatewayEvent(req: IncomingMessage, body: string): Promise<APIGatewayProxyEventV2> {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) headers[k.toLowerCase()] = Array.isArray(v) ? v.join(',') : v;
  const query: Record<string, string> = {};
  for (const [k, v] of url.searchParams) query[k] = query[k] === undefined ? v : `${query[k]},${v}`;
  const now = new Date();
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: url.pathname,
    rawQueryString: url.search.slice(1),
    headers,
    ...(Object.keys(query).length ? { queryStringParameters: query } : {}),
    requestContext: {
      accountId: '123456789012',
      apiId: 'local',
      domainName: headers.host ?? 'localhost',
      domainPrefix: 'local',
      http: { method: req.method ?? 'GET', path: url.pathname, protocol: 'HTTP/1.1', sourceIp: req.socket.remoteAddress ?? '127.0.0.1', userAgent: headers['user-agent'] ?? '' },
      requestId: `local-${now.getTime().toString(36)}-${Math.random().toString(36).slice(2, 8)}`,
      routeKey: '$default',
      stage: '$default',
      time: now.toUTCString(),
      timeEpoch: now.getTime(),
    },
    ...(body ? { body } : {}),
    isBase64Encoded: false,
  };
}

/** The IAM identity API Gateway passes on for a SigV4-authorised request. */
function withCaller(event: APIGatewayProxyEventV2, caller: VerifiedCaller): APIGatewayProxyEventV2 {
  const iam = { accessKey: caller.accessKey, accountId: event.requestContext.accountId, callerId: caller.accessKey, cognitoIdentity: null, principalOrgId: null, userId: caller.accessKey };
  return { ...event, requestContext: { ...event.requestContext, authorizer: { iam } } } as APIGatewayProxyEventV2;
}

function forbidden(res: ServerResponse, detail: string): void {
  res.writeHead(403, { 'content-type': 'application/problem+json' });
  res.end(JSON.stringify({ type: 'about:blank', title: 'Forbidden', status: 403, detail }));
}

export async function serveHttpApi(opts: {
  port?: number;
  invoke: (event: APIGatewayProxyEventV2, context?: Context) => Promise<unknown>;
  /** Verifies each request first (SigV4); absent: the API is open (loopback only). */
  authorize?: Authorizer;
}): Promise<{ url: string; server: Server; close(): Promise<void> }> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size <= MAX_BODY) chunks.push(c);
    });
    req.on('end', () => {
      void (async () => {
        if (size > MAX_BODY) {
          res.writeHead(413, { 'content-type': 'application/problem+json' });
          res.end(JSON.stringify({ type: 'about:blank', title: 'Payload Too Large', status: 413 }));
          return;
        }
        try {
          const body = Buffer.concat(chunks);
          let event = await toApiGatewayEvent(req, body.toString('utf8'));
          if (opts.authorize) {
            const verdict = await opts.authorize(req, body);
            if (!verdict.ok) return forbidden(res, verdict.message);
            event = withCaller(event, verdict.caller);
          }
          const out = (await opts.invoke(event)) as APIGatewayProxyStructuredResultV2 | string | undefined;
          const result: APIGatewayProxyStructuredResultV2 = typeof out === 'object' && out !== null && 'statusCode' in out ? out : { statusCode: 200, body: typeof out === 'string' ? out : JSON.stringify(out ?? null) };
          res.writeHead(result.statusCode ?? 200, { 'content-type': 'application/json', ...(result.headers as Record<string, string>) });
          res.end(result.body ?? '');
        } catch (err) {
          // API Gateway answers 500 when the function itself fails.
          res.writeHead(500, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ message: 'Internal Server Error', error: String(err) }));
        }
      })();
    });
  });
  await new Promise<void>((resolve) => server.listen(opts.port ?? 0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    server,
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}
