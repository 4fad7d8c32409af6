#!/usr/bin/env node
// The hallpass command line: `hallpass secret`, `hallpass inspect <cookie>`.
import { existsSync } from 'node:fs';

const source = new URL('../src/cli/index.ts', import.meta.url);
let cli;
if (existsSync(source)) {
  // A checkout of the repository: run the TypeScript source, so the CLI never lags behind a stale build.
  const { register } = await import('tsx/esm/api');
  register();
  cli = await import(source.href);
} else {
  cli = await import(new URL('../dist/cli/index.js', import.meta.url).href);
}
process.exitCode = await cli.main(process.argv.slice(2));
