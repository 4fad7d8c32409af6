/** Deno: examples/deno/main.ts (`Deno.serve`), bundled with hallpass from src/, keeps the demo contract. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { DENO, needRuntime } from './binaries.js';
import { ROOT } from './bundle.js';
import { RUNTIME_SECRET, runtimeContract } from './contract.js';
import { startDeno } from './runtimes.js';

const skip = needRuntime('Deno', DENO, 'deno');
const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');

describe('examples/deno/deno.json', () => {
  it("maps every hallpass module the example imports to that module's file in the package's exports", () => {
    const { imports } = JSON.parse(read('examples/deno/deno.json')) as { imports: Record<string, string> };
    const { exports } = JSON.parse(read('package.json')) as { exports: Record<string, { default: string }> };
    const sources = ['examples/deno/main.ts', 'examples/fetch/app.ts', 'examples/fetch/sessions.ts'].map(read).join('\n');
    const used = [...new Set([...sources.matchAll(/from '(hallpass[\w/-]*)'/g)].map((m) => m[1] as string))].sort();
    assert.deepEqual(used, ['hallpass', 'hallpass/fetch', 'hallpass/redis-http']);
    for (const specifier of used) {
      const target = exports[specifier.replace(/^hallpass/, '.')]?.default;
      assert.equal(imports[specifier], target?.replace(/^\.\//, '../../'), specifier);
    }
  });
});

describe('Deno: examples/deno/main.ts on Deno.serve', { skip, timeout: 120_000 }, () => {
  runtimeContract(() => startDeno({ SESSION_SECRET: RUNTIME_SECRET }));
});
