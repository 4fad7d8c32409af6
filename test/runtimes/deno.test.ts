/** Deno: examples/deno/main.ts (`Deno.serve`), bundled with hallpass from src/, keeps the demo contract. */
import { describe } from 'node:test';
import { DENO, needRuntime, RUNTIME_CACHE } from './binaries.js';
import { bundle } from './bundle.js';
import { RUNTIME_SECRET, runtimeContract } from './contract.js';
import { serveFromStdin } from './process.js';

const skip = needRuntime('Deno', DENO, 'deno');

describe('Deno: examples/deno/main.ts on Deno.serve', { skip, timeout: 120_000 }, () => {
  runtimeContract(async () =>
    serveFromStdin({
      command: DENO,
      // --no-config: the repository's package.json is not Deno's to read; the bundle needs nothing else.
      // NODE_ENV: hallpass reads it (production turns a missing durable revocation store into a warning).
      args: ['run', '--no-config', '--allow-net=127.0.0.1', '--allow-env=SESSION_SECRET,PORT,NODE_ENV', '--ext=js', '-'],
      code: await bundle('examples/deno/main.ts'),
      env: { SESSION_SECRET: RUNTIME_SECRET, PORT: '0', DENO_DIR: RUNTIME_CACHE, DENO_NO_UPDATE_CHECK: '1', NO_COLOR: '1' },
    }),
  );
});
