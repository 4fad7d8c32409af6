/**
 * Builds examples/next with Next's own CLI, as `npm run example:next` does, and serves it with
 * `next start` on a free port of 127.0.0.1 for the tests.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const NEXT_CLI = fileURLToPath(new URL('../../node_modules/next/dist/bin/next', import.meta.url));
export const EXAMPLE_DIR = 'examples/next';

export interface RunningApp {
  base: string;
  /** What the server printed so far, for a failing test's message. */
  output(): string;
  close(): Promise<void>;
}

function run(args: string[], env: NodeJS.ProcessEnv): { child: ChildProcess; output: () => string } {
  let output = '';
  // Its own process group, so closing ends the server and anything it started.
  const child = spawn(process.execPath, [NEXT_CLI, ...args], { cwd: ROOT, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout?.on('data', (chunk) => (output += chunk));
  child.stderr?.on('data', (chunk) => (output += chunk));
  return { child, output: () => output };
}

const exited = (child: ChildProcess) =>
  new Promise<number | null>((resolve) =>
    child.exitCode !== null ? resolve(child.exitCode) : child.once('exit', (code) => resolve(code)),
  );

function baseEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, NEXT_TELEMETRY_DISABLED: '1', NODE_ENV: 'production' };
  delete env.SESSION_SECRET;
  delete env.PORT;
  return env;
}

/** `next build --webpack examples/next`, with no SESSION_SECRET: building needs none. */
export async function buildExample(): Promise<void> {
  const build = run(['build', '--webpack', EXAMPLE_DIR], baseEnv());
  const code = await exited(build.child);
  if (code !== 0) throw new Error(`next build failed (exit ${code}):\n${build.output()}`);
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** `next start examples/next` with `env` added; resolves once the server answers, or rejects with what it printed. */
export async function startExample(env: Record<string, string>): Promise<RunningApp> {
  const port = await freePort();
  const server = run(['start', EXAMPLE_DIR, '-H', '127.0.0.1', '-p', String(port)], { ...baseEnv(), ...env });
  const base = `http://127.0.0.1:${port}`;
  const close = async () => {
    if (server.child.exitCode !== null || server.child.pid === undefined) return;
    process.kill(-server.child.pid, 'SIGTERM');
    await exited(server.child);
  };
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (server.child.exitCode !== null) throw new Error(`next start exited with ${server.child.exitCode}:\n${server.output()}`);
    const answered = await fetch(`${base}/api`).then(
      (response) => response.ok,
      () => false,
    );
    if (answered) return { base, output: server.output, close };
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  await close();
  throw new Error(`next start did not answer within 30 s:\n${server.output()}`);
}

/** Starts the example without a secret and resolves its exit code and output (it should refuse to run). */
export async function startWithoutSecret(): Promise<{ code: number | null; output: string }> {
  const server = run(['start', EXAMPLE_DIR, '-H', '127.0.0.1', '-p', String(await freePort())], baseEnv());
  const timer = setTimeout(() => server.child.pid && process.kill(-server.child.pid, 'SIGTERM'), 30_000);
  const code = await exited(server.child);
  clearTimeout(timer);
  return { code, output: server.output() };
}
