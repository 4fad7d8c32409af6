#!/usr/bin/env node
// The hallpass command line: `hallpass secret`, `hallpass inspect <cookie>`.
import { existsSync } from 'node:fs';

const built = new URL('../dist/cli/index.js', import.meta.url);
let cli;
if (existsSync(built)) {
  cli = await import(built.href);
} else {
  // A checkout that has not been built yet: run the TypeScript source through tsx.
  await import('tsx/esm');
  cli = await import(new URL('../src/cli/index.ts', import.meta.url).href);
}
process.exitCode = await cli.main(process.argv.slice(2));
