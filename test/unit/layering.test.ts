/** The architecture's layering is enforced by the linter; these cases prove the rules bite. */
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const eslint = new ESLint({ cwd: process.cwd() });

async function problems(code: string, filePath: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

describe('layering', () => {
  it('the core may not import the AWS SDK, the store, adapters or Node I/O', async () => {
    expect(await problems(`import { ECSClient } from '@aws-sdk/client-ecs';\nexport const x = ECSClient;\n`, 'shared/core/planner.ts')).toHaveLength(1);
    expect(await problems(`import { createStore } from '../store';\nexport const x = createStore;\n`, 'shared/core/planner.ts')).toHaveLength(1);
    expect(await problems(`import { readFileSync } from 'node:fs';\nexport const x = readFileSync;\n`, 'shared/core/planner.ts')).toHaveLength(1);
  });

  it('the core may import other core modules', async () => {
    expect(await problems(`import { groupFor } from './markers';\nexport const x = groupFor;\n`, 'shared/core/planner.ts')).toHaveLength(0);
  });

  it('production code may not import the local simulator', async () => {
    expect(await problems(`import { startSimulator } from '../local/sim';\nexport const x = startSimulator;\n`, 'functions/handler.ts')).toHaveLength(1);
    expect(await problems(`import { startSimulator } from '../../local/sim';\nexport const x = startSimulator;\n`, 'shared/store/x.ts')).toHaveLength(1);
  });
});
