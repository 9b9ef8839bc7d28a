/**
 * SigV4 for API Gateway (service `execute-api`) with the standard AWS credential chain
 * (environment, SSO, shared config and credentials files, web identity, ECS/EC2 metadata).
 * Loaded only for endpoints that are not loopback, so local runs never need AWS libraries.
 */
import { createHash, createHmac, type Hash, type Hmac } from 'node:crypto';
import type { Checksum, SourceData } from '@smithy/types';

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

export async function makeSigner(region: string): Promise<Signer> {
  const [{ SignatureV4 }, { fromNodeProviderChain }] = await Promise.all([import('@smithy/signature-v4'), import('@aws-sdk/credential-providers')]);
  const signer = new SignatureV4({ service: 'execute-api', region, credentials: fromNodeProviderChain(), sha256: Sha256 });
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
