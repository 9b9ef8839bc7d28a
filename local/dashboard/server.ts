/**
 * The local dashboard's server: a small static server on loopback, started by the sandbox.
 *
 * - `/` the page, `/app.js` the client (plain TypeScript bundled by esbuild in memory at start),
 *   `/style.css`. Nothing is fetched from the network: no CDN fonts or scripts.
 * - `/api/*` forwards to Shepherd's HTTP API (same origin for the page, no CORS needed): everything
 *   the dashboard reads and every action it offers (scale, deploy, pause, resume; stop a task;
 *   drain, activate, terminate an instance). Nothing goes to AWS (or the simulator) directly.
 *   When the API verifies SigV4, the forwarded requests are signed with the sandbox's credentials.
 *
 * Loopback only; requests must name this server in `Host` (no DNS rebinding) and POSTs from a page
 * must come from its own origin (no cross-site requests through it).
 */
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { signedFetch, type Signer } from '../../cli/sigv4';

const HERE = dirname(fileURLToPath(import.meta.url));
const MAX_BODY = 256 * 1024;

export interface DashboardOptions {
  /** Shepherd's HTTP API, e.g. http://127.0.0.1:8080. */
  apiUrl: string;
  /** Signs the forwarded requests, when the API verifies SigV4. */
  signer?: Signer;
  /** 0 or absent: any free port. */
  port?: number;
}

export interface Dashboard {
  url: string;
  close(): Promise<void>;
}

/** Bundles the client once (in memory, ~50 ms). */
async function bundleClient(): Promise<string> {
  const out = await build({
    entryPoints: [join(HERE, 'client', 'main.ts')],
    bundle: true,
    write: false,
    format: 'esm',
    target: 'es2022',
    minify: true,
    sourcemap: false,
    logLevel: 'silent',
  });
  const file = out.outputFiles[0];
  if (!file) throw new Error('dashboard: esbuild produced no output');
  return file.text;
}

function readBody(req: IncomingMessage): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size <= MAX_BODY) chunks.push(c);
    });
    req.on('end', () => resolve(size > MAX_BODY ? undefined : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, status: number, type: string, body: string | Buffer, extra: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store', 'x-content-type-options': 'nosniff', ...extra });
  res.end(body);
}

function problem(res: ServerResponse, status: number, title: string, detail: string): void {
  send(res, status, 'application/problem+json', JSON.stringify({ type: 'about:blank', title, status, detail }));
}

/** Forwards a request (signed when a signer is given) and copies the answer back (status, content type, ETag, body). */
async function forward(res: ServerResponse, url: string, init: { method: string; headers: Record<string, string>; body?: Buffer; signer?: Signer }): Promise<void> {
  try {
    const body = init.body && init.body.length ? init.body.toString('utf8') : undefined;
    const answer = await signedFetch(init.signer, new URL(url), { method: init.method, headers: init.headers, ...(body !== undefined ? { body } : {}) });
    const headers: Record<string, string> = {};
    for (const h of ['etag', 'location', 'retry-after', 'allow']) {
      const v = answer.headers.get(h);
      if (v) headers[h] = v;
    }
    send(res, answer.status, answer.headers.get('content-type') ?? 'application/octet-stream', Buffer.from(await answer.arrayBuffer()), headers);
  } catch (err) {
    problem(res, 502, 'Bad Gateway', `could not reach ${new URL(url).origin}: ${String(err)}`);
  }
}

export async function serveDashboard(opts: DashboardOptions): Promise<Dashboard> {
  const [js, html, css] = await Promise.all([
    bundleClient(),
    readFile(join(HERE, 'client', 'index.html'), 'utf8'),
    readFile(join(HERE, 'client', 'style.css'), 'utf8'),
  ]);
  const apiUrl = opts.apiUrl.replace(/\/$/, '');
  let allowedHosts = new Set<string>();
  let origins = new Set<string>();

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const method = req.method ?? 'GET';
    if (!allowedHosts.has(req.headers.host ?? '')) return problem(res, 421, 'Misdirected Request', 'this server answers only on its loopback address');
    if (method !== 'GET' && method !== 'HEAD' && req.headers.origin !== undefined && !origins.has(req.headers.origin)) {
      return problem(res, 403, 'Forbidden', 'cross-origin requests are refused');
    }

    if (method === 'GET' && (url.pathname === '/' || url.pathname === '/index.html')) return send(res, 200, 'text/html; charset=utf-8', html);
    if (method === 'GET' && url.pathname === '/app.js') return send(res, 200, 'text/javascript; charset=utf-8', js);
    if (method === 'GET' && url.pathname === '/style.css') return send(res, 200, 'text/css; charset=utf-8', css);
    if (method === 'GET' && url.pathname === '/favicon.ico') return send(res, 204, 'image/x-icon', '');

    if (url.pathname.startsWith('/api/')) {
      const body = await readBody(req);
      if (body === undefined) return problem(res, 413, 'Payload Too Large', 'body over 256 KB');
      const headers: Record<string, string> = {};
      for (const h of ['content-type', 'if-match', 'accept']) {
        const v = req.headers[h];
        if (typeof v === 'string') headers[h] = v;
      }
      return forward(res, `${apiUrl}${url.pathname.slice(4)}${url.search}`, { method, headers, body, ...(opts.signer ? { signer: opts.signer } : {}) });
    }

    return problem(res, 404, 'Not Found', `no such path: ${url.pathname}`);
  };

  const server = createServer((req, res) => {
    void handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) problem(res, 500, 'Internal Server Error', String(err));
      else res.end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  allowedHosts = new Set([`127.0.0.1:${port}`, `localhost:${port}`]);
  origins = new Set([...allowedHosts].map((h) => `http://${h}`));
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
