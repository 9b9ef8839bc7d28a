import { defineConfig } from 'vitest/config';

// Three projects: `unit` (pure logic and the in-process simulator) needs nothing running;
// `integration` also starts DynamoDB Local once for the run (test/setup/dynamodb.ts);
// `e2e` starts the whole sandbox in-process and drives the dashboard in Debian's Chromium
// (skipped, with a message, only where /usr/bin/chromium is absent and CI is not set).
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
      {
        extends: true,
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          testTimeout: 300_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
