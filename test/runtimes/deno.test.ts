/** Deno: examples/deno/main.ts (`Deno.serve`), bundled with hallpass from src/, keeps the demo contract. */
import { describe } from 'node:test';
import { DENO, needRuntime } from './binaries.js';
import { RUNTIME_SECRET, runtimeContract } from './contract.js';
import { startDeno } from './runtimes.js';

const skip = needRuntime('Deno', DENO, 'deno');

describe('Deno: examples/deno/main.ts on Deno.serve', { skip, timeout: 120_000 }, () => {
  runtimeContract(() => startDeno({ SESSION_SECRET: RUNTIME_SECRET }));
});
