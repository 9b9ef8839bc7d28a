#!/usr/bin/env node
// The `shepherd` CLI (package.json "bin"). Runs the TypeScript sources through tsx's loader
// (installed by `npm ci`), so there is no build step: `npx shepherd …` or `node cli/shepherd.mjs …`.
import { tsImport } from 'tsx/esm/api';

await tsImport('./main.ts', import.meta.url);
