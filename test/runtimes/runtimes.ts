/**
 * Starts each runtime serving its example (or, for the edge runtime, its entry), bundled with
 * hallpass from src/, with the environment given: a free port of 127.0.0.1 each, bounded start-up,
 * stopped by `close()`.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Miniflare } from 'miniflare';
import { BUN, DENO, RUNTIME_CACHE } from './binaries.js';
import { bundle, ROOT } from './bundle.js';
import type { RunningRuntime } from './contract.js';
import { EDGE_GLOBAL, serveOnEdge } from './edge-server.js';
import { serveFromStdin } from './process.js';

/** What the examples read from their environment (examples/fetch/sessions.ts). */
export const ENV_NAMES = ['SESSION_SECRET', 'UPSTASH_REDIS_REST_URL', 'UPSTASH_REDIS_REST_TOKEN'];

export async function startDeno(env: Record<string, string>): Promise<RunningRuntime> {
  return serveFromStdin({
    command: DENO,
    // --no-config: the repository's package.json is not Deno's to read; the bundle needs nothing else.
    // NODE_ENV: hallpass reads it (production turns logouts kept in memory only into a warning).
    args: ['run', '--no-config', '--allow-net=127.0.0.1', `--allow-env=${[...ENV_NAMES, 'PORT', 'NODE_ENV']}`, '--ext=js', '-'],
    code: await bundle('examples/deno/main.ts'),
    env: { ...env, PORT: '0', DENO_DIR: RUNTIME_CACHE, DENO_NO_UPDATE_CHECK: '1', NO_COLOR: '1' },
  });
}

export async function startBun(env: Record<string, string>): Promise<RunningRuntime> {
  return serveFromStdin({
    command: BUN,
    args: ['run', '-'],
    code: await bundle('examples/bun/server.ts'),
    // No transpiler cache and no telemetry: the run writes nothing and calls nowhere.
    env: { ...env, PORT: '0', BUN_RUNTIME_TRANSPILER_CACHE_PATH: '0', DO_NOT_TRACK: '1' },
  });
}

/** The compatibility settings of the example's wrangler.toml, so the test runs what a deploy would. */
export function wranglerSettings(): { compatibilityDate: string; compatibilityFlags: string[] } {
  const toml = readFileSync(join(ROOT, 'examples/worker/wrangler.toml'), 'utf8');
  const date = /^compatibility_date\s*=\s*"([\d-]+)"/m.exec(toml)?.[1];
  const flags = /^compatibility_flags\s*=\s*\[([^\]]*)\]/m.exec(toml)?.[1];
  if (!date) throw new Error('examples/worker/wrangler.toml has no compatibility_date');
  return { compatibilityDate: date, compatibilityFlags: flags ? [...flags.matchAll(/"([^"]+)"/g)].map((m) => m[1] as string) : [] };
}

/** examples/worker/worker.ts in workerd through Miniflare; what workerd prints goes into failure messages. */
export async function startWorkerd(bindings: Record<string, string>): Promise<RunningRuntime> {
  let output = '';
  const collect = (stream: NodeJS.ReadableStream) => stream.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  const mf = new Miniflare({
    // Given as a module list, workerd itself resolves the imports: a `node:` one is refused by workerd,
    // exactly as on Cloudflare, rather than by Miniflare's own scan.
    modules: [{ type: 'ESModule', path: 'worker.js', contents: await bundle('examples/worker/worker.ts') }],
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

/** test/runtimes/edge-entry.ts in an EdgeVM, served from node:http as Vercel's edge runtime does. */
export async function startEdge(env: Record<string, string>): Promise<RunningRuntime> {
  return serveOnEdge(await bundle('test/runtimes/edge-entry.ts', { format: 'iife', globalName: EDGE_GLOBAL }), env);
}
