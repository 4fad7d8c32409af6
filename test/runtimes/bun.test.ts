/** Bun: examples/bun/server.ts (`Bun.serve`), bundled with hallpass from src/, keeps the demo contract. */
import { describe } from 'node:test';
import { BUN, needRuntime } from './binaries.js';
import { RUNTIME_SECRET, runtimeContract } from './contract.js';
import { startBun } from './runtimes.js';

const skip = needRuntime('Bun', BUN, 'bun');

describe('Bun: examples/bun/server.ts on Bun.serve', { skip, timeout: 120_000 }, () => {
  runtimeContract(() => startBun({ SESSION_SECRET: RUNTIME_SECRET }));
});
