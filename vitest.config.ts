import { defineConfig } from 'vitest/config';

// Two projects: `unit` (pure logic and the in-process simulator) needs nothing running;
// `integration` also starts DynamoDB Local once for the run (test/setup/dynamodb.ts).
export default defineConfig({
  test: {
    // Handlers log JSON through Powertools; keep test output readable.
    env: { POWERTOOLS_LOG_LEVEL: 'SILENT' },
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts', 'test/sim/**/*.test.ts', 'test/stack/**/*.test.ts'],
          testTimeout: 30_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          globalSetup: ['test/setup/dynamodb.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
    ],
  },
});
