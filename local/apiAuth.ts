/**
 * SigV4 on the local HTTP API, as API Gateway checks it for an IAM-authorised route: the
 * Authorization header's signature (service `execute-api`, the configured region) is recomputed
 * with @smithy/signature-v4 — the library the CLI signs with — from the request as it arrived and
 * the secret of its access key, and compared. Refused: no or malformed Authorization, an unknown
 * access key or session token, another region or service in the credential scope, a date more
 * than 5 minutes off, a body that does not match its signed hash, a signature that differs.
 * Not modelled: IAM policies (any known key may call every route) and query-string (presigned)
 * signatures.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { SignatureV4 } from '@smithy/signature-v4';
import type { AwsCredentialIdentity } from '@smithy/types';
import { Sha256 } from '../cli/sigv4';

export const SIGV4_SERVICE = 'execute-api';
const ALGORITHM = 'AWS4-HMAC-SHA256';
/** How far a request's X-Amz-Date may be from now (AWS: 5 minutes). */
const MAX_SKEW_MS = 5 * 60_000;

export interface ApiAuthOptions {
  /** The region requests must be signed for. */
  region: string;
  /** The credentials whose signatures are accepted. */
  credentials: AwsCredentialIdentity[];
  /** Wall-clock time, for tests (a signature's age is real time even on a virtual clock). */
  now?: () => number;
}

/** Who signed: what API Gateway's IAM authorizer passes on in `requestContext.authorizer.iam`. */
export interface VerifiedCaller {
  accessKey: string;
}

export type AuthResult = { ok: true; caller: VerifiedCaller } | { ok: false; message: string };

export type Authorizer = (req: IncomingMessage, body: Buffer) => Promise<AuthResult>;

const refuse = (message: string): AuthResult => ({ ok: false, message });

/** `20240102T030405Z` → Date, or undefined. */
function parseAmzDate(s: string): Date | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(s);
  if (!m) return undefined;
  const d = new Date(`${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}Z`);
  return Number.isNaN(d.getTime()) ? undefined : d;
}

const amzDate = (ms: number) => new Date(ms).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');

/** The Authorization header's parameters: Credential, SignedHeaders, Signature. */
function parseAuthorization(header: string): { credential: string[]; signedHeaders: string[]; signature: string } | string {
  if (!header.startsWith(`${ALGORITHM} `)) return `Authorization header must use the ${ALGORITHM} algorithm (SigV4)`;
  const params = new Map<string, string>();
  for (const part of header.slice(ALGORITHM.length + 1).split(',')) {
    const i = part.indexOf('=');
    if (i > 0) params.set(part.slice(0, i).trim(), part.slice(i + 1).trim());
  }
  const missing = ['Credential', 'SignedHeaders', 'Signature'].filter((k) => !params.get(k));
  if (missing.length) return missing.map((k) => `Authorization header requires '${k}' parameter.`).join(' ');
  return {
    credential: (params.get('Credential') as string).split('/'),
    signedHeaders: (params.get('SignedHeaders') as string).split(';'),
    signature: params.get('Signature') as string,
  };
}

function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v.join(', ') : v;
}

function queryOf(rawQuery: string): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [k, v] of new URLSearchParams(rawQuery)) {
    const prev = out[k];
    out[k] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v];
  }
  return out;
}

/** Verifies requests against `opts`; see the file's comment for what is refused and why. */
export function sigv4Authorizer(opts: ApiAuthOptions): Authorizer {
  const byKey = new Map(opts.credentials.map((c) => [c.accessKeyId, c]));
  const now = opts.now ?? Date.now;
  return async (req, body) => {
    const raw = req.url ?? '/';
    const q = raw.indexOf('?');
    const path = q < 0 ? raw : raw.slice(0, q);
    const rawQuery = q < 0 ? '' : raw.slice(q + 1);
    const authorization = header(req, 'authorization');
    if (!authorization) {
      if (/(?:^|&)X-Amz-Signature=/i.test(rawQuery)) return refuse('query-string (presigned) signatures are not accepted here: sign the Authorization header');
      return refuse(`Missing Authentication Token: this API verifies SigV4 signatures (service ${SIGV4_SERVICE}, region ${opts.region})`);
    }
    const auth = parseAuthorization(authorization);
    if (typeof auth === 'string') return refuse(auth);

    const [accessKeyId, scopeDate, scopeRegion, scopeService, terminator] = auth.credential;
    if (auth.credential.length !== 5 || terminator !== 'aws4_request') return refuse(`Credential must have the form <key>/<date>/<region>/${SIGV4_SERVICE}/aws4_request`);
    const credentials = byKey.get(accessKeyId ?? '');
    if (!credentials) return refuse('The security token included in the request is invalid.');
    if (scopeRegion !== opts.region) return refuse(`Credential should be scoped to a valid region, not '${scopeRegion}' (this API is in ${opts.region}).`);
    if (scopeService !== SIGV4_SERVICE) return refuse(`Credential should be scoped to correct service: '${SIGV4_SERVICE}'.`);

    const signed = new Set(auth.signedHeaders);
    for (const required of ['host', 'x-amz-date']) if (!signed.has(required)) return refuse(`the ${required} header must be signed`);
    const dateHeader = header(req, 'x-amz-date') ?? '';
    const date = parseAmzDate(dateHeader);
    if (!date) return refuse(`X-Amz-Date must be an ISO 8601 basic date such as 20240102T030405Z, not '${dateHeader.slice(0, 40)}'`);
    if (scopeDate !== dateHeader.slice(0, 8)) {
      return refuse(`Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '${scopeDate}' != '${dateHeader.slice(0, 8)}', from '${dateHeader}'.`);
    }
    const at = now();
    if (date.getTime() < at - MAX_SKEW_MS) return refuse(`Signature expired: ${dateHeader} is now earlier than ${amzDate(at - MAX_SKEW_MS)} (${amzDate(at)} - 5 min.)`);
    if (date.getTime() > at + MAX_SKEW_MS) return refuse(`Signature not yet current: ${dateHeader} is still later than ${amzDate(at + MAX_SKEW_MS)} (${amzDate(at)} + 5 min.)`);
    if (credentials.sessionToken !== undefined && (header(req, 'x-amz-security-token') !== credentials.sessionToken || !signed.has('x-amz-security-token'))) {
      return refuse('The security token included in the request is invalid.');
    }

    const headers: Record<string, string> = {};
    for (const name of signed) {
      const v = header(req, name);
      if (v === undefined) return refuse(`the signed header ${name} is missing from the request`);
      headers[name] = v;
    }
    const bodyHash = createHash('sha256').update(body).digest('hex');
    if (headers['x-amz-content-sha256'] !== undefined && headers['x-amz-content-sha256'] !== bodyHash) {
      return refuse("The provided 'x-amz-content-sha256' header does not match what was computed.");
    }

    const signer = new SignatureV4({ service: SIGV4_SERVICE, region: opts.region, credentials, sha256: Sha256, applyChecksum: false });
    const again = await signer.sign(
      { method: req.method ?? 'GET', protocol: 'http:', hostname: headers.host ?? '', path, query: queryOf(rawQuery), headers, ...(body.length ? { body } : {}) },
      { signingDate: date, signableHeaders: signed },
    );
    const expected = /Signature=([0-9a-f]{64})$/.exec(String(again.headers.authorization))?.[1] ?? '';
    const given = Buffer.from(auth.signature);
    if (given.length !== expected.length || !timingSafeEqual(given, Buffer.from(expected))) {
      return refuse(
        'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.',
      );
    }
    return { ok: true, caller: { accessKey: credentials.accessKeyId } };
  };
}
