import assert from 'node:assert/strict';
import type { ServerResponse } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { type Codec, createSessions, memoryStore, type SessionEvent, type SessionStore, type Sessions } from 'hallpass';
import { attachSession, type SessionRequest, withSessions } from 'hallpass/node';
import { sendStoreFailure } from '../../src/adapters/node/failure.js';
import { SECRET } from '../support/core-fixtures.js';
import { delay, serve, type TestServer } from '../support/http.js';
import { downStore, STORE_DOWN_BODY } from './contract/stores.js';

type Route = (req: SessionRequest, res: ServerResponse) => unknown;

/** A store whose writes take `ms` milliseconds, to prove the response waits for the commit. */
function slowStore(ms: number): SessionStore {
  const inner = memoryStore();
  return {
    get: (key) => inner.get(key),
    set: async (key, record, ttl) => {
      await delay(ms);
      return inner.set(key, record, ttl);
    },
    destroy: (key) => inner.destroy(key),
    patch: async (key, patch, ttl) => {
      await delay(ms);
      return inner.patch(key, patch, ttl);
    },
    touch: async (key, lastSeenAt, ttl) => {
      await delay(ms);
      return inner.touch(key, lastSeenAt, ttl);
    },
  };
}

/** Serves `routes` (by path) through `withSessions`; every test server is closed at the end. */
function app(sessions: Sessions, routes: Record<string, Route>, options: Parameters<typeof withSessions>[2] = {}) {
  let server: TestServer;
  const errors: unknown[] = [];
  before(async () => {
    server = await serve(
      withSessions(
        sessions,
        (req, res) => {
          const route = routes[new URL(req.url ?? '/', 'http://x').pathname];
          if (!route) {
            res.statusCode = 404;
            res.end();
            return;
          }
          return route(req, res);
        },
        { onError: (error) => errors.push(error), ...options },
      ),
    );
  });
  after(() => server.close());
  return {
    errors,
    fetch: (path: string, init: RequestInit = {}) => fetch(server.url + path, { redirect: 'manual', ...init }),
  };
}

const cookieOf = (response: Response) => response.headers.getSetCookie().find((c) => c.startsWith('sid='));
const responsePair = (response: Response) => (cookieOf(response) as string).split(';')[0] as string;

describe('hallpass/node', () => {
  describe('commit before the response', () => {
    const events: SessionEvent[] = [];
    const sessions = createSessions({ store: slowStore(80), onEvent: (event) => events.push(event) });
    const server = app(sessions, {
      '/login-public': (req, res) => {
        req.session.set('user_id', 'dave');
        res.setHeader('Cache-Control', 'max-age=600');
        res.writeHead(200, { 'Cache-Control': 'public, s-maxage=600' }).end('ok');
      },
      '/login': (req, res) => {
        req.session.set('user_id', 'alice');
        res.writeHead(302, { Location: '/' });
        res.end();
      },
      '/login-chained': (req, res) => {
        req.session.set('user_id', 'carol');
        res.writeHead(303, { Location: '/' }).end();
      },
      '/login-async': async (req, res) => {
        await delay(5);
        req.session.set('user_id', 'bob');
        res.statusCode = 302;
        res.setHeader('Location', '/');
        res.end();
      },
      '/me': (req, res) => {
        res.end(String(req.session.get('user_id') ?? 'guest'));
      },
    });

    it('carries the Set-Cookie on a redirect written with writeHead + end, and the store has it', async () => {
      const login = await server.fetch('/login');
      assert.equal(login.status, 302);
      assert.equal(login.headers.get('location'), '/');
      assert.match(cookieOf(login) as string, /^sid=[A-Za-z0-9_-]{43}; Path=\/; Max-Age=1209600; HttpOnly; Secure; SameSite=Lax$/);
      // The very next request, sent as soon as the redirect arrives, sees the saved session.
      assert.equal(await (await server.fetch('/me', { headers: { cookie: responsePair(login) } })).text(), 'alice');
    });

    it('waits for the commit when writeHead is chained to end', async () => {
      const login = await server.fetch('/login-chained');
      assert.equal(login.status, 303);
      assert.equal(await (await server.fetch('/me', { headers: { cookie: responsePair(login) } })).text(), 'carol');
    });

    it("replaces the app's public Cache-Control on a writeHead held for a slow store's commit", async () => {
      events.length = 0;
      const login = await server.fetch('/login-public');
      assert.ok(cookieOf(login));
      assert.equal(login.headers.get('cache-control'), 'private, no-store');
      assert.deepEqual(
        events.filter((event) => event.type === 'cache-control-replaced'),
        [{ type: 'cache-control-replaced', previous: 'public, s-maxage=600' }],
      );
    });

    it('waits for the commit when the handler is async', async () => {
      const login = await server.fetch('/login-async');
      assert.equal(login.status, 302);
      assert.equal(await (await server.fetch('/me', { headers: { cookie: responsePair(login) } })).text(), 'bob');
    });
  });

  describe('header merging', () => {
    const events: SessionEvent[] = [];
    const sessions = createSessions({ secret: SECRET, onEvent: (event) => events.push(event) });
    const replaced = () => events.filter((event) => event.type === 'cache-control-replaced');
    const cacheControlOf = (req: SessionRequest) => new URL(req.url ?? '/', 'http://x').searchParams.get('cc') as string;
    const SHARED_HEAD = Object.freeze({ 'Set-Cookie': 'theme=dark; Path=/', Vary: 'Accept' });
    const mutableShared = { 'Set-Cookie': ['theme=dark; Path=/'], 'Content-Type': 'text/plain' };
    const sharedCookies = ['lang=en; Path=/'];
    const server = app(sessions, {
      '/set-header': (req, res) => {
        req.session.set('n', 1);
        res.setHeader('Set-Cookie', ['a=1; Path=/', 'b=2; Path=/']);
        res.setHeader('Vary', 'Accept-Encoding');
        res.end('ok');
      },
      '/set-header-string': (req, res) => {
        req.session.set('n', 1);
        res.setHeader('Set-Cookie', 'a=1; Path=/');
        res.end('ok');
      },
      '/write-head': (req, res) => {
        req.session.set('n', 1);
        res.writeHead(200, { 'set-cookie': 'c=3; Path=/', vary: 'Origin', 'content-type': 'text/plain' });
        res.end('ok');
      },
      '/write-head-status-message': (req, res) => {
        req.session.set('n', 1);
        res.writeHead(200, 'Fine', { 'Set-Cookie': ['d=4', 'e=5'] });
        res.end('ok');
      },
      '/write-head-frozen': (req, res) => {
        req.session.set('n', 1);
        res.writeHead(200, SHARED_HEAD);
        res.end('ok');
      },
      '/write-head-shared': (req, res) => {
        req.session.set('n', 1);
        res.writeHead(200, mutableShared);
        res.end('ok');
      },
      '/set-header-shared': (req, res) => {
        req.session.set('n', 1);
        res.setHeader('Set-Cookie', sharedCookies);
        res.end('ok');
      },
      '/write-head-array': (req, res) => {
        req.session.set('n', 1);
        res.writeHead(200, ['Set-Cookie', 'f=6', 'Set-Cookie', 'g=7', 'Vary', 'Accept']);
        res.end('ok');
      },
      '/vary-list': (req, res) => {
        req.session.get('n');
        res.setHeader('Vary', ['Accept', 'Origin']);
        res.end('ok');
      },
      '/vary-cookie': (req, res) => {
        req.session.get('n');
        res.setHeader('Vary', 'cookie');
        res.end('ok');
      },
      '/cache-control': (req, res) => {
        req.session.set('n', 1);
        res.setHeader('Cache-Control', cacheControlOf(req));
        res.end('ok');
      },
      '/cache-control-list': (req, res) => {
        req.session.set('n', 1);
        res.setHeader('Cache-Control', cacheControlOf(req).split(', '));
        res.end('ok');
      },
      '/cache-control-head': (req, res) => {
        req.session.set('n', 1);
        res.writeHead(200, { 'cache-control': cacheControlOf(req) });
        res.end('ok');
      },
      '/cache-control-head-array': (req, res) => {
        req.session.set('n', 1);
        res.writeHead(200, ['Cache-Control', cacheControlOf(req)]);
        res.end('ok');
      },
      '/cache-control-read': (req, res) => {
        req.session.get('n');
        res.setHeader('Cache-Control', cacheControlOf(req));
        res.end('ok');
      },
      '/read': (req, res) => {
        req.session.get('n');
        res.end('ok');
      },
      '/untouched': (_req, res) => {
        res.end('ok');
      },
    });

    it('keeps the app Set-Cookie headers set with setHeader, array or string', async () => {
      const response = await server.fetch('/set-header');
      const cookies = response.headers.getSetCookie();
      assert.deepEqual(cookies.slice(0, 2), ['a=1; Path=/', 'b=2; Path=/']);
      assert.equal(cookies.length, 3);
      assert.ok(cookies[2]?.startsWith('sid='));
      assert.equal(response.headers.get('vary'), 'Accept-Encoding, Cookie');
      const single = (await server.fetch('/set-header-string')).headers.getSetCookie();
      assert.equal(single[0], 'a=1; Path=/');
      assert.ok(single[1]?.startsWith('sid='));
    });

    it('keeps Set-Cookie and Vary passed to writeHead', async () => {
      const response = await server.fetch('/write-head');
      const cookies = response.headers.getSetCookie();
      assert.equal(cookies[0], 'c=3; Path=/');
      assert.ok(cookies[1]?.startsWith('sid='));
      assert.equal(response.headers.get('vary'), 'Origin, Cookie');
      assert.equal(response.headers.get('cache-control'), 'private, no-store');
      const withMessage = await server.fetch('/write-head-status-message');
      assert.equal(withMessage.statusText, 'Fine');
      assert.deepEqual(withMessage.headers.getSetCookie().slice(0, 2), ['d=4', 'e=5']);
      assert.ok(withMessage.headers.getSetCookie()[2]?.startsWith('sid='));
    });

    it('does not modify a headers object the app passes to writeHead, even a frozen or shared one', async () => {
      const first = await server.fetch('/write-head-frozen');
      assert.equal(first.status, 200);
      assert.equal(first.headers.getSetCookie()[0], 'theme=dark; Path=/');
      assert.ok(first.headers.getSetCookie()[1]?.startsWith('sid='));
      assert.equal(first.headers.get('vary'), 'Accept, Cookie');
      for (let i = 0; i < 2; i++) {
        const response = await server.fetch('/write-head-shared');
        assert.equal(response.headers.getSetCookie().length, 2, "one app cookie and one session cookie, never a previous visitor's");
      }
      assert.deepEqual(mutableShared, { 'Set-Cookie': ['theme=dark; Path=/'], 'Content-Type': 'text/plain' });
      for (let i = 0; i < 2; i++) assert.equal((await server.fetch('/set-header-shared')).headers.getSetCookie().length, 2);
      assert.deepEqual(sharedCookies, ['lang=en; Path=/']);
    });

    it('keeps Set-Cookie and Vary passed to writeHead as a flat array', async () => {
      const response = await server.fetch('/write-head-array');
      const cookies = response.headers.getSetCookie();
      assert.deepEqual(cookies.slice(0, 2), ['f=6', 'g=7']);
      assert.ok(cookies[2]?.startsWith('sid='), JSON.stringify(cookies));
      assert.equal(response.headers.get('vary'), 'Accept, Cookie');
    });

    it('adds Cookie to a Vary list, once', async () => {
      assert.equal((await server.fetch('/vary-list')).headers.get('vary'), 'Accept, Origin, Cookie');
      assert.equal((await server.fetch('/vary-cookie')).headers.get('vary'), 'cookie');
    });

    const CACHE_ROUTES = ['/cache-control', '/cache-control-list', '/cache-control-head', '/cache-control-head-array'];

    it("replaces a Cache-Control that lets a shared cache keep a cookie-setting response, however the app set it, and reports the app's value", async () => {
      for (const route of CACHE_ROUTES) {
        for (const value of ['public, max-age=600', 's-maxage=60', 'max-age=0', 'no-cache']) {
          events.length = 0;
          const response = await server.fetch(`${route}?cc=${encodeURIComponent(value)}`);
          assert.ok(cookieOf(response), route);
          assert.equal(response.headers.get('cache-control'), 'private, no-store', `${route} ${value}`);
          assert.deepEqual(replaced(), [{ type: 'cache-control-replaced', previous: value }], `${route} ${value}`);
        }
      }
    });

    it("keeps an app's private or no-store Cache-Control on a cookie-setting response, and the app's public one on a response without a cookie", async () => {
      for (const route of CACHE_ROUTES) {
        for (const value of ['private, max-age=60', 'no-store']) {
          events.length = 0;
          const response = await server.fetch(`${route}?cc=${encodeURIComponent(value)}`);
          assert.ok(cookieOf(response), route);
          assert.equal(response.headers.get('cache-control'), value, route);
          assert.deepEqual(replaced(), [], route);
        }
      }
      const read = await server.fetch(`/cache-control-read?cc=${encodeURIComponent('public, max-age=600')}`);
      assert.deepEqual(read.headers.getSetCookie(), []);
      assert.equal(read.headers.get('cache-control'), 'public, max-age=600');
      assert.deepEqual(replaced(), []);
    });

    it('sets Cache-Control only with a cookie', async () => {
      const written = await server.fetch('/set-header');
      assert.equal(written.headers.get('cache-control'), 'private, no-store');
      const read = await server.fetch('/read');
      assert.equal(read.headers.get('cache-control'), null);
      assert.equal(read.headers.get('vary'), 'Cookie');
      assert.deepEqual(read.headers.getSetCookie(), []);
    });

    it('adds nothing to a response that never touched the session', async () => {
      const response = await server.fetch('/untouched', { headers: { cookie: 'sid=whatever' } });
      assert.equal(response.headers.get('vary'), null);
      assert.equal(response.headers.get('cache-control'), null);
      assert.deepEqual(response.headers.getSetCookie(), []);
    });
  });

  describe('streaming', () => {
    const sessions = createSessions({ store: slowStore(30) });
    const server = app(sessions, {
      '/stream': async (req, res) => {
        req.session.set('streamed', true);
        res.write('one,');
        res.write('two,');
        await delay(5);
        res.write(Buffer.from('three,'));
        res.end('four');
      },
      '/flush': (req, res) => {
        req.session.set('flushed', true);
        res.setHeader('Content-Type', 'text/plain');
        res.flushHeaders();
        res.end('done');
      },
    });

    it('keeps the order of writes made while the commit runs', async () => {
      const response = await server.fetch('/stream');
      assert.equal(await response.text(), 'one,two,three,four');
      assert.ok(cookieOf(response));
    });

    it('commits before flushHeaders sends the head', async () => {
      const response = await server.fetch('/flush');
      assert.ok(cookieOf(response));
      assert.equal(await response.text(), 'done');
    });
  });

  describe('store failures', () => {
    const failing = app(createSessions({ store: downStore }), {
      '/': (req, res) => res.end(String(req.session.get('n'))),
      '/write': (req, res) => {
        req.session.set('n', 1);
        res.setHeader('X-App', 'yes');
        res.end('written');
      },
    });
    const anonymous = app(
      createSessions({ store: downStore }),
      {
        '/': (req, res) => {
          req.session.set('n', 1);
          res.end(`anonymous:${req.session.get('n')}`);
        },
      },
      { onStoreError: 'anonymous' },
    );

    it('answers 503 with the JSON body when the store fails on load', async () => {
      const response = await failing.fetch('/', { headers: { cookie: `sid=${'A'.repeat(43)}` } });
      assert.equal(response.status, 503);
      assert.equal(response.headers.get('content-type'), 'application/json');
      assert.equal(response.headers.get('cache-control'), 'no-store');
      assert.equal(response.headers.get('retry-after'), '1');
      assert.equal(await response.text(), STORE_DOWN_BODY);
      assert.equal((failing.errors.at(-1) as { code?: string }).code, 'ERR_STORE');
    });

    const throwing = app(
      createSessions({ store: downStore }),
      { '/': (req, res) => res.end(String(req.session.get('n'))) },
      {
        onError: () => {
          throw new Error('the logger is down');
        },
      },
    );

    it('still answers 503 when onError itself throws, and nothing reaches the process', async () => {
      const unhandled: unknown[] = [];
      const onUnhandled = (reason: unknown) => unhandled.push(reason);
      process.on('unhandledRejection', onUnhandled);
      try {
        const response = await throwing.fetch('/', { headers: { cookie: `sid=${'A'.repeat(43)}` } });
        assert.equal(response.status, 503);
        assert.equal(await response.text(), STORE_DOWN_BODY);
        await new Promise((resolve) => setTimeout(resolve, 20));
        assert.deepEqual(unhandled, []);
      } finally {
        process.off('unhandledRejection', onUnhandled);
      }
    });

    it('answers 503 instead of the app response when the store fails on commit', async () => {
      const response = await failing.fetch('/write');
      assert.equal(response.status, 503);
      assert.equal(response.headers.get('x-app'), null);
      assert.deepEqual(response.headers.getSetCookie(), []);
      assert.equal(await response.text(), STORE_DOWN_BODY);
    });

    it('serves an unsaved anonymous session with onStoreError: "anonymous"', async () => {
      const response = await anonymous.fetch('/', { headers: { cookie: `sid=${'A'.repeat(43)}` } });
      assert.equal(response.status, 200);
      assert.equal(await response.text(), 'anonymous:1');
      assert.deepEqual(response.headers.getSetCookie(), []);
    });
  });

  describe('handler errors', () => {
    const sessions = createSessions({ secret: SECRET });
    const server = app(sessions, {
      '/throw': () => {
        throw new Error('handler bug');
      },
      '/reject': async (req) => {
        req.session.set('n', 1);
        await delay(1);
        throw new Error('async handler bug');
      },
      '/too-big': (req, res) => {
        req.session.set('blob', 'x'.repeat(5000));
        res.end('never');
      },
      '/ok': (_req, res) => res.end('still up'),
    });

    it('answers 500 for a handler that throws, and keeps serving', async () => {
      const response = await server.fetch('/throw');
      assert.equal(response.status, 500);
      assert.equal(await response.text(), '{"error":"internal_server_error"}');
      assert.equal((server.errors.at(-1) as Error).message, 'handler bug');
      const rejected = await server.fetch('/reject');
      assert.equal(rejected.status, 500);
      assert.equal(await (await server.fetch('/ok')).text(), 'still up');
    });

    it('answers 500 naming ERR_COOKIE_TOO_LARGE when the session outgrows the cookie', async () => {
      const response = await server.fetch('/too-big');
      assert.equal(response.status, 500);
      assert.deepEqual(await response.json(), { error: 'session_commit_failed', code: 'ERR_COOKIE_TOO_LARGE' });
      assert.equal((server.errors.at(-1) as { code?: string }).code, 'ERR_COOKIE_TOO_LARGE');
      assert.equal(await (await server.fetch('/ok')).text(), 'still up');
    });
  });

  describe('handler errors while a commit is pending', () => {
    const server = app(createSessions({ store: slowStore(20) }), {
      '/bad-status': (req, res) => {
        req.session.set('n', 1);
        res.writeHead(1000);
        res.end();
      },
      '/bad-header': (req, res) => {
        req.session.set('n', 1);
        res.writeHead(200, { 'X-Bad': 'line\nbreak' });
        res.end();
      },
      '/write-after-bad-status': async (req, res) => {
        req.session.set('n', 1);
        res.writeHead(1000);
        await delay(60);
        res.write('dropped');
        res.end();
      },
      '/ok': (_req, res) => res.end('still up'),
    });

    it('answers 500 for an invalid writeHead replayed after the commit, without crashing', async () => {
      assert.equal((await server.fetch('/bad-status')).status, 500);
      assert.equal((await server.fetch('/bad-header')).status, 500);
      assert.equal(server.errors.length, 2);
      assert.equal(await (await server.fetch('/ok')).text(), 'still up');
    });

    it('drops what the handler writes after its invalid call was answered with a 500', async () => {
      const response = await server.fetch('/write-after-bad-status');
      assert.equal(response.status, 500);
      assert.equal(await response.text(), '{"error":"internal_server_error"}');
      await delay(80);
      assert.equal(await (await server.fetch('/ok')).text(), 'still up');
    });
  });

  describe('writes after a failed commit', () => {
    let fail = false;
    const inner = memoryStore();
    const store: SessionStore = {
      get: (key) => inner.get(key),
      set: async (key, record, ttl) => {
        await delay(10);
        if (fail) throw new Error('down');
        return inner.set(key, record, ttl);
      },
      destroy: (key) => inner.destroy(key),
      touch: (key, lastSeenAt, ttl) => inner.touch(key, lastSeenAt, ttl),
      patch: (key, patch, ttl) => inner.patch(key, patch, ttl),
    };
    const server = app(createSessions({ store }), {
      '/stream': async (req, res) => {
        req.session.set('n', 1);
        res.write('a');
        await delay(40);
        res.write('b');
        res.end('c');
      },
      '/ok': (_req, res) => res.end('still up'),
    });

    it('answers 503 and drops what the handler writes afterwards', async () => {
      fail = true;
      const response = await server.fetch('/stream');
      assert.equal(response.status, 503);
      assert.equal(await response.text(), STORE_DOWN_BODY);
      await delay(60);
      fail = false;
      assert.equal(await (await server.fetch('/ok')).text(), 'still up');
    });
  });

  describe('attachSession and sendStoreFailure', () => {
    const sessions = createSessions({ secret: SECRET });
    let server: TestServer;
    before(async () => {
      server = await serve(async (req, res) => {
        const session = await attachSession(sessions, req, res);
        session.set('via', 'attach');
        res.end(String((req as SessionRequest).session === session));
      });
    });
    after(() => server.close());

    it('puts the session on req.session and commits it before the response', async () => {
      const response = await fetch(`${server.url}/`);
      assert.equal(await response.text(), 'true');
      assert.ok(cookieOf(response));
    });

    it('sendStoreFailure rethrows anything that is not a StoreError', () => {
      assert.throws(() => sendStoreFailure({} as ServerResponse, new TypeError('nope')), TypeError);
    });
  });

  describe('lazy decoding', () => {
    let decodes = 0;
    const base = createSessions({ secret: SECRET });
    const codec = base.options.codec as Codec;
    const sessions = createSessions({
      codec: {
        kind: codec.kind,
        encode: (e) => codec.encode(e),
        decode: (v, n) => {
          decodes++;
          return codec.decode(v, n);
        },
      },
    });
    const server = app(sessions, {
      '/write': (req, res) => {
        req.session.set('n', 1);
        res.end('ok');
      },
      '/public': (_req, res) => res.end('public'),
    });

    it('decodes nothing and sends no Vary for a request that never reads its session', async () => {
      const cookie = responsePair(await server.fetch('/write'));
      decodes = 0;
      const response = await server.fetch('/public', { headers: { cookie } });
      assert.equal(await response.text(), 'public');
      assert.equal(response.headers.get('vary'), null);
      assert.equal(decodes, 0);
    });
  });

  describe('a Sessions object not made by createSessions', () => {
    const made = createSessions({ secret: SECRET });
    const calls: string[] = [];
    // A wrapper written by hand: it has only the documented members, so the adapter must use them.
    const wrapped: Sessions = {
      options: made.options,
      mode: made.mode,
      load: (header) => {
        calls.push(`load ${header ?? ''}`);
        return made.load(header);
      },
      commit: (session) => {
        calls.push('commit');
        return made.commit(session);
      },
      listByUser: (userId) => made.listByUser(userId),
      destroyByUser: (userId, options) => made.destroyByUser(userId, options),
    };
    const server = app(wrapped, {
      '/write': (req, res) => {
        req.session.set('n', 1);
        res.end('ok');
      },
      // The write call is looked up before its argument first reads the session: the commit, a
      // promise here, must still come before the head.
      '/read': (req, res) => res.end(String(req.session.get('n'))),
    });

    it('is served through its public load and commit, the response waiting for the commit', async () => {
      const cookie = responsePair(await server.fetch('/write'));
      assert.equal(await (await server.fetch('/read', { headers: { cookie } })).text(), '1');
      assert.deepEqual(calls, ['load ', 'commit', `load ${cookie}`, 'commit']);
    });
  });
});
