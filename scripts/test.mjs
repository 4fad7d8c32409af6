#!/usr/bin/env node
// Runs every test file under test/ with Node's test runner (TypeScript through tsx), on the Node
// that runs this script: `node scripts/test.mjs` for Node 20, `npm run test:node24` for Node 24.
// Arguments narrow the run to files whose path contains one of them: `node scripts/test.mjs core/`.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

function find(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return find(path);
    return name.endsWith('.test.ts') ? [path] : [];
  });
}

const filters = process.argv.slice(2);
const files = find('test')
  .filter((file) => filters.length === 0 || filters.some((filter) => file.includes(filter)))
  .sort();
if (files.length === 0) {
  console.error(`No test files match ${filters.join(' ')}`);
  process.exit(1);
}
console.log(
  `hallpass tests on Node ${process.version}: ${files.length} files${process.env.CI === 'true' ? ' (CI: suites needing a service fail when it is missing)' : ''}`,
);
const result = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-reporter=spec', ...files], { stdio: 'inherit' });
process.exit(result.status ?? 1);
