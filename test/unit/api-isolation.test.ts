/**
 * The API uses full zod (for OpenAPI generation); the event handlers stay on zod/mini. No other
 * function's bundle may import the API's code, zod-to-openapi or zod's classic build.
 */
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';

async function bundleInputs(entry: string): Promise<string[]> {
  const out = await build({
    entryPoints: [entry],
    bundle: true,
    write: false,
    metafile: true,
    platform: 'node',
    format: 'esm',
    logLevel: 'silent',
    // The SDK is irrelevant here and slow to bundle.
    external: ['@aws-sdk/*', '@smithy/*', '@aws-lambda-powertools/*'],
  });
  return Object.keys(out.metafile.inputs);
}

const FULL_ZOD = /node_modules\/zod\/v4\/classic\//;

describe('the API stays out of the other functions', () => {
  for (const fn of ['onTaskStateChange', 'onContainerInstanceStateChange', 'reconcile', 'publishOutbox']) {
    it(fn, async () => {
      const inputs = await bundleInputs(`functions/${fn}.ts`);
      expect(inputs.filter((i) => i.startsWith('shared/api/') || i.includes('zod-to-openapi') || i.includes('@middy/http-router') || FULL_ZOD.test(i))).toEqual([]);
    });
  }

  it('(and the API does bundle them, so the check can see them)', async () => {
    const inputs = await bundleInputs('functions/api.ts');
    expect(inputs.some((i) => i.startsWith('shared/api/'))).toBe(true);
    expect(inputs.some((i) => FULL_ZOD.test(i))).toBe(true);
  });
});
