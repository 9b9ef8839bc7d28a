/**
 * SigV4 on the local HTTP API (local/http.ts with local/apiAuth.ts), as `SHEPHERD_API_AUTH=sigv4`
 * turns it on: requests signed (by cli/sigv4.ts, the CLI's own signer) with the configured
 * credentials for service execute-api in the configured region pass and carry the caller to the
 * routes; unsigned, tampered, expired or otherwise wrongly signed ones get a 403 problem and never
 * reach the function. The CLI signs loopback requests when SHEPHERD_API_AUTH=sigv4 is set.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SignatureV4 } from '@smithy/signature-v4';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sigv4Authorizer } from '../../local/apiAuth';
import { serveHttpApi } from '../../local/http';
import { makeSigner, Sha256, signedFetch, type Signer } from '../../cli/sigv4';
import { lambdaContext, startApi, type ApiHarness } from './api-harness';

const REGION = 'eu-west-1';
const KEY = { accessKeyId: 'AKIDLOCALEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' };
const TEMPORARY = { accessKeyId: 'ASIATEMPORARY', secretAccessKey: 'temporary-secret', sessionToken: 'FwoGZXIvYXdzEXAMPLETOKEN' };
const CLI = join(import.meta.dirname, '../../cli/shepherd.mjs');
const home = mkdtempSync(join(tmpdir(), 'shepherd-cli-home-'));

let h: ApiHarness;
let api: Awaited<ReturnType<typeof serveHttpApi>>;
let invocations = 0;
let signer: Signer;

interface Reply {
  status: number;
  type: string | null;
  body: Record<string, unknown>;
}

async function reply(res: Response): Promise<Reply> {
  const text = await res.text();
  return { status: res.status, type: res.headers.get('content-type'), body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

const url = (path: string) => new URL(`${api.url}${path}`);
const json = { 'content-type': 'application/json' };

/** Signs with @smithy/signature-v4 at a chosen date (the CLI's library, the CLI's hash). */
async function signAt(date: Date, req: { method: string; path: string; body?: string }, o: { region?: string; credentials?: typeof KEY } = {}) {
  const u = url(req.path);
  const s = new SignatureV4({ service: 'execute-api', region: o.region ?? REGION, credentials: o.credentials ?? KEY, sha256: Sha256 });
  const signed = await s.sign({ method: req.method, protocol: 'http:', hostname: u.hostname, port: Number(u.port), path: u.pathname, query: {}, headers: { host: u.host, ...json }, ...(req.body ? { body: req.body } : {}) }, { signingDate: date });
  const { host: _host, ...headers } = signed.headers;
  return fetch(u, { method: req.method, headers, ...(req.body ? { body: req.body } : {}) });
}

function cli(args: string[], env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const base = { PATH: process.env.PATH, HOME: home, NO_COLOR: '1', AWS_EC2_METADATA_DISABLED: 'true', SHEPHERD_ENDPOINT: api.url, AWS_REGION: REGION };
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, ...args], { env: { ...base, ...env }, timeout: 20_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? ((err as { code?: number }).code ?? null) : 0, stdout, stderr });
    });
  });
}

beforeAll(async () => {
  h = await startApi();
  await h.registerTaskDefinition();
  await h.call({ method: 'POST', path: '/services', body: { name: 'web', cluster: 'prod', taskDefinition: 'web:1', desiredCount: 2 } });
  api = await serveHttpApi({
    invoke: (e) => {
      invocations++;
      return h.handler(e, lambdaContext());
    },
    authorize: sigv4Authorizer({ region: REGION, credentials: [KEY, TEMPORARY] }),
  });
  signer = await makeSigner(REGION, KEY);
});
afterAll(async () => {
  await api?.close();
  await h?.close();
});

describe('the local API with SigV4', () => {
  it('passes a request the CLI signer signed with known credentials; a session token must come with its key', async () => {
    const a = await reply(await signedFetch(signer, url('/services/web'), { method: 'GET', headers: {} }));
    expect(a.status).toBe(200);
    expect(a.body).toMatchObject({ name: 'web', desiredCount: 2 });
    const scaled = await reply(await signedFetch(signer, url('/services/web/scale'), { method: 'POST', headers: json, body: '{"desiredCount":3}' }));
    expect(scaled.body).toMatchObject({ desiredCount: 3 });
    const listed = await reply(await signedFetch(signer, url('/services?cluster=prod&limit=5'), { method: 'GET', headers: {} }));
    expect(listed.status).toBe(200);

    const temporary = await reply(await signedFetch(await makeSigner(REGION, TEMPORARY), url('/services/web'), { method: 'GET', headers: {} }));
    expect(temporary.status).toBe(200);
    const tokenless = await reply(await signedFetch(await makeSigner(REGION, { accessKeyId: TEMPORARY.accessKeyId, secretAccessKey: TEMPORARY.secretAccessKey }), url('/services/web'), { method: 'GET', headers: {} }));
    expect(tokenless.status).toBe(403);
  });

  it('refuses, with a 403 problem that never reaches the function, what is unsigned, tampered with, expired or signed wrongly', async () => {
    const before = invocations;
    const refusals: Array<[string, Reply, RegExp]> = [];
    const add = async (what: string, res: Promise<Response>, detail: RegExp) => refusals.push([what, await reply(await res), detail]);

    await add('unsigned', fetch(url('/services/web')), /^Missing Authentication Token/);
    // Signed for one body, sent with another: the signed payload hash no longer matches.
    const signed = await signer.sign({ method: 'POST', url: url('/services/web/scale'), headers: json, body: '{"desiredCount":4}' });
    await add('another body', fetch(url('/services/web/scale'), { method: 'POST', headers: signed, body: '{"desiredCount":9}' }), /does not match/);
    // Signed for one query, sent with another.
    const listing = await signer.sign({ method: 'GET', url: url('/services?limit=1'), headers: {}, body: undefined });
    await add('another query', fetch(url('/services?limit=2'), { headers: listing }), /^The request signature we calculated does not match/);
    await add('another method', fetch(url('/services?limit=1'), { method: 'DELETE', headers: listing }), /^The request signature we calculated does not match/);
    await add('a wrong secret', signedFetch(await makeSigner(REGION, { ...KEY, secretAccessKey: 'not-the-secret' }), url('/services/web'), { method: 'GET', headers: {} }), /^The request signature we calculated does not match/);
    await add('an unknown key', signedFetch(await makeSigner(REGION, { accessKeyId: 'AKIDUNKNOWN', secretAccessKey: 'x' }), url('/services/web'), { method: 'GET', headers: {} }), /^The security token included in the request is invalid/);
    await add('another region', signedFetch(await makeSigner('us-east-1', KEY), url('/services/web'), { method: 'GET', headers: {} }), /^Credential should be scoped to a valid region, not 'us-east-1'/);
    const now = Date.now();
    await add('6 minutes old', signAt(new Date(now - 6 * 60_000), { method: 'GET', path: '/services/web' }), /^Signature expired: \d{8}T\d{6}Z is now earlier than/);
    await add('6 minutes ahead', signAt(new Date(now + 6 * 60_000), { method: 'GET', path: '/services/web' }), /^Signature not yet current/);
    await add('garbage', fetch(url('/services/web'), { headers: { authorization: 'AWS4-HMAC-SHA256 Signature=abc' } }), /requires 'Credential' parameter/);

    for (const [what, r, detail] of refusals) {
      expect(r.status, what).toBe(403);
      expect(r.type, what).toBe('application/problem+json');
      expect(r.body, what).toMatchObject({ type: 'about:blank', title: 'Forbidden', status: 403 });
      expect(String(r.body.detail), what).toMatch(detail);
    }
    expect(invocations).toBe(before);
    expect((await h.t.store.services.get('web'))?.desiredCount).toBe(3);

    // A signature a few minutes old is still good (AWS allows 5 minutes of skew).
    expect((await signAt(new Date(now - 3 * 60_000), { method: 'GET', path: '/services/web' })).status).toBe(200);
  });

  it('passes the caller on as API Gateway does: a stopped task names the access key', async () => {
    await h.registerInstance('prod', 'i-0123456789abcdef0');
    const task = await h.runManagedTask('web', 'prod', 'web:1');
    const id = task.taskArn.slice(task.taskArn.lastIndexOf('/') + 1);
    const a = await reply(await signedFetch(signer, url(`/services/web/tasks/${id}/stop`), { method: 'POST', headers: {} }));
    expect(a.status).toBe(202);
    expect(a.body.stoppedReason).toBe(`Stopped through Shepherd's API by access key ${KEY.accessKeyId}`);
  });
});

describe('the CLI against it', () => {
  it('signs loopback requests with SHEPHERD_API_AUTH=sigv4 and the credential chain; without it, the 403 and a hint', async () => {
    const creds = { AWS_ACCESS_KEY_ID: KEY.accessKeyId, AWS_SECRET_ACCESS_KEY: KEY.secretAccessKey };
    const [signedRun, unsigned, otherRegion] = await Promise.all([
      cli(['services', 'get', 'web', '-o', 'json'], { ...creds, SHEPHERD_API_AUTH: 'sigv4' }),
      cli(['services', 'get', 'web'], creds),
      cli(['services', 'get', 'web'], { ...creds, SHEPHERD_API_AUTH: 'sigv4', AWS_REGION: 'us-west-2' }),
    ]);
    expect(signedRun.stderr).toBe('');
    expect(JSON.parse(signedRun.stdout)).toMatchObject({ name: 'web' });
    expect(unsigned.code).toBe(1);
    expect(unsigned.stderr).toMatch(/^error: Forbidden: Missing Authentication Token: this API verifies SigV4 signatures \(service execute-api, region eu-west-1\)\n {2}\(check your AWS credentials, region and execute-api:Invoke permission\)\n$/);
    expect(otherRegion.code).toBe(1);
    expect(otherRegion.stderr).toMatch(/Credential should be scoped to a valid region, not 'us-west-2'/);
  });
});
