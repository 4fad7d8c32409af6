/**
 * Starts one bundle on its runtime with the test harness's launchers (test/runtimes/): Deno and Bun
 * from their npm binaries fed the code on standard input, workerd through Miniflare with the
 * example's compatibility settings (no nodejs_compat), the edge runtime in an EdgeVM behind node:http.
 */
import { existsSync } from 'node:fs';
import { Miniflare } from 'miniflare';
import { BUN, DENO, RUNTIME_CACHE } from '../../test/runtimes/binaries.js';
import type { RunningRuntime } from '../../test/runtimes/contract.js';
import { serveOnEdge } from '../../test/runtimes/edge-server.js';
import { serveFromStdin } from '../../test/runtimes/process.js';
import { wranglerSettings } from '../../test/runtimes/runtimes.js';
import { bundleFor } from './bundle.js';
import type { Library, Runtime } from './libraries.js';

async function startWorkerd(code: string): Promise<RunningRuntime> {
  let output = '';
  const collect = (stream: NodeJS.ReadableStream) => stream.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  const mf = new Miniflare({
    modules: [{ type: 'ESModule', path: 'worker.js', contents: code }],
    ...wranglerSettings(),
    host: '127.0.0.1',
    port: 0,
    handleRuntimeStdio: (stdout, stderr) => {
      collect(stdout);
      collect(stderr);
    },
  });
  try {
    const url = await mf.ready;
    return { base: url.origin, output: () => output, close: () => mf.dispose() };
  } catch (error) {
    await mf.dispose().catch(() => {});
    throw new Error(`workerd did not start the Worker: ${(error as Error).message}\n${output}`);
  }
}

function needBinary(binary: string, name: string): void {
  if (!existsSync(binary)) throw new Error(`${name} is not installed: run \`npm install\` (the ${name} devDependency ships the binary).`);
}

export async function startServer(runtime: Runtime, library: Library, secret: string): Promise<RunningRuntime> {
  const code = await bundleFor(runtime, library, secret);
  if (runtime === 'deno') {
    needBinary(DENO, 'deno');
    return serveFromStdin({
      command: DENO,
      args: ['run', '--no-config', '--allow-net=127.0.0.1', '--ext=js', '-'],
      code,
      env: { DENO_DIR: RUNTIME_CACHE, DENO_NO_UPDATE_CHECK: '1', NO_COLOR: '1' },
    });
  }
  if (runtime === 'bun') {
    needBinary(BUN, 'bun');
    return serveFromStdin({ command: BUN, args: ['run', '-'], code, env: { BUN_RUNTIME_TRANSPILER_CACHE_PATH: '0', DO_NOT_TRACK: '1' } });
  }
  if (runtime === 'workerd') return startWorkerd(code);
  return serveOnEdge(code, {});
}
