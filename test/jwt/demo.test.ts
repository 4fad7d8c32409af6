/** The demo's token routes over real HTTP, served by the demo handler itself. */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createSessions, memoryStore } from 'hallpass';
import { createDemoApp, type DemoData } from '../../examples/app/app.js';
import { createTokenRoutes } from '../../examples/app/tokens.js';
import { SECRET } from '../support/core-fixtures.js';
import { listen, type Running } from '../support/listen.js';
import { openDatabase } from '../support/sqlite.js';
import { spyStore } from './fixtures.js';

const JWT_SECRET = 'Vd6mQp2XsL9fTb4KzRn7yUc1WgHe8JaO3iNt5oBkZrY';

interface Pair {
  access_token: string;
  refresh_token: string;
  token_type: string;
  expires_in: number;
}

describe('demo token routes', () => {
  let app: Running;
  const spy = spyStore();
  before(async () => {
    const sessions = createSessions<DemoData>({ secret: SECRET, secure: false });
    const routes = await createTokenRoutes({ JWT_SECRET, NODE_ENV: 'test' }, () => {}, spy.store);
    app = await listen(createServer(createDemoApp(sessions, routes)));
  });
  after(() => app.close());

  const login = async (username: string) => {
    const response = await fetch(`${app.url}/token?username=${username}`, { method: 'POST' });
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('cache-control'), 'no-store');
    return (await response.json()) as Pair;
  };
  const me = (token: string) => fetch(`${app.url}/me`, { headers: { authorization: `Bearer ${token}` } });
  const refresh = (refreshToken: unknown) =>
    fetch(`${app.url}/token/refresh`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ refresh_token: refreshToken }),
    });

  it('POST /token answers an OAuth-style pair', async () => {
    const pair = await login('alice');
    assert.deepEqual(Object.keys(pair).sort(), ['access_token', 'expires_in', 'refresh_token', 'token_type']);
    assert.equal(pair.token_type, 'Bearer');
    assert.equal(pair.expires_in, 900);
    assert.match(pair.refresh_token, /^[A-Za-z0-9_-]{43}$/);
    assert.equal(pair.access_token.split('.').length, 3);
  });

  it('GET /me answers the user for a bearer token, and 401 without one', async () => {
    const pair = await login('alice');
    const response = await me(pair.access_token);
    assert.equal(response.status, 200);
    assert.deepEqual(await response.json(), { user: 'alice' });
    const anonymous = await fetch(`${app.url}/me`);
    assert.equal(anonymous.status, 401);
    assert.equal(anonymous.headers.get('www-authenticate'), 'Bearer realm="hallpass-demo"');
    const forged = await me(`${pair.access_token.slice(0, -2)}AA`);
    assert.equal(forged.status, 401);
    assert.match(forged.headers.get('www-authenticate') ?? '', /error="invalid_token"/);
  });

  it('POST /token/refresh spends the refresh token; reusing it revokes the family', async () => {
    const first = await login('bob');
    const response = await refresh(first.refresh_token);
    assert.equal(response.status, 200);
    const second = (await response.json()) as Pair;
    assert.notEqual(second.refresh_token, first.refresh_token);
    assert.deepEqual(await (await me(second.access_token)).json(), { user: 'bob' });

    const reuse = await refresh(first.refresh_token);
    assert.equal(reuse.status, 401);
    assert.equal(((await reuse.json()) as { error: string }).error, 'invalid_grant');
    assert.equal((await refresh(second.refresh_token)).status, 401);
    assert.equal((await me(second.access_token)).status, 401);
  });

  it('POST /token/revoke stops the bearer token at once', async () => {
    const pair = await login('carol');
    assert.equal((await me(pair.access_token)).status, 200);
    const revoked = await fetch(`${app.url}/token/revoke`, {
      method: 'POST',
      headers: { authorization: `Bearer ${pair.access_token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ refresh_token: pair.refresh_token }),
    });
    assert.equal(revoked.status, 200);
    assert.deepEqual(await revoked.json(), { revoked: true });
    assert.equal((await me(pair.access_token)).status, 401);
    assert.equal((await refresh(pair.refresh_token)).status, 401);
    assert.equal((await fetch(`${app.url}/token/revoke`, { method: 'POST' })).status, 401);
  });

  it('refuses a bad username and a missing refresh token', async () => {
    assert.equal((await fetch(`${app.url}/token?username=a%20b`, { method: 'POST' })).status, 422);
    assert.equal((await fetch(`${app.url}/token`, { method: 'POST' })).status, 422);
    assert.equal((await refresh(undefined)).status, 400);
  });

  it('keeps revocations and refresh tokens in the store it was given', async () => {
    const before = spy.calls.length;
    await login('dave');
    assert.ok(spy.calls.slice(before).some((call) => call.startsWith('set jwt:rf:')));
  });

  it('leaves the session routes to the session handler', async () => {
    const response = await fetch(`${app.url}/`);
    assert.equal(response.status, 200);
    assert.deepEqual(await response.json(), { message: 'Hello, guest!' });
  });

  it('refuses a short JWT_SECRET at start-up', async () => {
    await assert.rejects(
      createTokenRoutes({ JWT_SECRET: 'too-short-secret', JWT_SQLITE_PATH: ':memory:' }, () => {}),
      { code: 'ERR_SECRET_TOO_SHORT' },
    );
  });

  it('keeps token state out of an evicting session store: with memoryStore sessions, revocations go to SQLite', async () => {
    const lines: string[] = [];
    const routes = await createTokenRoutes({ JWT_SECRET, JWT_SQLITE_PATH: ':memory:' }, (line) => lines.push(line), memoryStore());
    assert.deepEqual(lines, ['JWT revocations and refresh tokens are kept in SQLite at :memory: (the session store may evict records).']);
    const sessions = createSessions<DemoData>({ secret: SECRET, secure: false });
    const other = await listen(createServer(createDemoApp(sessions, routes)));
    try {
      const pair = (await (await fetch(`${other.url}/token?username=erin`, { method: 'POST' })).json()) as Pair;
      const bearer = { authorization: `Bearer ${pair.access_token}` };
      assert.equal((await fetch(`${other.url}/token/revoke`, { method: 'POST', headers: bearer })).status, 200);
      assert.equal((await fetch(`${other.url}/me`, { headers: bearer })).status, 401);
    } finally {
      await other.close();
    }
  });

  it('uses the session store itself when it never evicts and has compareAndSet', async () => {
    const lines: string[] = [];
    const before = spy.calls.length;
    const routes = await createTokenRoutes({ JWT_SECRET, NODE_ENV: 'test' }, (line) => lines.push(line), spy.store);
    const other = await listen(createServer(createDemoApp(createSessions<DemoData>({ secret: SECRET, secure: false }), routes)));
    try {
      assert.equal((await fetch(`${other.url}/token?username=frank`, { method: 'POST' })).status, 200);
    } finally {
      await other.close();
    }
    assert.deepEqual(lines, [], 'no SQLite of its own');
    assert.ok(spy.calls.slice(before).some((call) => call.startsWith('set jwt:rf:')));
  });

  it('without a session store, keeps token state in the SQLite file JWT_SQLITE_PATH names', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hallpass-demo-tokens-'));
    const path = join(dir, 'tokens.sqlite');
    try {
      const routes = await createTokenRoutes({ JWT_SECRET, JWT_SQLITE_PATH: path }, () => {});
      const other = await listen(createServer(createDemoApp(createSessions<DemoData>({ secret: SECRET, secure: false }), routes)));
      try {
        assert.equal((await fetch(`${other.url}/token?username=grace`, { method: 'POST' })).status, 200);
      } finally {
        await other.close();
      }
      assert.ok(existsSync(path));
      const db = openDatabase(path);
      try {
        const { rows } = db.prepare('SELECT count(*) AS rows FROM hallpass_sessions').get() as { rows: number };
        assert.equal(rows, 2, 'the refresh token pointer and its family');
      } finally {
        db.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
