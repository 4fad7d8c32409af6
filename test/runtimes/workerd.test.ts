/**
 * Cloudflare's workerd, through Miniflare: examples/worker/worker.ts, bundled with hallpass from
 * src/ as a module Worker, under the compatibility date and flags of examples/worker/wrangler.toml,
 * which has no `nodejs_compat`: hallpass must load on Web APIs alone.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { needRuntime, WORKERD } from './binaries.js';
import { RUNTIME_SECRET, runtimeContract } from './contract.js';
import { startWorkerd, wranglerSettings } from './runtimes.js';

const skip = needRuntime('workerd', WORKERD, 'miniflare');

describe('examples/worker/wrangler.toml', () => {
  it('sets no Node.js compatibility flag, so the Worker below runs on Web APIs alone', () => {
    assert.doesNotMatch(wranglerSettings().compatibilityFlags.join(','), /nodejs/);
  });
});

describe('workerd (Miniflare): examples/worker/worker.ts without nodejs_compat', { skip, timeout: 120_000 }, () => {
  runtimeContract(() => startWorkerd({ SESSION_SECRET: RUNTIME_SECRET }));
});
