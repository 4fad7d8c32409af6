import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { withSessions } from '../adapters/node/index.js';
import type { SessionStore } from '../core/types.js';
import { createSessions } from '../engine/sessions.js';
import { assertGone, type StoreFactory, storeTest } from './fixtures.js';

/** Every key the store was called with, so a test can prove no cookie token ever reached it. */
function recordingStore(store: SessionStore): { store: SessionStore; keys: string[] } {
  const keys: string[] = [];
  const seen = <T>(key: string, result: T) => {
    keys.push(key);
    return result;
  };
  const wrapped: SessionStore = {
    get: (key) => seen(key, store.get(key)),
    set: (key, record, ttl) => seen(key, store.set(key, record, ttl)),
    destroy: (key) => seen(key, store.destroy(key)),
    touch: (key, lastSeenAt, ttl) => seen(key, store.touch(key, lastSeenAt, ttl)),
    patch: (key, changes, ttl) => seen(key, store.patch(key, changes, ttl)),
  };
  const { listByUser, destroyByUser } = store;
  if (listByUser) wrapped.listByUser = (userId) => listByUser.call(store, userId);
  if (destroyByUser) {
    wrapped.destroyByUser = (userId, except) => {
      keys.push(...(except ?? []));
      return destroyByUser.call(store, userId, except);
    };
  }
  return { store: wrapped, keys };
}

const sha256 = (token: string) => createHash('sha256').update(token).digest('base64url');

interface Reply {
  status: number;
  setCookie: string[];
  body: { isNew: boolean; id: string; userId?: string; data: Record<string, unknown>; devices?: string[]; ended?: number };
}

/** A small app over `node:http`: the routes a real login flow uses, answering the session as JSON. */
async function startApp(store: SessionStore, now: number) {
  const sessions = createSessions({ store, now: () => now, storeTimeout: 5000 });
  const server = createServer(
    withSessions(sessions, async (req, res) => {
      const url = new URL(req.url ?? '/', 'http://app.test');
      const session = req.session;
      const query = (name: string) => url.searchParams.get(name) ?? '';
      const extra: Partial<Reply['body']> = {};
      if (url.pathname === '/set') session.set(query('key'), query('value'));
      if (url.pathname === '/login') {
        session.regenerate();
        session.userId = query('user');
      }
      if (url.pathname === '/devices') extra.devices = (await sessions.listByUser(session.userId ?? '')).map((s) => s.id).sort();
      if (url.pathname === '/logout-others') extra.ended = await sessions.destroyByUser(session.userId ?? '', { except: session.id });
      if (url.pathname === '/logout') {
        session.destroy();
        res.end('{}');
        return;
      }
      res.setHeader('Content-Type', 'application/json');
      res.end(JSON.stringify({ isNew: session.isNew, id: session.id, userId: session.userId, data: session.toJSON(), ...extra }));
    }),
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const request = async (path: string, token?: string): Promise<Reply> => {
    const res = await fetch(base + path, { method: 'POST', headers: token ? { cookie: `sid=${token}` } : {} });
    return { status: res.status, setCookie: res.headers.getSetCookie(), body: await res.json() };
  };
  const close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return { request, close };
}

const tokenOf = (reply: Reply): string => {
  assert.equal(reply.setCookie.length, 1, `expected one Set-Cookie, got ${JSON.stringify(reply.setCookie)}`);
  const token = /^sid=([^;]*);/.exec(reply.setCookie[0] ?? '')?.[1];
  assert.match(token ?? '', /^[A-Za-z0-9_-]{43}$/);
  return token as string;
};

const cookieFor = (token: string) => `sid=${token}; Path=/; Max-Age=1209600; HttpOnly; Secure; SameSite=Lax`;

/** The server-mode behaviours over real HTTP, with a frozen session clock. */
export function sessionsOverStoreTests(factory: StoreFactory): void {
  const test = storeTest(factory);
  const now = Math.floor(Date.now() / 1000) * 1000;
  const withApp = (body: (app: Awaited<ReturnType<typeof startApp>>, store: SessionStore, keys: string[]) => Promise<void>) => {
    return async (original: SessionStore) => {
      const { store, keys } = recordingStore(original);
      const app = await startApp(store, now);
      try {
        await body(app, original, keys);
      } finally {
        await app.close();
      }
    };
  };

  test(
    'a new session is stored under sha256(token); the token itself never reaches the store',
    [],
    withApp(async (app, store, keys) => {
      const first = await app.request('/set?key=cart&value=apple');
      const token = tokenOf(first);
      assert.deepEqual(first.setCookie, [cookieFor(token)]);
      const second = await app.request('/set?key=theme&value=dark', token);
      assert.deepEqual(second.setCookie, [], 'a change to an existing session sets no cookie');
      assert.deepEqual(second.body.data, { cart: 'apple', theme: 'dark' });
      const record = await store.get(sha256(token));
      assert.deepEqual({ ...record?.data }, { cart: 'apple', theme: 'dark' });
      assert.ok(keys.length >= 2 && keys.every((key) => key === sha256(token)), `store keys: ${keys.join(', ')}`);
      assert.ok(!JSON.stringify(record).includes(token), 'the record must not contain the token');
    }),
  );

  test(
    'login regenerates: a new cookie, the old record deleted, data and user moved',
    [],
    withApp(async (app, store) => {
      const before = tokenOf(await app.request('/set?key=cart&value=apple'));
      const login = await app.request('/login?user=alice', before);
      const after = tokenOf(login);
      assert.notEqual(after, before);
      assert.deepEqual(login.setCookie, [cookieFor(after)]);
      assertGone(await store.get(sha256(before)), 'the pre-login record must be deleted');
      const record = await store.get(sha256(after));
      assert.deepEqual({ ...record?.data }, { cart: 'apple' });
      assert.equal(record?.userId, 'alice');
      const replay = await app.request('/set?key=evil&value=1', before);
      assert.equal(replay.body.isNew, true, 'the old cookie must not find a session');
      assert.equal(replay.body.userId, undefined);
    }),
  );

  test(
    '50 parallel requests, each setting a distinct key on one session, all survive',
    [],
    withApp(async (app) => {
      const token = tokenOf(await app.request('/set?key=start&value=0'));
      const replies = await Promise.all(Array.from({ length: 50 }, (_, i) => app.request(`/set?key=k${i}&value=${i}`, token)));
      assert.deepEqual(
        replies.map((reply) => reply.status),
        Array(50).fill(200),
      );
      const { body } = await app.request('/peek', token);
      const expected: Record<string, string> = { start: '0' };
      for (let i = 0; i < 50; i++) expected[`k${i}`] = String(i);
      assert.deepEqual(body.data, expected);
    }),
  );

  test(
    'logout destroys the record and expires the cookie; the old cookie then opens nothing',
    [],
    withApp(async (app, store) => {
      const token = tokenOf(await app.request('/login?user=bob'));
      const logout = await app.request('/logout', token);
      assert.deepEqual(logout.setCookie, ['sid=; Path=/; Max-Age=0; HttpOnly; Secure; SameSite=Lax']);
      assertGone(await store.get(sha256(token)));
      const after = await app.request('/peek', token);
      assert.equal(after.body.isNew, true);
      assert.deepEqual(after.body.data, {});
    }),
  );

  test(
    'log out other devices: destroyByUser ends the user’s other sessions and keeps this one',
    ['listByUser', 'destroyByUser'],
    withApp(async (app, store) => {
      const user = `carol-${now}-${Math.random().toString(36).slice(2)}`;
      const phone = tokenOf(await app.request(`/login?user=${user}`));
      const laptop = tokenOf(await app.request(`/login?user=${user}`));
      const devices = await app.request('/devices', laptop);
      assert.deepEqual(devices.body.devices, [sha256(phone), sha256(laptop)].sort());
      const ended = await app.request('/logout-others', laptop);
      assert.equal(ended.body.ended, 1);
      assertGone(await store.get(sha256(phone)));
      assert.equal((await app.request('/peek', phone)).body.isNew, true);
      assert.equal((await app.request('/peek', laptop)).body.userId, user);
    }),
  );
}
