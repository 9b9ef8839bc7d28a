/**
 * Cold start: each function's bundle (built as serverless.yml builds it) against a bundle that
 * imports only the AWS SDK clients that function uses; and the time to import each, median of runs.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build, type Metafile } from 'esbuild';
import { readStack } from '../local/stack';
import { median, round } from './stats';

export interface ColdStartRow {
  function: string;
  sdkClients: string;
  bundleBytes: number;
  sdkOnlyBytes: number;
  importMs: number;
  sdkOnlyImportMs: number;
  importRatio: number;
}

const ESBUILD = {
  bundle: true,
  minify: true,
  treeShaking: true,
  platform: 'node' as const,
  target: 'node22',
  format: 'esm' as const,
  outExtension: { '.js': '.mjs' },
  banner: { js: "import { createRequire } from 'module'; const require = createRequire(import.meta.url);" },
  logLevel: 'silent' as const,
};

const CLIENT_EXPORT: Record<string, string> = {
  'client-ecs': 'ECSClient',
  'client-dynamodb': 'DynamoDBClient',
  'client-eventbridge': 'EventBridgeClient',
  'client-auto-scaling': 'AutoScalingClient',
  'client-sqs': 'SQSClient',
  'client-elastic-load-balancing-v2': 'ElasticLoadBalancingV2Client',
  'client-lambda': 'LambdaClient',
};

/** SDK clients whose code survived tree-shaking into the bundle (imported is not the same as used). */
function clientsUsed(meta: Metafile): string[] {
  const found = new Set<string>();
  for (const output of Object.values(meta.outputs)) {
    for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
      const m = /node_modules\/@aws-sdk\/(client-[a-z0-9-]+)\//.exec(input);
      if (m && bytesInOutput > 0 && CLIENT_EXPORT[m[1]!]) found.add(m[1]!);
    }
  }
  return [...found].sort();
}

function importTime(file: string, runs: number): number {
  const script = `const t=process.hrtime.bigint();await import(${JSON.stringify(file)});console.log(Number(process.hrtime.bigint()-t)/1e6)`;
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
    times.push(Number(out.trim()));
  }
  return median(times);
}

export async function coldStart(opts: { runs?: number } = {}): Promise<ColdStartRow[]> {
  const runs = opts.runs ?? 9;
  const dir = mkdtempSync(join(tmpdir(), 'shepherd-bench-'));
  const rows: ColdStartRow[] = [];
  for (const fn of readStack().functions) {
    const out = join(dir, `${fn.name}.mjs`);
    const res = await build({ ...ESBUILD, entryPoints: [`${fn.module}.ts`], outfile: out, metafile: true });
    const clients = clientsUsed(res.metafile);
    const sdkEntry = join(dir, `${fn.name}.sdk.ts`);
    writeFileSync(
      sdkEntry,
      clients.map((c) => `import { ${CLIENT_EXPORT[c]} } from '@aws-sdk/${c}';`).join('\n') +
        `\nexport const clients = [${clients.map((c) => CLIENT_EXPORT[c]).join(', ')}];\nexport const handler = async () => clients.length;\n`,
    );
    const sdkOut = join(dir, `${fn.name}.sdk.mjs`);
    await build({ ...ESBUILD, entryPoints: [sdkEntry], outfile: sdkOut, nodePaths: [join(process.cwd(), 'node_modules')] });
    const importMs = importTime(out, runs);
    const sdkOnlyImportMs = importTime(sdkOut, runs);
    rows.push({
      function: fn.name,
      sdkClients: clients.join(' ') || '(none)',
      bundleBytes: statSync(out).size,
      sdkOnlyBytes: statSync(sdkOut).size,
      importMs: round(importMs),
      sdkOnlyImportMs: round(sdkOnlyImportMs),
      importRatio: round(importMs / Math.max(0.01, sdkOnlyImportMs)),
    });
  }
  return rows;
}
