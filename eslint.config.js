// Lint rules, including the layering the architecture depends on:
//   shared/core  — pure decisions: no AWS SDK, no adapters, no store, no Node I/O.
//   shared, functions — production code: never imports the local simulator or test code.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const noLocal = {
  group: ['**/local/**', '**/test/**', '**/bench/**'],
  message: 'Production code must not import the local simulator, tests or benchmarks.',
};

export default tseslint.config(
  { ignores: ['node_modules/**', '.serverless/**', '.esbuild/**', 'coverage/**', 'local/dashboard/dist/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-console': 'off',
    },
  },
  {
    files: ['shared/core/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['@aws-sdk/*', '@smithy/*', '@middy/*', '@aws-lambda-powertools/*'], message: 'The core is pure: no AWS SDK or Lambda libraries.' },
            { group: ['**/aws/**', '**/store/**', '**/adapters/**', '../*', '!../core/**'], message: 'The core imports only other core modules.' },
            { group: ['node:*', 'fs', 'http', 'https', 'net', 'child_process'], message: 'The core does no I/O.' },
            noLocal,
          ],
        },
      ],
    },
  },
  {
    files: ['shared/**/*.ts', 'functions/**/*.ts'],
    ignores: ['shared/core/**'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [noLocal] }],
    },
  },
);
