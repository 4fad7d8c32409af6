import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { createSessions, HallpassError, memoryStore, type SessionOptions, type SessionStore, StoreError } from 'hallpass';
import { hallpassSessionStorage } from 'hallpass/react-router';
import { createSession, createStaticHandler, isRouteErrorResponse, type SessionStorage } from 'react-router';
import { frozenClock } from '../support/clock.js';
import { cookiePair } from '../support/cookies.js';
import { SECRET } from '../support/core-fixtures.js';

type Data = { userId: string; cart: string[] };

// The storage is a React Router SessionStorage as far as the type checker is concerned.
const typed: SessionStorage<Data> = hallpassSessionStorage<Data>(createSessions({ secret: SECRET }));
void typed;

const MODES = {
  'cookie mode': (options: Partial<SessionOptions> = {}) => createSessions({ secret: SECRET, ...options }),
  'server mode': (options: Partial<SessionOptions> = {}) => createSessions({ store: memoryStore({ now: options.now }), ...options }),
};

/** Logs `user` in through the storage: resolves the cookie pair the browser would keep and the session ID. */
async function logIn(storage: ReturnType<typeof hallpassSessionStorage<Data>>, user: string, cookie: string | null = null) {
  const session = await storage.getSession(cookie);
  storage.regenerateSession(session);
  session.set('userId', user);
  return { cookie: cookiePair(await storage.commitSession(session)), id: session.id };
}

const expectCode = (code: string, pattern?: RegExp) => (error: unknown) => {
  assert.ok(error instanceof HallpassError, `expected a HallpassError, got ${String(error)}`);
  assert.equal(error.code, code);
  if (pattern) assert.match(error.message, pattern);
  return true;
};

/** A memory store whose reads or writes fail, as a database that went away. */
function failingStore(fail: 'get' | 'set'): SessionStore {
  const down = async (): Promise<never> => {
    throw new Error('connect ECONNREFUSED 10.0.0.7:6379');
  };
  return { ...memoryStore(), [fail]: down };
}

describe('hallpass/react-router', () => {
  for (const [mode, make] of Object.entries(MODES)) {
    it(`${mode}: regenerateSession gives a new ID at commit, and the cookie from before login never carries the user`, async () => {
      const storage = hallpassSessionStorage<Data>(make());
      const visitor = await storage.getSession(null);
      visitor.set('cart', ['apple']);
      const before = cookiePair(await storage.commitSession(visitor));
      const login = await logIn(storage, 'alice', before);
      assert.notEqual(login.id, visitor.id);
      const after = await storage.getSession(login.cookie);
      assert.deepEqual(after.data, { cart: ['apple'], userId: 'alice' }, 'the data is kept');
      assert.equal(after.id, login.id);
      const replay = await storage.getSession(before);
      assert.equal(replay.get('userId'), undefined, 'the pre-login cookie is not logged in');
      // Server mode deletes the old record; cookie mode leaves a guest's cookie a guest (it granted nothing).
      if (mode.startsWith('server')) assert.deepEqual(replay.data, {}, 'the pre-login record is gone');
      else assert.notEqual(replay.id, login.id);
    });

    it(`${mode}: regenerateSession with keepData: false starts from an empty session`, async () => {
      const storage = hallpassSessionStorage<Data>(make());
      const visitor = await storage.getSession(null);
      visitor.set('cart', ['apple']);
      const session = await storage.getSession(cookiePair(await storage.commitSession(visitor)));
      storage.regenerateSession(session, { keepData: false });
      session.set('userId', 'alice');
      assert.deepEqual((await storage.getSession(cookiePair(await storage.commitSession(session)))).data, { userId: 'alice' });
    });

    it(`${mode}: a session is refused once its absolute lifetime or its idle timeout has passed`, async () => {
      const clock = frozenClock();
      const storage = hallpassSessionStorage<Data>(make({ now: clock.now, maxAge: 3600, idleTimeout: 600 }));
      const { cookie } = await logIn(storage, 'alice');
      clock.advance(599);
      assert.equal((await storage.getSession(cookie)).get('userId'), 'alice');
      clock.advance(2);
      assert.equal((await storage.getSession(cookie)).get('userId'), undefined, 'idle for 601 s');
      let bob = (await logIn(storage, 'bob')).cookie;
      for (let elapsed = 500; elapsed <= 3500; elapsed += 500) {
        clock.advance(500);
        // Committing on every request slides the idle timeout (in cookie mode the slide is a new cookie)...
        const session = await storage.getSession(bob);
        assert.equal(session.get('userId'), 'bob', `after ${elapsed} s`);
        const header = await storage.commitSession(session);
        if (header) bob = cookiePair(header);
      }
      // ...but never past the absolute lifetime (idle for only 500 s here).
      clock.advance(500);
      assert.equal((await storage.getSession(bob)).get('userId'), undefined, 'older than maxAge');
    });

    it(`${mode}: destroySession on a visitor without a cookie still answers a Set-Cookie that expires it`, async () => {
      const storage = hallpassSessionStorage<Data>(make());
      assert.equal(await storage.destroySession(await storage.getSession(null)), 'sid=; Path=/; Max-Age=0; HttpOnly; Secure; SameSite=Lax');
    });
  }

  it('server mode: destroySession deletes the store record', async () => {
    const store = memoryStore();
    const storage = hallpassSessionStorage<Data>(createSessions({ store }));
    const { cookie, id } = await logIn(storage, 'alice');
    assert.equal(store.size, 1);
    const session = await storage.getSession(cookie);
    assert.match(await storage.destroySession(session), /^sid=; Path=\/; Max-Age=0;/);
    assert.throws(() => session.get('userId'), expectCode('ERR_SESSION_STATE', /destroyed/));
    assert.equal(store.size, 0);
    assert.equal(await store.get(id), null);
  });

  it('server mode: hallpassSession(session).userId feeds the per-user index, so destroyByUser logs out every device', async () => {
    const sessions = createSessions<Data>({ store: memoryStore() });
    const storage = hallpassSessionStorage<Data>(sessions);
    const devices: string[] = [];
    for (let device = 0; device < 2; device++) {
      const session = await storage.getSession(null);
      session.set('userId', 'alice');
      storage.hallpassSession(session).userId = 'alice';
      devices.push(cookiePair(await storage.commitSession(session)));
    }
    assert.equal((await sessions.listByUser('alice')).length, 2);
    assert.equal(await sessions.destroyByUser('alice'), 2);
    for (const cookie of devices) assert.equal((await storage.getSession(cookie)).get('userId'), undefined);
  });

  describe('commitSession options', () => {
    const clock = frozenClock();
    const storage = (options: Partial<SessionOptions> = {}) =>
      hallpassSessionStorage<Data>(createSessions({ secret: SECRET, now: clock.now, maxAge: 3600, idleTimeout: false, ...options }));
    const commitWith = async (options: object, sessionOptions?: Partial<SessionOptions>) => {
      const rr = storage(sessionOptions);
      const session = await rr.getSession(null);
      session.set('userId', 'alice');
      return (await rr.commitSession(session, options)).replace(/^sid=[^;]+/, 'sid=…');
    };

    it('maxAge and expires set the Max-Age of this cookie', async () => {
      assert.equal(await commitWith({}), 'sid=…; Path=/; Max-Age=3600; HttpOnly; Secure; SameSite=Lax');
      assert.equal(await commitWith({ maxAge: 60 }), 'sid=…; Path=/; Max-Age=60; HttpOnly; Secure; SameSite=Lax');
      assert.equal(
        await commitWith({ expires: new Date(clock.now() + 120_000) }),
        'sid=…; Path=/; Max-Age=120; HttpOnly; Secure; SameSite=Lax',
      );
      // "Remember me": a browser-session cookie by default, a lasting one when the app asks.
      assert.equal(await commitWith({}, { persistent: false }), 'sid=…; Path=/; HttpOnly; Secure; SameSite=Lax');
      assert.equal(await commitWith({ maxAge: 300 }, { persistent: false }), 'sid=…; Path=/; Max-Age=300; HttpOnly; Secure; SameSite=Lax');
    });

    it('never lets the cookie outlive the session: maxAge is clamped to what is left of its lifetime', async () => {
      assert.equal(await commitWith({ maxAge: 10 * 365 * 86400 }), 'sid=…; Path=/; Max-Age=3600; HttpOnly; Secure; SameSite=Lax');
      assert.equal(
        await commitWith({ expires: new Date(clock.now() + 86_400_000) }),
        'sid=…; Path=/; Max-Age=3600; HttpOnly; Secure; SameSite=Lax',
      );
    });

    it('refuses any other cookie attribute with ERR_OPTION naming createSessions, and a bad lifetime', async () => {
      await assert.rejects(
        commitWith({ domain: 'example.com' }),
        expectCode('ERR_OPTION', /commitSession\(session, \{ domain \}\).*createSessions\(/),
      );
      await assert.rejects(commitWith({ secure: false }), expectCode('ERR_OPTION', /\{ secure \}/));
      await assert.rejects(commitWith({ maxAge: -1 }), expectCode('ERR_OPTION', /maxAge/));
      await assert.rejects(commitWith({ expires: 'tomorrow' }), expectCode('ERR_OPTION', /expires/));
      // Options set to undefined are no options (React Router spreads them so).
      assert.match(await commitWith({ domain: undefined, maxAge: undefined }), /Max-Age=3600/);
    });

    it('a refused call commits nothing: the next commit still writes the session', async () => {
      const rr = storage();
      const session = await rr.getSession(null);
      session.set('userId', 'alice');
      await assert.rejects(rr.commitSession(session, { path: '/admin' }), expectCode('ERR_OPTION'));
      assert.equal((await rr.getSession(cookiePair(await rr.commitSession(session)))).get('userId'), 'alice');
    });

    it('an expiring cookie keeps Max-Age=0 whatever maxAge asks', async () => {
      const rr = storage();
      const { cookie } = await logIn(rr, 'alice');
      const session = await rr.getSession(cookie);
      session.unset('userId');
      assert.match(await rr.commitSession(session, { maxAge: 600 }), /^sid=; Path=\/; Max-Age=0;/);
    });
  });

  describe('the session object', () => {
    const storage = () => hallpassSessionStorage<Data>(createSessions({ secret: SECRET }));

    it('refuses a session this storage did not hand out, naming the fix', async () => {
      const rr = storage();
      await assert.rejects(rr.commitSession(createSession({ userId: 'mallory' })), expectCode('ERR_OPTION', /same hallpassSessionStorage/));
      const other = await storage().getSession(null);
      await assert.rejects(rr.destroySession(other), expectCode('ERR_OPTION', /destroySession\(\)/));
      assert.throws(() => rr.regenerateSession(other), expectCode('ERR_OPTION'));
    });

    it('throws on a change after the commit, and a second commit answers the same header', async () => {
      const rr = storage();
      const session = await rr.getSession(null);
      session.set('userId', 'alice');
      const header = await rr.commitSession(session);
      assert.throws(() => session.set('cart', ['apple']), expectCode('ERR_SESSION_STATE', /already committed/));
      assert.throws(() => session.flash('cart', ['apple']), expectCode('ERR_SESSION_STATE'));
      assert.throws(() => rr.regenerateSession(session), expectCode('ERR_SESSION_STATE'));
      await assert.rejects(rr.destroySession(session), expectCode('ERR_SESSION_STATE'));
      assert.equal(await rr.commitSession(session), header);
      assert.equal(session.get('userId'), 'alice', 'reading still works');
    });

    it('set(name, undefined) removes the key, as it would vanish from a React Router cookie', async () => {
      const rr = storage();
      const session = await rr.getSession(null);
      session.set('userId', 'alice');
      session.set('userId', undefined as unknown as string);
      assert.equal(session.has('userId'), false);
      assert.equal(await rr.commitSession(session), '');
    });

    it("keeps flash values under React Router's key and checks them as JSON", async () => {
      const rr = storage();
      const session = await rr.getSession(null);
      session.flash('cart', ['apple']);
      assert.deepEqual(session.data, { __flash_cart__: ['apple'] });
      assert.throws(() => session.flash('userId', (() => 'x') as unknown as string), expectCode('ERR_SESSION_VALUE'));
    });
  });

  it('imports only types from react-router, and no node: module (it is a runtime-neutral entry)', () => {
    const root = new URL('../../src/adapters/', import.meta.url);
    const files = readdirSync(new URL('react-router/', root)).map((name) => `react-router/${name}`);
    assert.ok(files.length >= 3);
    for (const file of files) {
      const source = readFileSync(new URL(file, root), 'utf8');
      for (const [statement, typeOnly, specifier] of source.matchAll(/^(?:import|export)\s+(type\s+)?[^;]*?from\s+'([^']+)'/gms)) {
        assert.ok(!specifier?.startsWith('node:'), `${file} imports ${specifier}`);
        if (!specifier?.startsWith('.')) assert.ok(typeOnly, `${file} loads ${specifier} at runtime: ${statement}`);
      }
    }
  });

  describe('store failures', () => {
    it('getSession throws a 503 Response with the JSON body and reports the StoreError', async () => {
      const errors: unknown[] = [];
      const rr = hallpassSessionStorage(createSessions({ store: failingStore('get') }), { onError: (error) => errors.push(error) });
      const thrown = await rr.getSession(`sid=${'A'.repeat(43)}`).catch((error: unknown) => error);
      assert.ok(thrown instanceof Response);
      assert.equal(thrown.status, 503);
      assert.equal(thrown.headers.get('retry-after'), '1');
      assert.deepEqual(await thrown.json(), {
        error: 'session_store_unavailable',
        message: 'The session store is unavailable; please try again shortly.',
      });
      assert.equal(errors.length, 1);
      assert.ok(errors[0] instanceof StoreError);
    });

    it('React Router takes the thrown 503 as the answer of a resource route and as a route error for a page', async () => {
      const rr = hallpassSessionStorage(createSessions({ store: failingStore('get') }), { onError: () => {} });
      const handler = createStaticHandler([
        { id: 'page', path: '/', loader: async ({ request }) => (await rr.getSession(request.headers.get('Cookie'))).data },
      ]);
      const request = () => new Request('http://localhost/', { headers: { Cookie: `sid=${'A'.repeat(43)}` } });
      // queryRoute throws what a loader threw; framework mode's resource routes answer with it.
      const resource = await handler.queryRoute(request()).catch((thrown: unknown) => thrown);
      assert.ok(resource instanceof Response);
      assert.equal(resource.status, 503);
      const page = await handler.query(request());
      assert.ok(!(page instanceof Response));
      assert.equal(page.statusCode, 503);
      const error = page.errors?.page;
      assert.ok(isRouteErrorResponse(error) && error.status === 503, 'the ErrorBoundary sees a 503 route error');
    });

    it('commitSession throws a 503 Response when the store cannot save', async () => {
      const rr = hallpassSessionStorage(createSessions({ store: failingStore('set') }), { onError: () => {} });
      const session = await rr.getSession(null);
      session.set('userId', 'alice');
      const thrown = await rr.commitSession(session).catch((error: unknown) => error);
      assert.ok(thrown instanceof Response);
      assert.equal(thrown.status, 503);
    });

    it("onStoreError: 'anonymous' serves an empty session that is never saved", async () => {
      const rr = hallpassSessionStorage(createSessions({ store: failingStore('get') }), { onStoreError: 'anonymous' });
      const session = await rr.getSession(`sid=${'A'.repeat(43)}`);
      assert.deepEqual(session.data, {});
      session.set('userId', 'alice');
      assert.equal(await rr.commitSession(session), '');
    });
  });
});
