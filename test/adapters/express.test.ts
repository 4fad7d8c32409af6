import assert from 'node:assert/strict';
import { get } from 'node:http';
import { describe, it } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import cookieSessionPeer from 'cookie-session';
import express from 'express';
import expressSessionPeer from 'express-session';
import express4 from 'express4';
import { createSessions, type Json, memoryStore, type Session, type SessionStore, StoreError } from 'hallpass';
import { type ExpressSession, expressSession, getSession } from 'hallpass/express';
import { cookiePair } from '../support/cookies.js';
import { call } from '../support/http.js';
import { exampleSuite } from './contract/example.js';
import { appServer } from './contract/listen.js';
import { delayedStore, FROZEN, failingStore, now, SECRET, STORE_DOWN, TOKEN_COOKIE } from './contract/stores.js';
import { assertLoginWaitsForSave } from './contract/waits-for-save.js';

type Data = { user_id: string; cart: string[] };
const serve = appServer();

for (const [name, framework] of [
  ['Express 4', express4],
  ['Express 5', express],
] as const) {
  describe(`hallpass/express on ${name}`, () => {
    it('saves the session before the redirect leaves, also when store writes take 100 ms', async () => {
      const app = framework();
      app.use(expressSession(createSessions<Data>({ store: delayedStore(100), now })));
      app.post('/login', (req, res) => {
        const session = getSession<Data>(req);
        session.regenerate();
        session.set('user_id', 'alice');
        res.redirect(303, '/');
      });
      app.get('/', (req, res) => {
        res.json({ user: getSession<Data>(req).get('user_id') ?? null });
      });
      const url = await serve(app);
      await assertLoginWaitsForSave(url);
    });

    it("merges its headers with the app's: every Set-Cookie survives, Vary is extended, an app's private Cache-Control stays", async () => {
      const app = framework();
      app.use(expressSession(createSessions({ secret: SECRET, now })));
      app.get('/merge', (req, res) => {
        res.cookie('theme', 'dark');
        res.append('Set-Cookie', 'lang=en; Path=/');
        res.vary('Accept-Encoding');
        getSession(req).set('seen', true);
        res.json({ ok: true });
      });
      app.get('/own-cache', (req, res) => {
        res.set('Cache-Control', 'private, no-cache');
        getSession(req).set('seen', true);
        res.json({ ok: true });
      });
      app.get('/write-head', (req, res) => {
        getSession(req).set('seen', true);
        res.writeHead(200, { 'Set-Cookie': ['a=1'], Vary: 'Origin', 'Content-Type': 'text/plain' });
        res.end('ok');
      });
      const url = await serve(app);
      const merged = await call(url, 'GET', '/merge');
      assert.equal(merged.setCookies.length, 3);
      assert.deepEqual(merged.setCookies.slice(0, 2), ['theme=dark; Path=/', 'lang=en; Path=/']);
      assert.match(merged.setCookies[2] as string, /^sid=[^;]+; Path=\/; Max-Age=86400; HttpOnly; Secure; SameSite=Lax$/);
      assert.equal(merged.headers.get('vary'), 'Accept-Encoding, Cookie');
      assert.equal(merged.headers.get('cache-control'), 'private, no-store');
      assert.equal((await call(url, 'GET', '/own-cache')).headers.get('cache-control'), 'private, no-cache');
      const head = await call(url, 'GET', '/write-head');
      assert.equal(head.setCookies.length, 2);
      assert.equal(head.setCookies[0], 'a=1');
      assert.equal(head.headers.get('vary'), 'Origin, Cookie');
    });

    it('carries the cookie on a response ended early by a middleware and on a streamed response', async () => {
      const app = framework();
      app.use(expressSession(createSessions({ secret: SECRET, now })));
      app.use('/early', (req, res) => {
        getSession(req).set('early', true);
        res.end('early');
      });
      app.get('/stream', async (req, res) => {
        getSession(req).set('streamed', true);
        res.write('first ');
        await delay(20);
        res.end('last');
      });
      const url = await serve(app);
      const early = await call(url, 'GET', '/early');
      assert.equal(early.body, 'early');
      assert.equal(early.setCookies.length, 1);
      const streamed = await call(url, 'GET', '/stream');
      assert.equal(streamed.body, 'first last');
      assert.equal(streamed.setCookies.length, 1);
      const back = createSessions({ secret: SECRET, now });
      assert.equal((await back.load(cookiePair(streamed.setCookies[0]))).get('streamed'), true);
    });
  });
}

describe('hallpass/express store failures', () => {
  const appWith = (store: SessionStore, options: Parameters<typeof expressSession>[1] = {}) => {
    const app = express();
    app.use(expressSession(createSessions({ store, now }), { onError: () => {}, ...options }));
    app.get('/', (req, res) => {
      const session = getSession(req);
      session.set('visits', 1);
      res.json({ anonymous: session.isNew });
    });
    return app;
  };

  it('answers 503 with the JSON error body when the store cannot be read', async () => {
    const url = await serve(appWith(failingStore('get')));
    const answer = await call(url, 'GET', '/', { cookie: TOKEN_COOKIE });
    assert.equal(answer.status, 503);
    assert.deepEqual(answer.body, STORE_DOWN);
    assert.equal(answer.headers.get('retry-after'), '1');
  });

  it('answers 503 when the store cannot be written after the handler ran', async () => {
    const url = await serve(appWith(failingStore('set')));
    const answer = await call(url, 'GET', '/');
    assert.equal(answer.status, 503);
    assert.deepEqual(answer.body, STORE_DOWN);
    assert.deepEqual(answer.setCookies, []);
  });

  it('serves an anonymous session that is never saved with onStoreError: "anonymous"', async () => {
    const url = await serve(appWith(failingStore('get'), { onStoreError: 'anonymous' }));
    const answer = await call(url, 'GET', '/', { cookie: TOKEN_COOKIE });
    assert.equal(answer.status, 200);
    assert.deepEqual(answer.body, { anonymous: true });
    assert.deepEqual(answer.setCookies, []);
  });

  it('hands the StoreError to the error middleware with onStoreError: "next"', async () => {
    const app = appWith(failingStore('get'), { onStoreError: 'next' });
    let seen: unknown;
    app.use((error: unknown, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
      seen = error;
      res.status((error as { status: number }).status).json({ handled: true });
    });
    const url = await serve(app);
    const answer = await call(url, 'GET', '/', { cookie: TOKEN_COOKIE });
    assert.equal(answer.status, 503);
    assert.deepEqual(answer.body, { handled: true });
    assert.ok(seen instanceof StoreError);
    assert.equal(seen.code, 'ERR_STORE');
  });
});

for (const [name, framework] of [
  ['Express 4', express4],
  ['Express 5', express],
] as const) {
  describe(`hallpass/express response gate on ${name}`, () => {
    const GATED = ['writeHead', 'write', 'end', 'flushHeaders'];
    const ownGated = (target: object) => GATED.filter((method) => Object.hasOwn(target, method));
    /** Express's base response prototype, shared by every app of this Express in the process. */
    const base = (framework as unknown as { response: object }).response;

    it("gates once on Express's base response prototype by default; an app without hallpass is served through it", async () => {
      const app = framework();
      app.use(expressSession(createSessions({ secret: SECRET, now })));
      let ownOnResponse: string[] | undefined;
      app.get('/', (req, res) => {
        getSession(req).set('seen', true);
        ownOnResponse = ownGated(res);
        res.json({ ok: true });
      });
      const plain = framework();
      plain.get('/', (req, res) => res.json({ plain: true, session: (req as { session?: unknown }).session ?? null }));
      const [sessionUrl, plainUrl] = [await serve(app), await serve(plain)];
      assert.equal((await call(sessionUrl, 'GET', '/')).setCookies.length, 1);
      assert.deepEqual(ownOnResponse, []);
      assert.deepEqual(ownGated(base), GATED);
      assert.deepEqual(ownGated(app.response), []);
      const other = await call(plainUrl, 'GET', '/');
      assert.deepEqual(other.body, { plain: true, session: null });
      assert.deepEqual(other.setCookies, []);
    });

    it('with gateOnPrototype: false, gates each response with own methods', async () => {
      const app = framework();
      app.use(expressSession(createSessions({ secret: SECRET, now }), { gateOnPrototype: false }));
      let ownOnResponse: string[] | undefined;
      app.get('/', (req, res) => {
        getSession(req).set('seen', true);
        ownOnResponse = ownGated(res);
        res.json({ ok: true });
      });
      assert.equal((await call(await serve(app), 'GET', '/')).setCookies.length, 1);
      assert.deepEqual(ownOnResponse, GATED);
      assert.deepEqual(ownGated(app.response), []);
    });

    it('leaves express-session (logout included) and cookie-session working in other apps of the process', async () => {
      const withHallpass = framework();
      withHallpass.use(expressSession(createSessions({ secret: SECRET, now })));
      withHallpass.get('/', (req, res) => {
        getSession(req).set('seen', true);
        res.json({ ok: true });
      });
      assert.equal((await call(await serve(withHallpass as express.Express), 'GET', '/')).setCookies.length, 1);

      type PeerSession = { user?: string; destroy?: (done: () => void) => void } | null;
      const peerSession = (req: unknown) => (req as { session: PeerSession }).session;
      const routes = (app: express.Express, logout: (req: unknown, res: express.Response) => void) => {
        app.post('/login', (req, res) => {
          (peerSession(req) as { user?: string }).user = 'alice';
          res.json({ ok: true });
        });
        app.post('/logout', (req, res) => logout(req, res));
        app.get('/me', (req, res) => res.json({ user: peerSession(req)?.user ?? null }));
      };
      const withExpressSession = framework();
      withExpressSession.use(expressSessionPeer({ secret: SECRET, resave: false, saveUninitialized: false }));
      // A change on every signed-in request, so a logout that left req.session in place would save it back.
      withExpressSession.use((req, _res, next) => {
        const session = peerSession(req) as { user?: string; seenAt?: number } | null;
        if (session?.user) session.seenAt = Date.now();
        next();
      });
      // express-session's logout: destroy() deletes req.session, so nothing is saved back.
      routes(withExpressSession as express.Express, (req, res) => peerSession(req)?.destroy?.(() => res.json({ ok: true })));
      const withCookieSession = framework();
      withCookieSession.use(cookieSessionPeer({ keys: [SECRET] }));
      routes(withCookieSession as express.Express, (req, res) => {
        (req as { session: PeerSession }).session = null;
        res.json({ ok: true });
      });
      for (const app of [withExpressSession, withCookieSession]) {
        const url = await serve(app as express.Express);
        const login = await call(url, 'POST', '/login');
        const cookie = login.setCookies.map(cookiePair).join('; ');
        assert.deepEqual((await call(url, 'GET', '/me', { cookie })).body, { user: 'alice' });
        const logout = await call(url, 'POST', '/logout', { cookie });
        const after = logout.setCookies.length > 0 ? logout.setCookies.map(cookiePair).join('; ') : cookie;
        assert.deepEqual((await call(url, 'GET', '/me', { cookie: after })).body, { user: null });
        // The cookie from before the logout no longer signs anyone in either.
        if (app === withExpressSession) assert.deepEqual((await call(url, 'GET', '/me', { cookie })).body, { user: null });
      }
    });

    for (const mode of ['cookie', 'server'] as const) {
      it(`saves a change made in an app of the same Express called without being mounted, vhost style (${mode} mode)`, async () => {
        const sessions = mode === 'cookie' ? createSessions({ secret: SECRET, now }) : createSessions({ store: delayedStore(20), now });
        const inner = framework();
        inner.get('/visit', (req, res) => {
          getSession(req).set('visited', 'inner');
          res.json({ ok: true });
        });
        const app = framework();
        app.use(expressSession(sessions));
        // The outer app uses the session first, so the gate is in place before the inner app takes the response.
        app.use((req, _res, next) => {
          getSession(req).get('visited');
          next();
        });
        app.use((req, res, next) => (inner as unknown as express.RequestHandler)(req, res, next));
        const visit = await call(await serve(app as express.Express), 'GET', '/visit');
        assert.deepEqual(visit.body, { ok: true });
        assert.equal(visit.setCookies.length, 1);
        assert.equal((await sessions.load(cookiePair(visit.setCookies[0]))).get('visited'), 'inner');
      });
    }

    // A mounted sub-app swaps each response's prototype for its own as the request enters it and
    // back as it leaves; a response served before the middleware must pass straight through.
    for (const gateOnPrototype of [true, false]) {
      for (const mode of ['cookie', 'server'] as const) {
        const sessionsFor = () =>
          mode === 'cookie' ? createSessions({ secret: SECRET, now }) : createSessions({ store: delayedStore(20), now });

        it(`saves a change made inside a mounted sub-app before its body leaves (${mode} mode, gateOnPrototype: ${gateOnPrototype})`, async () => {
          const sessions = sessionsFor();
          const app = framework();
          app.get('/free', (_req, res) => res.json({ free: true }));
          app.use(expressSession(sessions, { gateOnPrototype }));
          const sub = framework();
          sub.get('/visit', (req, res) => {
            getSession(req).set('visited', 'sub');
            res.json({ ok: true });
          });
          app.use('/sub', sub);
          const url = await serve(app);
          const free = await call(url, 'GET', '/free');
          assert.deepEqual(free.body, { free: true });
          assert.deepEqual(free.setCookies, []);
          const visit = await call(url, 'GET', '/sub/visit');
          assert.deepEqual(visit.body, { ok: true });
          assert.equal(visit.setCookies.length, 1);
          assert.equal((await sessions.load(cookiePair(visit.setCookies[0]))).get('visited'), 'sub');
        });

        it(`saves a change made in a sub-app's middleware when the parent app sends the response (${mode} mode, gateOnPrototype: ${gateOnPrototype})`, async () => {
          const sessions = sessionsFor();
          const sub = framework();
          sub.use(expressSession(sessions, { gateOnPrototype }));
          sub.use((req, _res, next) => {
            getSession(req).set('visited', 'sub');
            next();
          });
          const app = framework();
          app.use('/sub', sub);
          // Reached after the sub-app passed the request on: Express has put the parent's prototype back.
          app.get('/sub/after', (_req, res) => res.json({ ok: true }));
          const url = await serve(app);
          const after = await call(url, 'GET', '/sub/after');
          assert.deepEqual(after.body, { ok: true });
          assert.equal(after.setCookies.length, 1);
          assert.equal((await sessions.load(cookiePair(after.setCookies[0]))).get('visited'), 'sub');
        });
      }
    }

    it('works beside a middleware that gave the request its own session property first', async () => {
      const sessions = createSessions({ secret: SECRET, now });
      const app = framework();
      app.use((req, _res, next) => {
        // An own property, as cookie-session defines it.
        Object.defineProperty(req, 'session', { value: 'placeholder', writable: true, configurable: true, enumerable: true });
        next();
      });
      app.use(expressSession(sessions));
      app.get('/', (req, res) => {
        getSession(req).set('seen', 'yes');
        res.json({ own: Object.hasOwn(req, 'session') });
      });
      const answer = await call(await serve(app), 'GET', '/');
      assert.deepEqual(answer.body, { own: true });
      assert.equal((await sessions.load(cookiePair(answer.setCookies[0]))).get('seen'), 'yes');
    });

    it("runs once when mounted on the app and again on a router: one store read, one commit, one 'finish' listener", async () => {
      const store = memoryStore({ now });
      let reads = 0;
      const counted: SessionStore = {
        ...store,
        get: (key) => {
          reads++;
          return store.get(key);
        },
      };
      const middleware = expressSession(createSessions({ store: counted, now }));
      const listeners: Record<string, number> = {};
      const plain = framework();
      plain.get('/', (_req, res) => {
        listeners.plain = res.listenerCount('finish');
        res.json({});
      });
      const app = framework();
      const router = framework.Router();
      app.use(middleware);
      router.use(middleware);
      router.get('/', (req, res) => {
        const session = getSession<{ n: number }>(req);
        session.set('n', (session.get('n') ?? 0) + 1);
        listeners.session = res.listenerCount('finish');
        res.json({ n: session.get('n') });
      });
      app.use(router);
      await call(await serve(plain), 'GET', '/');
      const url = await serve(app);
      const first = await call(url, 'GET', '/');
      assert.equal(first.setCookies.length, 1, 'one session cookie, from one commit');
      assert.equal(listeners.session, (listeners.plain ?? Number.NaN) + 1, 'the bypass check adds one listener');
      reads = 0;
      const second = await call(url, 'GET', '/', { cookie: cookiePair(first.setCookies[0]) });
      assert.deepEqual(second.body, { n: 2 });
      assert.equal(reads, 1, 'the session was read from the store once');
    });

    it('skips a copy of the request made with Object.create(req), so the change made before it is saved', async () => {
      const sessions = createSessions({ store: delayedStore(5), now });
      const middleware = expressSession(sessions);
      const app = framework();
      app.use(middleware);
      app.use((req, res) => {
        getSession(req).set('outer', 'yes');
        // A view of the request with other params, handed to a sub-handler that runs the middleware again.
        const copy = Object.create(req) as typeof req;
        middleware(copy, res, () => res.json({ same: getSession(copy) === getSession(req) }));
      });
      const answer = await call(await serve(app), 'GET', '/');
      assert.deepEqual(answer.body, { same: true });
      assert.equal(answer.setCookies.length, 1);
      assert.equal((await sessions.load(cookiePair(answer.setCookies[0]))).get('outer'), 'yes');
    });

    it('reports no bypass when the middleware runs again for a response already sent', async () => {
      const reported: unknown[] = [];
      const middleware = expressSession(createSessions({ store: memoryStore({ now }), now }), { onError: (error) => reported.push(error) });
      const app = framework();
      app.use(middleware);
      app.get('/again', async (req, res, next) => {
        getSession(req).set('a', 1);
        res.end('x'.repeat(16 * 1024 * 1024));
        while (!res.headersSent) await delay(1);
        // The logout idiom, then the next handler: the middleware runs again on the router below.
        delete (req as { session?: unknown }).session;
        next();
      });
      const router = framework.Router();
      router.use(middleware);
      router.get('/again', () => {});
      app.use(router);
      const url = await serve(app);
      await new Promise<void>((resolve, reject) => {
        get(`${url}/again`, (response) => {
          // Read slowly: the response is still draining when the second gate goes on.
          response.pause();
          setTimeout(() => response.resume().on('end', resolve), 200);
        }).on('error', reject);
      });
      await delay(50);
      assert.deepEqual(reported, []);
    });

    it('throws on a change first made after the response was sent (cookie mode), rather than losing it', async () => {
      const app = framework();
      app.use(expressSession(createSessions({ secret: SECRET, now })));
      let late: unknown;
      const done = new Promise<void>((resolve) => {
        app.get('/', (req, res) => {
          res.json({ ok: true });
          setTimeout(() => {
            try {
              getSession(req).set('late', 'value');
              late = 'saved?';
            } catch (error) {
              late = (error as { code?: string }).code;
            }
            resolve();
          }, 5);
        });
      });
      const answer = await call(await serve(app), 'GET', '/');
      await done;
      assert.deepEqual(answer.setCookies, []);
      assert.equal(late, 'ERR_SESSION_STATE');
    });

    it('reports no bypass for a response a route sent before the middleware ran', async () => {
      const reported: unknown[] = [];
      const app = framework();
      app.get('/early', (_req, res, next) => {
        // Sent, but still draining when the middleware's gate goes on (a memory store answers at once).
        res.end('x'.repeat(4 * 1024 * 1024));
        next();
      });
      app.use(expressSession(createSessions({ store: memoryStore({ now }), now }), { onError: (error) => reported.push(error) }));
      app.get('/early', () => {});
      const url = await serve(app);
      assert.equal((await call(url, 'GET', '/early')).status, 200);
      await delay(50);
      assert.deepEqual(reported, []);
    });

    it("wraps the response itself when the app's own response prototype defines end, and leaves that end in place", async () => {
      const sessions = createSessions({ store: delayedStore(20), now });
      const app = framework();
      let ownEndCalls = 0;
      const appResponse = app.response as unknown as { end: (...args: unknown[]) => unknown };
      const ownEnd = function appEnd(this: unknown, ...args: unknown[]) {
        ownEndCalls++;
        return (Object.getPrototypeOf(appResponse) as typeof appResponse).end.apply(this, args);
      };
      appResponse.end = ownEnd;
      app.use(expressSession(sessions));
      let ownOnResponse: string[] | undefined;
      app.get('/', (req, res) => {
        getSession(req).set('seen', 'yes');
        ownOnResponse = ownGated(res);
        res.json({ ok: true });
      });
      const answer = await call(await serve(app), 'GET', '/');
      assert.equal(answer.setCookies.length, 1);
      assert.equal((await sessions.load(cookiePair(answer.setCookies[0]))).get('seen'), 'yes');
      assert.deepEqual(ownOnResponse, GATED);
      assert.equal(appResponse.end, ownEnd);
      assert.equal(ownEndCalls, 1);
    });

    it('wraps the response itself when a middleware before it already wrapped res.end', async () => {
      const sessions = createSessions({ store: delayedStore(20), now });
      const app = framework();
      app.use((_req, res, next) => {
        const end = res.end;
        res.end = function wrappedEnd(this: typeof res, ...args: unknown[]) {
          return (end as (...a: unknown[]) => unknown).apply(this, args);
        } as typeof res.end;
        next();
      });
      app.use(expressSession(sessions));
      app.get('/', (req, res) => {
        getSession(req).set('seen', 'yes');
        res.json({ ok: true });
      });
      const answer = await call(await serve(app), 'GET', '/');
      assert.deepEqual(answer.body, { ok: true });
      assert.equal(answer.setCookies.length, 1);
      assert.equal((await sessions.load(cookiePair(answer.setCookies[0]))).get('seen'), 'yes');
      assert.deepEqual(ownGated(app.response), []);
    });
  });
}

describe('hallpass/express typing and misuse', () => {
  it('getSession names the fix when the middleware did not run', () => {
    assert.throws(() => getSession({}), { code: 'ERR_SESSION_STATE', message: /app\.use\(expressSession\(sessions\)\)/ });
  });

  it('types the session by the data shape given to getSession', async () => {
    const app = express();
    app.use(expressSession(createSessions<Data>({ secret: SECRET, now })));
    app.get('/', (req, res) => {
      const session: ExpressSession<Data> = getSession<Data>(req);
      const cart: string[] = session.get('cart', []);
      // @ts-expect-error: not a key of Data
      session.get('nope');
      // @ts-expect-error: user_id is a string
      session.set('user_id', 42);
      const plain: Session<Data> = session;
      res.json({ cart, isSession: plain === session });
    });
    const url = await serve(app);
    assert.deepEqual((await call(url, 'GET', '/')).body, { cart: [], isSession: true });
  });

  it('lets express-session style code read and write keys as properties, nested changes included', async () => {
    const app = express();
    const sessions = createSessions({ secret: SECRET, now });
    app.use(expressSession(sessions));
    app.get('/', (req, res) => {
      const session = getSession(req) as ExpressSession & Record<string, Json>;
      session.prefs = { theme: 'dark' };
      (session.prefs as { theme: string }).theme = 'light';
      (session.prefs as Record<string, Json>).size = 'large';
      res.json({ keys: Object.keys(session), has: 'prefs' in session, theme: (session.prefs as { theme: string }).theme });
    });
    const url = await serve(app);
    const answer = await call(url, 'GET', '/');
    assert.deepEqual(answer.body, { keys: ['prefs'], has: true, theme: 'light' });
    const saved = await sessions.load(cookiePair(answer.setCookies[0]));
    assert.deepEqual(saved.get('prefs'), { theme: 'light', size: 'large' });
    assert.equal(saved.createdAt, FROZEN / 1000);
  });
});

describe('examples/express', () => {
  exampleSuite('express', it);
});
