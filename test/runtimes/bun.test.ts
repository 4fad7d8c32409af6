/** Bun: examples/bun/server.ts (`Bun.serve`), bundled with hallpass from src/, keeps the demo contract. */
import { describe } from 'node:test';
import { BUN, needRuntime } from './binaries.js';
import { bundle } from './bundle.js';
import { RUNTIME_SECRET, runtimeContract } from './contract.js';
import { serveFromStdin } from './process.js';

const skip = needRuntime('Bun', BUN, 'bun');

describe('Bun: examples/bun/server.ts on Bun.serve', { skip, timeout: 120_000 }, () => {
  runtimeContract(async () =>
    serveFromStdin({
      command: BUN,
      args: ['run', '-'],
      code: await bundle('examples/bun/server.ts'),
      // No transpiler cache and no telemetry: the run writes nothing and calls nowhere.
      env: { SESSION_SECRET: RUNTIME_SECRET, PORT: '0', BUN_RUNTIME_TRANSPILER_CACHE_PATH: '0', DO_NOT_TRACK: '1' },
    }),
  );
});
