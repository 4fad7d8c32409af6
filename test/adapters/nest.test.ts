/**
 * examples/nest over real HTTP on 127.0.0.1, started as its README says: NestJS on its Express
 * platform (hallpass/express) and on its Fastify platform (hallpass/fastify), one controller that
 * takes the session through `@Session()`.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { cookiePair } from '../support/cookies.js';
import { call } from '../support/http.js';
import { SECRET } from './contract/stores.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const LIVE_COOKIE = /^sid=[^;]+; Path=\/; Max-Age=\d+; HttpOnly; Secure; SameSite=Lax$/;

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** `npx tsx --tsconfig examples/nest/tsconfig.json examples/nest/<file>`: the example's decorators need its tsconfig. */
function run(file: string, env: NodeJS.ProcessEnv): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', `examples/nest/${file}`], {
    cwd: ROOT,
    env: { ...env, TSX_TSCONFIG_PATH: 'examples/nest/tsconfig.json' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

function exited(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

async function start(file: string): Promise<{ url: string; stop(): Promise<void> }> {
  const port = await freePort();
  const child = run(file, { ...process.env, PORT: String(port), SESSION_SECRET: SECRET });
  let output = '';
  child.stderr?.on('data', (chunk) => (output += chunk));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`examples/nest/${file} did not start in 30 s:\n${output}`)), 30_000);
    child.stdout?.on('data', (chunk) => {
      output += chunk;
      if (output.includes(`localhost:${port}`)) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`examples/nest/${file} exited with ${code}:\n${output}`));
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

for (const [platform, file] of [
  ['Express', 'index.ts'],
  ['Fastify', 'fastify.ts'],
] as const) {
  describe(`examples/nest on the ${platform} platform`, () => {
    let example: Awaited<ReturnType<typeof start>>;
    before(async () => {
      example = await start(file);
    });
    after(() => example?.stop());

    it('greets a guest, logs in, welcomes back, logs out, and refuses the old cookie afterwards', async () => {
      const { url } = example;
      const guest = await call(url, 'GET', '/');
      assert.equal(guest.status, 200);
      assert.deepEqual(guest.body, { message: 'Hello, guest!' });
      assert.deepEqual(guest.setCookies, [], 'no cookie for a visitor whose session stayed empty');

      const refused = await call(url, 'POST', '/login');
      assert.equal(refused.status, 422);
      assert.equal(refused.body.error, 'username_required');
      assert.deepEqual(refused.setCookies, []);

      const login = await call(url, 'POST', '/login?username=alice');
      assert.equal(login.status, 200);
      assert.deepEqual(login.body, { message: 'Logged in as alice' });
      assert.equal(login.setCookies.length, 1);
      assert.match(login.setCookies[0] as string, LIVE_COOKIE);
      assert.doesNotMatch(login.setCookies[0] as string, /alice/, 'sealed');
      assert.equal(login.headers.get('cache-control'), 'private, no-store');
      let cookie = cookiePair(login.setCookies[0]);

      const welcome = await call(url, 'GET', '/', { cookie });
      assert.deepEqual(welcome.body, { message: 'Welcome back, user alice!' });
      assert.deepEqual(welcome.setCookies, [], 'nothing changed: nothing to write');

      const merged = await call(url, 'POST', '/session', { cookie, json: { theme: 'dark' } });
      assert.deepEqual(merged.body, { user_id: 'alice', theme: 'dark' });
      cookie = cookiePair(merged.setCookies[0]);
      assert.deepEqual((await call(url, 'GET', '/session', { cookie })).body, { user_id: 'alice', theme: 'dark' });

      const logout = await call(url, 'POST', '/logout', { cookie });
      assert.equal(logout.status, 200);
      assert.deepEqual(logout.body, { message: 'Logged out successfully.' });
      assert.deepEqual(logout.setCookies, ['sid=; Path=/; Max-Age=0; HttpOnly; Secure; SameSite=Lax']);

      const replay = await call(url, 'GET', '/', { cookie });
      assert.deepEqual(replay.body, { message: 'Hello, guest!' }, 'the pre-logout cookie is refused');
      assert.deepEqual((await call(url, 'GET', '/session', { cookie })).body, {});
    });

    it('gives a new session on login: a cookie planted before it never carries the user', async () => {
      const { url } = example;
      const planted = await call(url, 'POST', '/session', { json: { theme: 'dark' } });
      const before = cookiePair(planted.setCookies[0]);
      const login = await call(url, 'POST', '/login?username=bob', { cookie: before });
      const after = cookiePair(login.setCookies[0]);
      assert.notEqual(after, before);
      assert.deepEqual(
        (await call(url, 'GET', '/', { cookie: before })).body,
        { message: 'Hello, guest!' },
        'the planted cookie never holds the user',
      );
      assert.deepEqual((await call(url, 'GET', '/session', { cookie: after })).body, { theme: 'dark', user_id: 'bob' });
      await call(url, 'POST', '/logout', { cookie: after });
      assert.deepEqual((await call(url, 'GET', '/', { cookie: after })).body, { message: 'Hello, guest!' });
    });

    it('serves a tampered cookie as a guest, never a 500', async () => {
      const { url } = example;
      const login = await call(url, 'POST', '/login?username=carol');
      const pair = cookiePair(login.setCookies[0]);
      const tampered = `${pair.slice(0, -2)}${pair.endsWith('AA') ? 'BB' : 'AA'}`;
      const answer = await call(url, 'GET', '/', { cookie: tampered });
      assert.equal(answer.status, 200);
      assert.deepEqual(answer.body, { message: 'Hello, guest!' });
    });
  });
}

describe('examples/nest', () => {
  it('exits with a message naming SESSION_SECRET when it is missing', async () => {
    const env: NodeJS.ProcessEnv = { ...process.env, PORT: String(await freePort()) };
    delete env.SESSION_SECRET;
    const child = run('index.ts', env);
    let output = '';
    child.stdout?.on('data', (chunk) => (output += chunk));
    child.stderr?.on('data', (chunk) => (output += chunk));
    assert.equal(await exited(child), 1);
    assert.match(output, /SESSION_SECRET is not set/);
    assert.match(output, /npx hallpass secret/);
  });

  it('README.md shows the code that runs, file by file', () => {
    const readme = readFileSync(`${ROOT}examples/nest/README.md`, 'utf8');
    const blocks = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((match) => match[1]);
    for (const file of ['app.module.ts', 'index.ts', 'fastify.ts']) {
      assert.ok(blocks.includes(readFileSync(`${ROOT}examples/nest/${file}`, 'utf8')), `README.md shows ${file} as it is`);
    }
  });
});
