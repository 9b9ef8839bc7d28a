import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SimError } from './errors';
import type { CallLog } from './calls';
import type { Faults, SimServiceName } from './faults';
import { xmlEscape } from './xml';

/** A service on a JSON 1.1 protocol (ECS, EventBridge): `X-Amz-Target: <prefix>.<Action>`. */
export interface JsonProtocolService {
  name: SimServiceName;
  targetPrefix: string;
  handle(action: string, input: Record<string, unknown>): unknown;
}

/** A service on the query protocol (Auto Scaling, ELBv2): form-encoded `Action=…&Version=…`, XML answers. */
export interface QueryProtocolService {
  name: SimServiceName;
  /** The API version the SDK sends in `Version`, which tells query services apart. */
  apiVersion: string;
  xmlns: string;
  /** Returns the inner XML of `<{Action}Result>`. */
  handle(action: string, params: URLSearchParams): string;
}

export interface SimServerOptions {
  host?: string;
  port?: number;
  json: JsonProtocolService[];
  query: QueryProtocolService[];
  faults: Faults;
  calls: CallLog;
  maxBodyBytes?: number;
}

export interface RunningServer {
  endpoint: string;
  port: number;
  close(): Promise<void>;
}

let requestCounter = 0;
const requestId = () => `sim-${Date.now().toString(16)}-${(++requestCounter).toString(16)}`;

/** One HTTP endpoint that answers every simulated service, routed by protocol the way AWS SDKs call them. */
export async function startSimServer(opts: SimServerOptions): Promise<RunningServer> {
  const server: Server = createServer((req, res) => {
    void route(opts, req, res).catch((err: unknown) => {
      if (!res.headersSent) {
        res.writeHead(500, { 'content-type': 'application/x-amz-json-1.1' });
        res.end(JSON.stringify({ __type: 'ServerException', message: String(err) }));
      }
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://${opts.host ?? '127.0.0.1'}:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function readBody(req: IncomingMessage, limit: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new SimError('RequestEntityTooLarge', 'request body too large', 413);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

async function route(opts: SimServerOptions, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const rid = requestId();
  if (req.method === 'GET' && (req.url === '/' || req.url === '/health')) {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ ok: true, services: [...opts.json, ...opts.query].map((s) => s.name) }));
    return;
  }
  const target = req.headers['x-amz-target'];
  let body: string;
  try {
    body = await readBody(req, opts.maxBodyBytes ?? 10 * 1024 * 1024);
  } catch (err) {
    return sendJsonError(res, rid, err);
  }
  if (typeof target === 'string') {
    const dot = target.lastIndexOf('.');
    const prefix = target.slice(0, dot);
    const action = target.slice(dot + 1);
    const svc = opts.json.find((s) => s.targetPrefix === prefix);
    if (!svc) return sendJsonError(res, rid, new SimError('UnknownOperationException', `unknown target ${target}`));
    try {
      await applyFaults(opts, svc.name, action);
      let input: unknown;
      try {
        input = body.length ? JSON.parse(body) : {};
      } catch {
        throw new SimError('SerializationException', 'request body is not valid JSON');
      }
      if (typeof input !== 'object' || input === null || Array.isArray(input)) {
        throw new SimError('SerializationException', 'request body must be a JSON object');
      }
      const out = await svc.handle(action, input as Record<string, unknown>);
      res.writeHead(200, { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': rid });
      res.end(JSON.stringify(out ?? {}));
    } catch (err) {
      sendJsonError(res, rid, err);
    }
    return;
  }
  const params = new URLSearchParams(body);
  const action = params.get('Action');
  const version = params.get('Version');
  const svc = opts.query.find((s) => s.apiVersion === version);
  if (!action || !svc) {
    return sendXmlError(res, rid, 'http://localhost/', new SimError('InvalidAction', `unknown action ${action ?? ''} for version ${version ?? ''}`));
  }
  try {
    await applyFaults(opts, svc.name, action);
    const inner = await svc.handle(action, params);
    res.writeHead(200, { 'content-type': 'text/xml', 'x-amzn-requestid': rid });
    res.end(
      `<${action}Response xmlns="${svc.xmlns}"><${action}Result>${inner}</${action}Result>` +
        `<ResponseMetadata><RequestId>${rid}</RequestId></ResponseMetadata></${action}Response>`,
    );
  } catch (err) {
    sendXmlError(res, rid, svc.xmlns, err);
  }
}

async function applyFaults(opts: SimServerOptions, service: SimServiceName, action: string): Promise<void> {
  const d = opts.faults.decide(service, action);
  if (d.latencyMs > 0) await new Promise((r) => setTimeout(r, d.latencyMs));
  if (d.throttle) {
    throw new SimError(service === 'autoscaling' || service === 'elbv2' ? 'Throttling' : 'ThrottlingException', 'Rate exceeded', 400);
  }
  if (d.serverError) throw new SimError(service === 'ecs' ? 'ServerException' : 'InternalFailure', 'injected server error', 500);
  opts.calls.record(service, action);
}

function toSimError(err: unknown): SimError {
  if (err instanceof SimError) return err;
  return new SimError('ServerException', err instanceof Error ? err.message : String(err), 500);
}

function sendJsonError(res: ServerResponse, rid: string, err: unknown): void {
  const e = toSimError(err);
  res.writeHead(e.status, {
    'content-type': 'application/x-amz-json-1.1',
    'x-amzn-requestid': rid,
    'x-amzn-errortype': e.code,
  });
  res.end(JSON.stringify({ ...e.fields, __type: e.code, message: e.message }));
}

function sendXmlError(res: ServerResponse, rid: string, xmlns: string, err: unknown): void {
  const e = toSimError(err);
  res.writeHead(e.status, { 'content-type': 'text/xml', 'x-amzn-requestid': rid });
  res.end(
    `<ErrorResponse xmlns="${xmlns}"><Error><Type>${e.fault}</Type><Code>${xmlEscape(e.code)}</Code>` +
      `<Message>${xmlEscape(e.message)}</Message></Error><RequestId>${rid}</RequestId></ErrorResponse>`,
  );
}
