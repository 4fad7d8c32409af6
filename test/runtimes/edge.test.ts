/**
 * Vercel's edge runtime (@edge-runtime/vm): the demo app, bundled with hallpass from src/ for the
 * edge (browser and worker conditions, no Node modules), keeps the demo contract.
 */
import { describe } from 'node:test';
import { RUNTIME_SECRET, runtimeContract } from './contract.js';
import { startEdge } from './runtimes.js';

describe('Vercel edge runtime (@edge-runtime/vm): test/runtimes/edge-entry.ts', { timeout: 60_000 }, () => {
  runtimeContract(() => startEdge({ SESSION_SECRET: RUNTIME_SECRET }));
});
