/** Leaving Starlette cookies for sealed cookies or a store: nobody is logged out, the old cookie goes away. */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, describe, it } from 'node:test';
import { createSessions, memoryStore, type SessionOptions } from 'hallpass';
import { withSessions } from 'hallpass/node';
import { migrateFromStarlette } from 'hallpass/starlette';
import { frozenClock } from '../support/clock.js';
import { SECRET } from '../support/core-fixtures.js';
import { setCookieValue, vectorNamed } from './starlette-support.js';

/**
 * A cookie Starlette's SessionMiddleware wrote for `{"user_id": "alice"}` at T0 (the "simple" vector
 * of `fixtures/starlette-vectors.json`, made by `scripts/make-starlette-vectors.py`), not hallpass.
 */
const WRITTEN = vectorNamed('simple');
const STARLETTE = WRITTEN.cookie;
const FASTAPI_SECRET = WRITTEN.signed_with_secret;
const T0 = WRITTEN.signed_at;
const SESSION = WRITTEN.session;

function setup(options: Partial<SessionOptions>, legacy: Parameters<typeof migrateFromStarlette>[1] = { secret_key: FASTAPI_SECRET }) {
  const clock = frozenClock(T0 + 60);
  const sessions = createSessions({ secret: SECRET, now: clock.now, ...options });
  return { sessions, clock, migrate: migrateFromStarlette(sessions, legacy) };
}

const pair = (setCookie: string | undefined) => (setCookie as string).slice(0, (setCookie as string).indexOf(';'));

describe('migrateFromStarlette', () => {
  it('starts from a cookie the middleware itself wrote', () => {
    assert.equal(setCookieValue(WRITTEN.set_cookie_on_write as string), STARLETTE);
    assert.deepEqual(SESSION, { user_id: 'alice' });
  });

  it('to sealed cookies under the same name: imports once, and the new cookie replaces the old', async () => {
    const { sessions, migrate } = setup({ name: 'session' });
    const first = await sessions.load(`session=${STARLETTE}`);
    assert.deepEqual(await migrate(first, `session=${STARLETTE}`), { imported: true, setCookie: undefined });
    assert.deepEqual(first.toJSON(), SESSION);
    const { setCookie } = await sessions.commit(first);
    assert.match(setCookie as string, /^session=h1\./);

    const header = pair(setCookie);
    const second = await sessions.load(header);
    assert.deepEqual(await migrate(second, header), { imported: false, setCookie: undefined });
    assert.deepEqual(second.toJSON(), SESSION);
  });

  it('to sealed cookies under another name: imports and deletes the Starlette cookie', async () => {
    const { sessions, migrate } = setup({ name: 'sid' });
    const session = await sessions.load(`session=${STARLETTE}`);
    const result = await migrate(session, `session=${STARLETTE}`);
    assert.deepEqual(result, { imported: true, setCookie: 'session=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax' });
    const { setCookie } = await sessions.commit(session);
    assert.match(setCookie as string, /^sid=h1\./);
    // A Starlette cookie left beside a valid hallpass session is deleted too, and not imported.
    const both = `${pair(setCookie)}; session=${STARLETTE}`;
    const next = await sessions.load(both);
    assert.deepEqual(await migrate(next, both), { imported: false, setCookie: 'session=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax' });
  });

  it('to a server-side store: the data moves into a store record', async () => {
    const store = memoryStore();
    const { sessions, migrate } = setup({ store, name: 'session' });
    const session = await sessions.load(`session=${STARLETTE}`);
    assert.equal((await migrate(session, `session=${STARLETTE}`)).imported, true);
    const { setCookie } = await sessions.commit(session);
    const token = pair(setCookie).slice('session='.length);
    assert.match(token, /^[A-Za-z0-9_-]{43}$/);
    const again = await sessions.load(`session=${token}`);
    assert.deepEqual(again.toJSON(), SESSION);
    assert.equal(again.isNew, false);
  });

  it('does not import an expired or forged Starlette cookie', async () => {
    const { sessions, clock, migrate } = setup({ name: 'sid' }, { secret_key: FASTAPI_SECRET, max_age: 30 });
    const expired = await sessions.load(`session=${STARLETTE}`);
    assert.deepEqual(await migrate(expired, `session=${STARLETTE}`), {
      imported: false,
      setCookie: 'session=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax',
    });
    assert.deepEqual(expired.toJSON(), {});
    clock.advance(-50);
    const forged = STARLETTE.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A'));
    const session = await sessions.load(`session=${forged}`);
    assert.equal((await migrate(session, `session=${forged}`)).imported, false);
    assert.deepEqual(await sessions.commit(session), { vary: true });
  });

  it('does nothing for a request without a Starlette cookie', async () => {
    const { sessions, migrate } = setup({ name: 'sid' });
    const session = await sessions.load(undefined);
    assert.deepEqual(await migrate(session, undefined), { imported: false });
    assert.deepEqual(await migrate(session, 'other=1'), { imported: false });
  });
});

describe('migrateFromStarlette with the node adapter', () => {
  let server: Server | undefined;
  after(() => server?.close());

  it('answers with the new cookie and the deletion of the old one', async () => {
    const sessions = createSessions({ secret: SECRET, name: 'sid', secure: false });
    const migrate = migrateFromStarlette(sessions, { secret_key: FASTAPI_SECRET, max_age: null });
    server = createServer(
      withSessions(sessions, async (req, res) => {
        const { setCookie } = await migrate(req.session, req.headers.cookie);
        if (setCookie) res.appendHeader('Set-Cookie', setCookie);
        res.end(`Welcome back, user ${req.session.get('user_id')}!`);
      }),
    );
    await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const response = await fetch(`http://127.0.0.1:${port}/`, { headers: { cookie: `session=${STARLETTE}` } });
    assert.equal(await response.text(), 'Welcome back, user alice!');
    const cookies = response.headers.getSetCookie();
    assert.equal(cookies.length, 2);
    assert.equal(cookies[0], 'session=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax');
    assert.match(cookies[1] as string, /^sid=h1\.[^;]+; Path=\/; Max-Age=86400; HttpOnly; SameSite=Lax$/);
  });
});
