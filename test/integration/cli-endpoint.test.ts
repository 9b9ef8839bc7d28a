/**
 * Where `shepherd` finds the API: --endpoint > SHEPHERD_ENDPOINT > the deployed stack's HttpApiUrl
 * output (CloudFormation DescribeStacks on shepherd-<stage>, the real SDK client against the
 * simulator's CloudFormation) > the local sandbox's http://127.0.0.1:8080. The CLI runs as a child
 * process, as a user runs it, against the real API handler served on loopback.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveHttpApi } from '../../local/http';
import { lambdaContext, startApi, type ApiHarness } from './api-harness';

const CLI = join(import.meta.dirname, '../../cli/shepherd.mjs');
let h: ApiHarness;
let api: Awaited<ReturnType<typeof serveHttpApi>>;
/** A loopback URL nothing listens on. */
let dead: string;
/** An empty home: no ~/.aws of the machine's leaks in. */
const home = mkdtempSync(join(tmpdir(), 'shepherd-cli-home-'));

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function cli(args: string[], env: Record<string, string> = {}): Promise<Run> {
  const base: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: home,
    NO_COLOR: '1',
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
    AWS_SECRET_ACCESS_KEY: 'secret',
    AWS_REGION: 'us-east-1',
    AWS_ENDPOINT_URL_CLOUDFORMATION: h.sim.endpoint,
  };
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, ...args], { env: { ...base, ...env }, timeout: 20_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? ((err as { code?: number }).code ?? null) : 0, stdout, stderr });
    });
  });
}

const describeCalls = () => h.sim.calls.count('cloudformation', 'DescribeStacks');

async function freePort(port: number): Promise<boolean> {
  const probe = createServer();
  return new Promise((resolve) => {
    probe.once('error', () => resolve(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
  });
}

beforeAll(async () => {
  h = await startApi();
  await h.registerTaskDefinition();
  await h.call({ method: 'POST', path: '/services', body: { name: 'web', cluster: 'prod', taskDefinition: 'web:1', desiredCount: 2 } });
  api = await serveHttpApi({ invoke: (e) => h.handler(e, lambdaContext()) });
  const closed = createServer();
  await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
  dead = `http://127.0.0.1:${(closed.address() as AddressInfo).port}`;
  await new Promise((r) => closed.close(r));
});
afterAll(async () => {
  await api?.close();
  await h?.close();
});

describe("the simulator's CloudFormation, through the real SDK client", () => {
  it('DescribeStacks answers a stack by name or id with its outputs, every stack without a name, ValidationError for an unknown one', async () => {
    const cfn = new CloudFormationClient({ endpoint: h.sim.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' }, maxAttempts: 1 });
    try {
      const id = h.sim.cloudformation.putStack({
        name: 'sdk-check',
        description: 'Shepherd <test> & co',
        outputs: [{ key: 'HttpApiUrl', value: 'https://abc123.execute-api.us-east-1.amazonaws.com', description: 'URL of the HTTP API' }],
        parameters: { clusters: '*' },
        tags: { team: 'platform' },
      });
      expect(id).toMatch(/^arn:aws:cloudformation:us-east-1:123456789012:stack\/sdk-check\/[0-9a-f-]{36}$/);
      for (const ref of ['sdk-check', id]) {
        const out = await cfn.send(new DescribeStacksCommand({ StackName: ref }));
        expect(out.Stacks).toHaveLength(1);
        expect(out.Stacks?.[0]).toMatchObject({
          StackId: id,
          StackName: 'sdk-check',
          Description: 'Shepherd <test> & co',
          StackStatus: 'CREATE_COMPLETE',
          Outputs: [{ OutputKey: 'HttpApiUrl', OutputValue: 'https://abc123.execute-api.us-east-1.amazonaws.com', Description: 'URL of the HTTP API' }],
          Parameters: [{ ParameterKey: 'clusters', ParameterValue: '*' }],
          Tags: [{ Key: 'team', Value: 'platform' }],
        });
        expect(out.Stacks?.[0]?.CreationTime).toBeInstanceOf(Date);
      }
      h.sim.cloudformation.putStack({ name: 'sdk-check', outputs: { HttpApiUrl: 'https://def456.execute-api.us-east-1.amazonaws.com' } });
      const updated = (await cfn.send(new DescribeStacksCommand({ StackName: 'sdk-check' }))).Stacks?.[0];
      expect(updated).toMatchObject({ StackId: id, StackStatus: 'UPDATE_COMPLETE', Outputs: [{ OutputKey: 'HttpApiUrl', OutputValue: 'https://def456.execute-api.us-east-1.amazonaws.com' }] });
      expect(updated?.LastUpdatedTime).toBeInstanceOf(Date);
      h.sim.cloudformation.putStack({ name: 'sdk-other' });
      const all = await cfn.send(new DescribeStacksCommand({}));
      expect(all.Stacks?.map((s) => s.StackName).sort()).toEqual(['sdk-check', 'sdk-other']);

      const missing = await cfn.send(new DescribeStacksCommand({ StackName: 'nope' })).catch((e: unknown) => e as { name: string; message: string; $metadata: { httpStatusCode: number } });
      expect(missing).toMatchObject({ name: 'ValidationError', message: 'Stack with id nope does not exist', $metadata: { httpStatusCode: 400 } });
    } finally {
      h.sim.cloudformation.deleteStack('sdk-check');
      h.sim.cloudformation.deleteStack('sdk-other');
      cfn.destroy();
    }
  });
});

describe('shepherd finds the API', () => {
  it("in the stack shepherd-dev's HttpApiUrl output when no endpoint is given", async () => {
    h.sim.cloudformation.putStack({ name: 'shepherd-dev', outputs: { HttpApiUrl: api.url } });
    try {
      const before = describeCalls();
      const run = await cli(['services', 'ls', '-o', 'json']);
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      expect(JSON.parse(run.stdout).items.map((s: { name: string }) => s.name)).toEqual(['web']);
      expect(describeCalls()).toBe(before + 1);
    } finally {
      h.sim.cloudformation.deleteStack('shepherd-dev');
    }
  });

  it('in shepherd-<stage> with --stage', async () => {
    h.sim.cloudformation.putStack({ name: 'shepherd-dev', outputs: { HttpApiUrl: dead } });
    h.sim.cloudformation.putStack({ name: 'shepherd-prod', outputs: { HttpApiUrl: api.url } });
    try {
      const [prod, dev] = await Promise.all([cli(['services', 'get', 'web', '--stage', 'prod', '-o', 'json']), cli(['services', 'get', 'web'])]);
      expect(prod.code).toBe(0);
      expect(JSON.parse(prod.stdout)).toMatchObject({ name: 'web', desiredCount: 2 });
      expect(dev.code).toBe(2);
      expect(dev.stderr).toBe(`error: cannot reach ${dead}: connection refused (is \`npm start\` running?)\n`);
    } finally {
      h.sim.cloudformation.deleteStack('shepherd-dev');
      h.sim.cloudformation.deleteStack('shepherd-prod');
    }
  });

  it('SHEPHERD_ENDPOINT (or SHEPHERD_API_URL) before the stack, --endpoint before both; neither looks the stack up', async () => {
    h.sim.cloudformation.putStack({ name: 'shepherd-dev', outputs: { HttpApiUrl: dead } });
    try {
      const before = describeCalls();
      const [env, older, flag] = await Promise.all([
        cli(['services', 'get', 'web', '-o', 'json'], { SHEPHERD_ENDPOINT: api.url }),
        cli(['services', 'get', 'web', '-o', 'json'], { SHEPHERD_API_URL: api.url }),
        cli(['services', 'get', 'web', '-o', 'json', '--endpoint', api.url], { SHEPHERD_ENDPOINT: dead }),
      ]);
      for (const run of [env, older, flag]) {
        expect(run.stderr).toBe('');
        expect(JSON.parse(run.stdout).name).toBe('web');
      }
      expect(describeCalls()).toBe(before);
    } finally {
      h.sim.cloudformation.deleteStack('shepherd-dev');
    }
  });

  it('else the local sandbox on 127.0.0.1:8080, saying why no deployed API was used when that does not answer either', async (ctx) => {
    if (!(await freePort(8080))) ctx.skip('port 8080 is in use on this machine (an `npm start`?)');
    const [noStack, noCredentials] = await Promise.all([cli(['services', 'ls']), cli(['services', 'ls'], { AWS_ACCESS_KEY_ID: '', AWS_SECRET_ACCESS_KEY: '' })]);
    expect(noStack.code).toBe(2);
    expect(noStack.stderr).toBe(
      'error: cannot reach http://127.0.0.1:8080: connection refused (is `npm start` running?); no --endpoint or SHEPHERD_ENDPOINT was given ' +
        'and no deployed API was found (no stack shepherd-dev in us-east-1)\n',
    );
    expect(noCredentials.stderr).toMatch(/\(no AWS credentials\)\n$/);
    h.sim.cloudformation.putStack({ name: 'shepherd-dev', outputs: { Other: 'x' } });
    try {
      const noOutput = await cli(['services', 'ls']);
      expect(noOutput.stderr).toMatch(/\(stack shepherd-dev \(CREATE_COMPLETE\) has no HttpApiUrl output\)\n$/);
    } finally {
      h.sim.cloudformation.deleteStack('shepherd-dev');
    }

    // And when the sandbox does answer there, it is used.
    const local = await serveHttpApi({ port: 8080, invoke: (e) => h.handler(e, lambdaContext()) });
    try {
      const run = await cli(['services', 'get', 'web', '-o', 'json']);
      expect(run.stderr).toBe('');
      expect(JSON.parse(run.stdout).name).toBe('web');
    } finally {
      await local.close();
    }
  });
});
