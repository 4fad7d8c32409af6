/** One load run: wrk (preferred) or autocannon, pinned to the load generator's core. */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { pinned } from './processes.js';

const run = promisify(execFile);
const POOL_SCRIPT = fileURLToPath(new URL('./pool.lua', import.meta.url));
const AUTOCANNON_RUNNER = fileURLToPath(new URL('./autocannon-load.ts', import.meta.url));

export interface LoadRequest {
  port: number;
  path: string;
  seconds: number;
  connections: number;
  cpu: string;
  /** The same cookie on every request, or a file with one cookie header per line. */
  cookie?: string;
  poolFile?: string;
  /** Where in the pool to start (wrk). */
  poolOffset?: number;
}

export interface LoadResult {
  rps: number;
  p99ms: number;
  requests: number;
  errors: number;
  non2xx: number;
  /** Server CPU µs per request over the run (user + system time / requests), when measurable. */
  cpuUs?: number;
}

const UNIT_MS: Record<string, number> = { us: 0.001, ms: 1, s: 1000, m: 60_000 };

/** Parses wrk's `--latency` report. */
export function parseWrk(output: string): LoadResult {
  const rps = /Requests\/sec:\s+([\d.]+)/.exec(output);
  const p99 = /\s99%\s+([\d.]+)(us|ms|s|m)\b/.exec(output);
  const requests = /(\d+) requests in/.exec(output);
  if (!rps || !p99 || !requests) throw new Error(`unreadable wrk output:\n${output}`);
  const socket = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(output);
  const errors = socket ? socket.slice(1).reduce((sum, n) => sum + Number(n), 0) : 0;
  const non2xx = Number(/Non-2xx or 3xx responses: (\d+)/.exec(output)?.[1] ?? 0);
  return {
    rps: Number(rps[1]),
    p99ms: Number(p99[1]) * (UNIT_MS[p99[2] as string] as number),
    requests: Number(requests[1]),
    errors,
    non2xx,
  };
}

export async function loadRun(req: LoadRequest, loader: 'wrk' | 'autocannon'): Promise<LoadResult> {
  const url = `http://127.0.0.1:${req.port}${req.path}`;
  if (loader === 'wrk') {
    const args = ['-t1', `-c${req.connections}`, `-d${req.seconds}s`, '--latency'];
    if (req.poolFile) args.push('-s', POOL_SCRIPT, url, '--', req.poolFile, String(req.poolOffset ?? 0));
    else args.push(...(req.cookie ? ['-H', `Cookie: ${req.cookie}`] : []), url);
    const [command, argv] = pinned(req.cpu, 'wrk', args);
    const { stdout } = await run(command, argv, { maxBuffer: 1 << 20 });
    return parseWrk(stdout);
  }
  const spec = JSON.stringify({ url, seconds: req.seconds, connections: req.connections, cookie: req.cookie, poolFile: req.poolFile });
  const [command, argv] = pinned(req.cpu, process.execPath, ['--import', 'tsx', AUTOCANNON_RUNNER, spec]);
  const { stdout } = await run(command, argv, { maxBuffer: 1 << 20 });
  return JSON.parse(stdout) as LoadResult;
}
