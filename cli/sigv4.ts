/**
 * SigV4 for API Gateway (service `execute-api`) with the standard AWS credential chain
 * (environment, SSO, shared config and credentials files, web identity, ECS/EC2 metadata).
 * Loaded only for endpoints that are not loopback, so local runs never need AWS libraries.
 */
import { createHash, createHmac, type Hash, type Hmac } from 'node:crypto';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider, Checksum, SourceData } from '@smithy/types';

export interface Signer {
  /** The headers to send for this request, Authorization and X-Amz-* included. */
  sign(req: { method: string; url: URL; headers: Record<string, string>; body: string | undefined }): Promise<Record<string, string>>;
}

const toBuffer = (data: SourceData): Buffer =>
  typeof data === 'string' ? Buffer.from(data, 'utf8') : ArrayBuffer.isView(data) ? Buffer.from(data.buffer, data.byteOffset, data.byteLength) : Buffer.from(data);

/** SHA-256 (and HMAC-SHA-256 with a secret) from node:crypto, in the shape @smithy/signature-v4 expects. */
export class Sha256 implements Checksum {
  private hash: Hash | Hmac;
  constructor(private readonly secret?: SourceData) {
    this.hash = this.fresh();
  }
  private fresh(): Hash | Hmac {
    return this.secret === undefined ? createHash('sha256') : createHmac('sha256', toBuffer(this.secret));
  }
  update(data: Uint8Array): void {
    this.hash.update(toBuffer(data));
  }
  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.hash.digest());
  }
  reset(): void {
    this.hash = this.fresh();
  }
}

/** A signer for `region`; credentials from the standard chain unless given. */
export async function makeSigner(region: string, credentials?: AwsCredentialIdentity | AwsCredentialIdentityProvider): Promise<Signer> {
  const { SignatureV4 } = await import('@smithy/signature-v4');
  const signer = new SignatureV4({ service: 'execute-api', region, credentials: credentials ?? (await import('@aws-sdk/credential-providers')).fromNodeProviderChain(), sha256: Sha256 });
  return {
    async sign({ method, url, headers, body }) {
      const query: Record<string, string> = {};
      for (const [k, v] of url.searchParams) query[k] = v;
      const signed = await signer.sign({
        method,
        protocol: url.protocol,
        hostname: url.hostname,
        ...(url.port ? { port: Number(url.port) } : {}),
        path: url.pathname,
        query,
        headers: { ...headers, host: url.host },
        ...(body !== undefined ? { body } : {}),
      });
      // fetch sets Host itself (the same value that was signed).
      const { host: _host, ...rest } = signed.headers;
      return rest;
    },
  };
}

/** fetch, signed first when a signer is given (the body as a string, as it is signed). */
export async function signedFetch(signer: Signer | undefined, url: URL, init: { method: string; headers: Record<string, string>; body?: string; signal?: AbortSignal }): Promise<Response> {
  const headers = signer ? await signer.sign({ method: init.method, url, headers: init.headers, body: init.body }) : init.headers;
  return fetch(url, { method: init.method, headers, ...(init.body !== undefined ? { body: init.body } : {}), ...(init.signal ? { signal: init.signal } : {}) });
}
