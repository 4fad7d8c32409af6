/** Runs `examples/<framework>/index.ts` as its users would, in a child process, and checks the core routes. */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { cookiePair } from '../../support/cookies.js';
import { call } from '../../support/http.js';
import { SECRET } from './stores.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** A port that was free a moment ago: the examples read PORT and print the address they chose. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

function run(framework: string, env: NodeJS.ProcessEnv): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', `examples/${framework}/index.ts`], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

function exited(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

/** Starts the example on a free port with a secret; resolves once it says it is listening. */
export async function startExample(framework: string): Promise<{ url: string; stop(): Promise<void> }> {
  const port = await freePort();
  const child = run(framework, { ...process.env, PORT: String(port), SESSION_SECRET: SECRET });
  let output = '';
  child.stderr?.on('data', (chunk) => (output += chunk));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`examples/${framework} did not start in 20 s:\n${output}`)), 20_000);
    child.stdout?.on('data', (chunk) => {
      output += chunk;
      if (output.includes(`localhost:${port}`)) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`examples/${framework} exited with ${code}:\n${output}`));
    });
  });
  return {
    url: `http://127.0.0.1:${port}`,
    async stop() {
      child.kill('SIGTERM');
      await exited(child);
    },
  };
}

/** Runs the example without SESSION_SECRET: resolves its exit code and what it printed. */
export async function runWithoutSecret(framework: string): Promise<{ code: number | null; output: string }> {
  const env: NodeJS.ProcessEnv = { ...process.env, PORT: String(await freePort()) };
  delete env.SESSION_SECRET;
  const child = run(framework, env);
  let output = '';
  child.stdout?.on('data', (chunk) => (output += chunk));
  child.stderr?.on('data', (chunk) => (output += chunk));
  const code = await exited(child);
  return { code, output };
}

/** The core routes every example serves: /, /login, /logout, /session. */
export async function checkExampleRoutes(url: string): Promise<void> {
  assert.deepEqual((await call(url, 'GET', '/')).body, { message: 'Hello, guest!' });
  assert.equal((await call(url, 'POST', '/login')).status, 422);
  const login = await call(url, 'POST', '/login?username=alice');
  assert.deepEqual(login.body, { message: 'Logged in as alice' });
  let cookie = cookiePair(login.setCookies[0]);
  assert.deepEqual((await call(url, 'GET', '/', { cookie })).body, { message: 'Welcome back, user alice!' });
  const merged = await call(url, 'POST', '/session', { cookie, json: { theme: 'dark' } });
  assert.deepEqual(merged.body, { user_id: 'alice', theme: 'dark' });
  cookie = cookiePair(merged.setCookies[0]);
  assert.deepEqual((await call(url, 'GET', '/session', { cookie })).body, { user_id: 'alice', theme: 'dark' });
  const logout = await call(url, 'POST', '/logout', { cookie });
  assert.deepEqual(logout.body, { message: 'Logged out successfully.' });
  assert.match(logout.setCookies[0] ?? '', /^sid=; Path=\/; Max-Age=0;/);
  assert.deepEqual((await call(url, 'GET', '/', { cookie })).body, { message: 'Hello, guest!' }, 'the pre-logout cookie is refused');
}

/** The code block of examples/<framework>/README.md, which must be the file that runs. */
export function readmeSnippet(framework: string): { snippet: string | undefined; code: string } {
  const readme = readFileSync(`${ROOT}examples/${framework}/README.md`, 'utf8');
  const code = readFileSync(`${ROOT}examples/${framework}/index.ts`, 'utf8');
  const snippet = /```ts\n([\s\S]*?)```/.exec(readme)?.[1];
  return { snippet, code };
}

/** The checks every framework's test file runs against its example. */
export function exampleSuite(framework: string, it: (name: string, fn: () => Promise<void> | void) => unknown): void {
  it(`examples/${framework} serves /, /login, /logout and /session`, async () => {
    const example = await startExample(framework);
    try {
      await checkExampleRoutes(example.url);
    } finally {
      await example.stop();
    }
  });
  it(`examples/${framework} exits with a message naming SESSION_SECRET when it is missing`, async () => {
    const { code, output } = await runWithoutSecret(framework);
    assert.equal(code, 1);
    assert.match(output, /SESSION_SECRET is not set/);
    assert.match(output, /npx hallpass secret/);
  });
  it(`examples/${framework}/README.md shows the code that runs`, () => {
    const { snippet, code } = readmeSnippet(framework);
    assert.equal(snippet, code);
  });
}
