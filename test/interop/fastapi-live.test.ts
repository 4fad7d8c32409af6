/**
 * The real thing: the classic FastAPI session app (`fixtures/fastapi_app.py`, on Debian's
 * python3-fastapi and python3-uvicorn) and the hallpass demo with `SESSION_CODEC=starlette`, side by
 * side with one secret and one cookie jar, as a browser would use them behind one domain; and a
 * cookie the running FastAPI app wrote, imported by `migrateFromStarlette` into a sealed session.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createSessions } from 'hallpass';
import { migrateFromStarlette } from 'hallpass/starlette';
import { SECRET as HALLPASS_SECRET } from '../support/core-fixtures.js';
import { needService, reachable } from '../support/services.js';
import { FIXTURES_DIR, REPO_ROOT } from './starlette-support.js';

const PYTHON = '/usr/bin/python3';
const SECRET = randomBytes(32).toString('base64url');
const MAX_AGE = '1800';

const available =
  existsSync(join(FIXTURES_DIR, 'fastapi_app.py')) &&
  existsSync(PYTHON) &&
  spawnSync(PYTHON, ['-c', 'import fastapi, uvicorn'], { stdio: 'ignore' }).status === 0;
const skip = needService('FastAPI', available, `Install Debian's python3-fastapi and python3-uvicorn (for ${PYTHON}).`);

/** A port nobody listens on right now. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

interface Child {
  process: ChildProcess;
  output: () => string;
}

function start(command: string, args: string[], env: Record<string, string>, cwd: string): Child {
  const child = spawn(command, args, { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (chunk) => (output += chunk));
  child.stderr?.on('data', (chunk) => (output += chunk));
  return { process: child, output: () => output };
}

async function waitFor(port: number, child: Child, name: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.process.exitCode !== null) throw new Error(`${name} exited with ${child.process.exitCode}:\n${child.output()}`);
    if (await reachable(port, '127.0.0.1', 250)) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${name} did not listen on ${port} within 30 s:\n${child.output()}`);
}

function stop(child: Child | undefined): Promise<void> {
  if (!child || child.process.exitCode !== null || child.process.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const force = setTimeout(() => child.process.kill('SIGKILL'), 3000);
    child.process.once('exit', () => {
      clearTimeout(force);
      resolve();
    });
    child.process.kill('SIGTERM');
  });
}

/** One browser's cookies for 127.0.0.1 (cookies ignore ports, so both apps see the same jar). */
class Jar {
  readonly cookies = new Map<string, string>();
  header(): string {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  }
  take(response: Response): void {
    for (const line of response.headers.getSetCookie()) {
      const [pair = '', ...attributes] = line.split(';');
      const name = pair.slice(0, pair.indexOf('=')).trim();
      const value = pair.slice(pair.indexOf('=') + 1).trim();
      const gone = attributes.some((attribute) => /^\s*(max-age=0|expires=thu, 01 jan 1970)/i.test(attribute));
      if (gone) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }
}

describe('hallpass and FastAPI share one session', { skip }, () => {
  let fastapi: Child | undefined;
  let hallpass: Child | undefined;
  let fastapiUrl = '';
  let hallpassUrl = '';
  const jar = new Jar();

  before(async () => {
    const [fastapiPort, hallpassPort] = [await freePort(), await freePort()];
    fastapiUrl = `http://127.0.0.1:${fastapiPort}`;
    hallpassUrl = `http://127.0.0.1:${hallpassPort}`;
    fastapi = start(
      PYTHON,
      ['-m', 'uvicorn', 'fastapi_app:app', '--app-dir', FIXTURES_DIR, '--host', '127.0.0.1', '--port', String(fastapiPort)],
      // No __pycache__ written into the repository's fixtures.
      { SESSION_SECRET: SECRET, SESSION_COOKIE: 'session', SESSION_MAX_AGE: MAX_AGE, PYTHONDONTWRITEBYTECODE: '1' },
      FIXTURES_DIR,
    );
    hallpass = start(
      process.execPath,
      ['--import', 'tsx', 'examples/app/index.ts'],
      {
        SESSION_CODEC: 'starlette',
        SESSION_COOKIE: 'session',
        SESSION_SECRET: SECRET,
        SESSION_MAX_AGE: MAX_AGE,
        SESSION_SECURE: 'false',
        JWT_SECRET: randomBytes(32).toString('base64url'),
        PORT: String(hallpassPort),
        HOST: '127.0.0.1',
      },
      REPO_ROOT,
    );
    await Promise.all([waitFor(fastapiPort, fastapi, 'uvicorn fastapi_app:app'), waitFor(hallpassPort, hallpass, 'the hallpass demo')]);
  });

  after(async () => {
    await Promise.all([stop(fastapi), stop(hallpass)]);
  });

  /** A JSON request with the jar's cookies; the response's cookies go back into the jar. */
  async function send(base: string, method: string, path: string, body?: string): Promise<string> {
    const headers: Record<string, string> = { accept: 'application/json', cookie: jar.header() };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(`${base}${path}`, { method, headers, body });
    jar.take(response);
    const text = await response.text();
    assert.equal(response.status, 200, `${method} ${path}: ${text}`);
    return text;
  }
  const call = async (base: string, method: string, path: string, body?: unknown): Promise<any> =>
    JSON.parse(await send(base, method, path, body === undefined ? undefined : JSON.stringify(body)));

  const greeting = async (base: string) => (await call(base, 'GET', '/')).message;

  it('greets a new visitor as a guest on both', async () => {
    assert.equal(await greeting(fastapiUrl), 'Hello, guest!');
    assert.equal(await greeting(hallpassUrl), 'Hello, guest!');
    assert.equal(jar.cookies.size, 0);
  });

  it('welcomes on hallpass a user who logged in on FastAPI', async () => {
    assert.deepEqual(await call(fastapiUrl, 'POST', '/login?username=alice'), { message: 'Logged in as alice' });
    assert.match(jar.cookies.get('session') ?? '', /^eyJ1c2VyX2lkIjogImFsaWNlIn0=\.[A-Za-z0-9_-]{6}\.[A-Za-z0-9_-]{27}$/);
    assert.equal(await greeting(hallpassUrl), 'Welcome back, user alice!');
    assert.equal(await greeting(fastapiUrl), 'Welcome back, user alice!', 'the cookie hallpass re-signed still opens on FastAPI');
  });

  it("shows on FastAPI's GET /session what was added to the cart on hallpass", async () => {
    assert.deepEqual(await call(hallpassUrl, 'POST', '/cart', { item: 'apple' }), { cart: ['apple'] });
    assert.deepEqual(await call(fastapiUrl, 'GET', '/session'), { user_id: 'alice', cart: ['apple'] });
    // And the other way round: what FastAPI merges in, hallpass reads and writes back unchanged,
    // down to Python's float 1.0, which JavaScript knows only as 1.
    await send(fastapiUrl, 'POST', '/session', '{"theme": "dark", "ratio": 1.0, "big": 1e16}');
    assert.deepEqual(await call(hallpassUrl, 'GET', '/session'), { user_id: 'alice', cart: ['apple'], theme: 'dark', ratio: 1, big: 1e16 });
    assert.equal(await send(fastapiUrl, 'GET', '/session'), '{"user_id":"alice","cart":["apple"],"theme":"dark","ratio":1.0,"big":1e+16}');
  });

  it('logs out on both when logging out on hallpass', async () => {
    await call(hallpassUrl, 'POST', '/logout');
    assert.equal(jar.cookies.has('session'), false);
    assert.equal(await greeting(fastapiUrl), 'Hello, guest!');
    assert.equal(await greeting(hallpassUrl), 'Hello, guest!');
  });

  it('logs out on both when logging out on FastAPI, after a login on hallpass', async () => {
    await call(hallpassUrl, 'POST', '/login?username=bob');
    assert.equal(await greeting(fastapiUrl), 'Welcome back, user bob!');
    await call(fastapiUrl, 'POST', '/logout');
    assert.equal(jar.cookies.has('session'), false);
    assert.equal(await greeting(hallpassUrl), 'Hello, guest!');
    assert.equal(await greeting(fastapiUrl), 'Hello, guest!');
  });

  it('imports with migrateFromStarlette, into a sealed session, the cookie the running FastAPI app wrote', async () => {
    // A browser of its own: log in on FastAPI and fill the session there, as before the switch.
    const browser = new Jar();
    const fastapiCall = async (method: string, path: string, body?: string) => {
      const headers: Record<string, string> = { cookie: browser.header(), 'content-type': 'application/json' };
      const response = await fetch(`${fastapiUrl}${path}`, { method, headers, body });
      browser.take(response);
      assert.equal(response.status, 200, await response.text());
    };
    await fastapiCall('POST', '/login?username=carol');
    await fastapiCall('POST', '/session', '{"cart": ["apple"], "ratio": 1.0}');
    const written = browser.cookies.get('session') as string;
    assert.match(written, /^[A-Za-z0-9+/]+=*\.[A-Za-z0-9_-]{6}\.[A-Za-z0-9_-]{27}$/, 'a Starlette cookie');

    const sessions = createSessions({ secret: HALLPASS_SECRET, name: 'sid', secure: false });
    const migrate = migrateFromStarlette(sessions, { secret_key: SECRET, max_age: Number(MAX_AGE) });
    const header = `session=${written}`;
    const session = await sessions.load(header);
    assert.deepEqual(migrate(session, header), { imported: true, setCookie: 'session=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax' });
    assert.deepEqual(session.toJSON(), { user_id: 'carol', cart: ['apple'], ratio: 1 });
    const { setCookie } = await sessions.commit(session);
    assert.match(setCookie as string, /^sid=h1\./);

    // The next request carries only the sealed cookie, and finds the same session in it.
    const sealed = (setCookie as string).slice(0, (setCookie as string).indexOf(';'));
    const next = await sessions.load(sealed);
    assert.equal(next.isNew, false);
    assert.deepEqual(next.toJSON(), { user_id: 'carol', cart: ['apple'], ratio: 1 });
  });
});
