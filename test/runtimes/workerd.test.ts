/**
 * Cloudflare's workerd, through Miniflare: examples/worker/worker.ts, bundled with hallpass from
 * src/ as a module Worker, under the compatibility date and flags of examples/worker/wrangler.toml,
 * which has no `nodejs_compat`: hallpass must load on Web APIs alone.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { Miniflare } from 'miniflare';
import { needRuntime, WORKERD } from './binaries.js';
import { bundle, ROOT } from './bundle.js';
import { RUNTIME_SECRET, type RunningRuntime, runtimeContract } from './contract.js';

const skip = needRuntime('workerd', WORKERD, 'miniflare');

/** The compatibility settings of the example's wrangler.toml, so the test runs what a deploy would. */
function wranglerSettings(): { compatibilityDate: string; compatibilityFlags: string[] } {
  const toml = readFileSync(join(ROOT, 'examples/worker/wrangler.toml'), 'utf8');
  const date = /^compatibility_date\s*=\s*"([\d-]+)"/m.exec(toml)?.[1];
  const flags = /^compatibility_flags\s*=\s*\[([^\]]*)\]/m.exec(toml)?.[1];
  if (!date) throw new Error('examples/worker/wrangler.toml has no compatibility_date');
  return { compatibilityDate: date, compatibilityFlags: flags ? [...flags.matchAll(/"([^"]+)"/g)].map((m) => m[1] as string) : [] };
}

/** Starts the Worker on a free port of 127.0.0.1; what workerd prints goes into failure messages. */
export async function startWorker(script: string, bindings: Record<string, string>): Promise<RunningRuntime> {
  let output = '';
  const collect = (stream: NodeJS.ReadableStream) => stream.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  const mf = new Miniflare({
    // Given as a module list, workerd itself resolves the imports: a `node:` one is refused by workerd,
    // exactly as on Cloudflare, rather than by Miniflare's own scan.
    modules: [{ type: 'ESModule', path: 'worker.js', contents: script }],
    ...wranglerSettings(),
    bindings,
    host: '127.0.0.1',
    port: 0,
    handleRuntimeStdio: (stdout, stderr) => {
      collect(stdout);
      collect(stderr);
    },
  });
  let url: URL;
  try {
    url = await mf.ready;
  } catch (error) {
    await mf.dispose().catch(() => {});
    throw new Error(`workerd did not start the Worker: ${(error as Error).message}\n${output}`);
  }
  return { base: url.origin, output: () => output, close: () => mf.dispose() };
}

describe('examples/worker/wrangler.toml', () => {
  it('sets no Node.js compatibility flag, so the Worker below runs on Web APIs alone', () => {
    assert.doesNotMatch(wranglerSettings().compatibilityFlags.join(','), /nodejs/);
  });
});

describe('workerd (Miniflare): examples/worker/worker.ts without nodejs_compat', { skip, timeout: 120_000 }, () => {
  runtimeContract(async () => startWorker(await bundle('examples/worker/worker.ts'), { SESSION_SECRET: RUNTIME_SECRET }));
});
