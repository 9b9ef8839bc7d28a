/**
 * Where the CLI finds Shepherd's API, first match wins:
 * 1. `--endpoint URL`;
 * 2. `SHEPHERD_ENDPOINT` (or its older name `SHEPHERD_API_URL`);
 * 3. the deployed stack's `HttpApiUrl` output: CloudFormation DescribeStacks on `shepherd-<stage>`
 *    (`--stage`, default `dev`), with the standard credential chain and region;
 * 4. the local sandbox, `http://127.0.0.1:8080`.
 * A stack that cannot be read (no credentials or region, no such stack, no access) falls through
 * to the sandbox; why is kept, for the message should the sandbox not answer either. The
 * CloudFormation client is loaded only when the stack is looked up.
 */
export const DEFAULT_ENDPOINT = 'http://127.0.0.1:8080';
export const DEFAULT_STAGE = 'dev';
/** The output the Serverless Framework adds for an HTTP API. */
export const STACK_OUTPUT = 'HttpApiUrl';

export interface EndpointChoice {
  url: string;
  source: 'flag' | 'env' | 'stack' | 'default';
  /** Why the stack was not used, when it was looked up and the default came next. */
  notes: string[];
}

/** `shepherd-<stage>`: serverless.yml's service name and the stage, as the Serverless Framework names stacks. */
export const stackName = (stage: string): string => `shepherd-${stage}`;

function why(err: unknown, stack: string, region: string | undefined): string {
  const e = err as { name?: string; message?: string };
  if (e.name === 'CredentialsProviderError') return 'no AWS credentials';
  if (e.name === 'ValidationError' && /does not exist/.test(e.message ?? '')) return `no stack ${stack}${region ? ` in ${region}` : ''}`;
  if (/Region is missing/i.test(e.message ?? '')) return 'no AWS region configured';
  return `stack ${stack}: ${e.name ?? 'error'}: ${(e.message ?? String(err)).slice(0, 200)}`;
}

/** The `HttpApiUrl` output of `shepherd-<stage>`, or why there is none. */
export async function stackEndpoint(stage: string, region: string | undefined): Promise<{ url: string } | { note: string }> {
  const stack = stackName(stage);
  const { CloudFormationClient, DescribeStacksCommand } = await import('@aws-sdk/client-cloudformation');
  const client = new CloudFormationClient({ ...(region ? { region } : {}), maxAttempts: 2, requestHandler: { connectionTimeout: 3000, requestTimeout: 10_000 } });
  try {
    const out = await client.send(new DescribeStacksCommand({ StackName: stack }));
    const s = out.Stacks?.find((x) => x.StackName === stack) ?? out.Stacks?.[0];
    const url = s?.Outputs?.find((o) => o.OutputKey === STACK_OUTPUT)?.OutputValue;
    if (!url) return { note: `stack ${stack} (${s?.StackStatus ?? 'no status'}) has no ${STACK_OUTPUT} output` };
    return { url };
  } catch (err) {
    return { note: why(err, stack, region ?? (await client.config.region().catch(() => undefined))) };
  } finally {
    client.destroy();
  }
}

export async function resolveEndpoint(o: { flag?: string; env: NodeJS.ProcessEnv; stage: string; region?: string }): Promise<EndpointChoice> {
  if (o.flag) return { url: o.flag, source: 'flag', notes: [] };
  const fromEnv = o.env.SHEPHERD_ENDPOINT || o.env.SHEPHERD_API_URL;
  if (fromEnv) return { url: fromEnv, source: 'env', notes: [] };
  const region = o.region ?? (o.env.AWS_REGION || o.env.AWS_DEFAULT_REGION || undefined);
  const found = await stackEndpoint(o.stage, region);
  if ('url' in found) return { url: found.url, source: 'stack', notes: [] };
  return { url: DEFAULT_ENDPOINT, source: 'default', notes: [found.note] };
}
