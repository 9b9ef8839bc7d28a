/**
 * The CLI's HTTP client for Shepherd's public API: JSON in and out, problem+json answers as
 * typed errors, SigV4 (service `execute-api`) for any endpoint that is not loopback, and for a
 * loopback one too when asked (a sandbox started with SHEPHERD_API_AUTH=sigv4).
 */
import type { ProblemBody } from '../shared/api/problem';
import { regionFromChain } from './region';
import { makeSigner, type Signer } from './sigv4';

export interface Answer<T = unknown> {
  status: number;
  headers: Headers;
  /** The parsed JSON body (undefined when empty). */
  body: T;
  /** The body exactly as the API sent it. */
  raw: string;
}

/** An answer with status >= 400. `problem` is set when the body is RFC 9457 problem details. */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    readonly status: number,
    readonly raw: string,
    readonly problem: ProblemBody | undefined,
    readonly retryAfter: number | undefined,
  ) {
    super(problem ? `${problem.title}: ${problem.detail}` : `HTTP ${status}`);
  }
}

/** The API could not be reached (connection refused, DNS, TLS, timeout). */
export class NetworkError extends Error {
  override readonly name = 'NetworkError';
}

export interface RequestOptions {
  query?: Record<string, string | number | boolean | undefined>;
  body?: unknown;
  headers?: Record<string, string>;
  /** Safe to repeat after a 503 (default true; registering a task definition is not). */
  retry?: boolean;
}

const LOOPBACK = /^(localhost|127(?:\.\d{1,3}){3}|\[?::1\]?|\[::ffff:127(?:\.\d{1,3}){3}\])$/i;

export function isLoopback(endpoint: URL): boolean {
  return LOOPBACK.test(endpoint.hostname);
}

/** execute-api host names carry their region: `abc123.execute-api.eu-west-1.amazonaws.com`. */
export function regionFromHost(hostname: string): string | undefined {
  return /\.execute-api\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?$/.exec(hostname)?.[1];
}

export class ApiClient {
  readonly endpoint: URL;
  private readonly userAgent: string;
  private signer: Promise<Signer> | undefined;

  /** The region a local sandbox verifies signatures for when nothing else says (npm start's default). */
  static readonly SANDBOX_REGION = 'us-east-1';

  constructor(endpoint: string, opts: { region?: string; userAgent?: string; sign?: boolean; env?: NodeJS.ProcessEnv } = {}) {
    let url: URL;
    try {
      url = new URL(endpoint);
    } catch {
      throw new NetworkError(`not a URL: ${endpoint}`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new NetworkError(`the endpoint must be http:// or https://, not ${url.protocol}`);
    this.endpoint = url;
    this.userAgent = opts.userAgent ?? 'shepherd-cli';
    if (opts.sign || !isLoopback(url)) {
      this.signer = signingRegion(url, opts.region, opts.env ?? process.env).then((region) => makeSigner(region));
      // Reported only when a request needs it.
      this.signer.catch(() => undefined);
    }
  }

  /** True when requests are SigV4-signed. */
  get signed(): boolean {
    return this.signer !== undefined;
  }

  async request<T = unknown>(method: string, path: string, opts: RequestOptions = {}): Promise<Answer<T>> {
    const base = this.endpoint.pathname.replace(/\/+$/, '');
    const url = new URL(this.endpoint.origin + base + path);
    for (const [k, v] of Object.entries(opts.query ?? {})) if (v !== undefined) url.searchParams.set(k, String(v));
    const body = opts.body === undefined ? undefined : JSON.stringify(opts.body);
    const headers: Record<string, string> = {
      accept: 'application/json, application/problem+json',
      'user-agent': this.userAgent,
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...opts.headers,
    };
    const attempts = opts.retry === false ? 1 : 3;
    for (let attempt = 1; ; attempt++) {
      const sent = this.signer ? await (await this.signer).sign({ method, url, headers, body }) : headers;
      let res: Response;
      try {
        res = await fetch(url, { method, headers: sent, ...(body !== undefined ? { body } : {}), signal: AbortSignal.timeout(30_000) });
      } catch (err) {
        throw new NetworkError(describeNetworkError(err, url));
      }
      const raw = await res.text();
      let parsed: unknown;
      try {
        parsed = raw ? JSON.parse(raw) : undefined;
      } catch {
        parsed = undefined;
      }
      if (res.status < 400) {
        if (raw && parsed === undefined) throw new NetworkError(`${method} ${url.pathname}: the answer is not JSON (is ${this.endpoint.origin} Shepherd's API?)`);
        return { status: res.status, headers: res.headers, body: parsed as T, raw };
      }
      const retryAfter = res.headers.get('retry-after') ? Number(res.headers.get('retry-after')) : undefined;
      if (res.status === 503 && attempt < attempts) {
        await sleep(Math.min(5, retryAfter ?? attempt) * 1000);
        continue;
      }
      throw new ApiError(res.status, raw, asProblem(parsed, res.status), retryAfter);
    }
  }
}

function asProblem(body: unknown, status: number): ProblemBody | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const b = body as Record<string, unknown>;
  if (typeof b.title === 'string') return { detail: '', status, ...(b as Partial<ProblemBody>), title: b.title } as ProblemBody;
  // API Gateway's own answers (a bad signature, a missing route): { "message": "Forbidden" }.
  if (typeof b.message === 'string') return { type: 'about:blank', title: b.message, status, detail: typeof b.error === 'string' ? b.error : '' };
  return undefined;
}

function describeNetworkError(err: unknown, url: URL): string {
  const cause = (err as { cause?: { code?: string; message?: string } }).cause;
  const code = cause?.code ?? (err as { name?: string }).name;
  const where = url.origin;
  if (code === 'ECONNREFUSED') return `cannot reach ${where}: connection refused${isLoopback(url) ? ' (is `npm start` running?)' : ''}`;
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return `cannot reach ${where}: unknown host ${url.hostname}`;
  if (code === 'TimeoutError' || code === 'UND_ERR_CONNECT_TIMEOUT') return `cannot reach ${where}: timed out`;
  return `cannot reach ${where}: ${cause?.message ?? (err instanceof Error ? err.message : String(err))}`;
}

/**
 * The region to sign for: --region; else an execute-api host's own region (signing for another
 * always fails); else the standard chain; else, on loopback, the sandbox's default.
 */
async function signingRegion(url: URL, given: string | undefined, env: NodeJS.ProcessEnv): Promise<string> {
  const region = given ?? regionFromHost(url.hostname) ?? (await regionFromChain(env)) ?? (isLoopback(url) ? ApiClient.SANDBOX_REGION : undefined);
  if (!region) throw new NetworkError(`requests to ${url.host} are signed (SigV4): say which region with --region or AWS_REGION`);
  return region;
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
