import assert from 'node:assert/strict';
import type { Server } from 'node:http';
import { after, describe, it } from 'node:test';
import { createAdaptorServer } from '@hono/node-server';
import { createSessions, type SessionStore, StoreError } from 'hallpass';
import { type AdapterOptions, honoSession, type SessionEnv } from 'hallpass/hono';
import { Hono } from 'hono';
import { setCookie } from 'hono/cookie';
import { stream } from 'hono/streaming';
import { cookiePair } from '../support/cookies.js';
import { call } from '../support/http.js';
import { exampleSuite } from './contract/example.js';
import { listen, type Running } from './contract/listen.js';
import { delayedStore, failingStore, now, SECRET, STORE_DOWN, TOKEN_COOKIE } from './contract/stores.js';
import { assertLoginWaitsForSave } from './contract/waits-for-save.js';

type Data = { user_id: string; cart: string[] };
const running: Running[] = [];
after(() => Promise.all(running.map((server) => server.close())));

async function serve(app: Hono<any>): Promise<string> {
  const server = await listen(createAdaptorServer({ fetch: app.fetch }) as Server);
  running.push(server);
  return server.url;
}

const cookieSessions = () => createSessions({ secret: SECRET, now });

describe('hallpass/hono', () => {
  it('saves the session before the response leaves, also when store writes take 100 ms', async () => {
    const app = new Hono<SessionEnv<Data>>();
    app.use(honoSession(createSessions<Data>({ store: delayedStore(100), now })));
    app.post('/login', (c) => {
      const session = c.get('session');
      session.regenerate();
      session.set('user_id', 'alice');
      return c.redirect('/', 303);
    });
    app.get('/', (c) => c.json({ user: c.get('session').get('user_id') ?? null }));
    const url = await serve(app);
    await assertLoginWaitsForSave(url);
  });

  it("merges its headers with the app's: every Set-Cookie survives, Vary is extended, an app's private Cache-Control stays", async () => {
    const app = new Hono<SessionEnv>();
    app.use(honoSession(cookieSessions()));
    app.get('/merge', (c) => {
      setCookie(c, 'theme', 'dark', { path: '/' });
      c.header('Set-Cookie', 'lang=en; Path=/', { append: true });
      c.header('Vary', 'Accept-Encoding');
      c.get('session').set('seen', true);
      return c.json({ ok: true });
    });
    app.get('/own-cache', (c) => {
      c.get('session').set('seen', true);
      return c.json({ ok: true }, 200, { 'Cache-Control': 'private, no-cache' });
    });
    app.get('/immutable', (c) => {
      c.get('session').set('seen', true);
      return Response.redirect('http://example.com/', 302);
    });
    const url = await serve(app);
    const merged = await call(url, 'GET', '/merge');
    assert.deepEqual(merged.setCookies.slice(0, 2), ['theme=dark; Path=/', 'lang=en; Path=/']);
    assert.equal(merged.setCookies.length, 3);
    assert.match(merged.setCookies[2] as string, /^sid=[^;]+; Path=\/; Max-Age=86400; HttpOnly; Secure; SameSite=Lax$/);
    assert.equal(merged.headers.get('vary'), 'Accept-Encoding, Cookie');
    assert.equal(merged.headers.get('cache-control'), 'private, no-store');
    assert.equal((await call(url, 'GET', '/own-cache')).headers.get('cache-control'), 'private, no-cache');
    const redirect = await call(url, 'GET', '/immutable');
    assert.equal(redirect.status, 302);
    assert.equal(redirect.headers.get('location'), 'http://example.com/');
    assert.equal(redirect.setCookies.length, 1, 'a Response with immutable headers still gets the cookie');
  });

  it('carries the cookie on streamed responses', async () => {
    const app = new Hono<SessionEnv>();
    app.use(honoSession(cookieSessions()));
    app.get('/body', (c) => {
      c.get('session').set('streamed', 'body');
      const body = new ReadableStream({
        start(controller) {
          controller.enqueue(new TextEncoder().encode('first '));
          setTimeout(() => {
            controller.enqueue(new TextEncoder().encode('last'));
            controller.close();
          }, 20);
        },
      });
      return c.body(body, 200, { 'Content-Type': 'text/plain' });
    });
    app.get('/helper', (c) => {
      c.get('session').set('streamed', 'helper');
      c.header('Content-Type', 'text/plain');
      return stream(c, async (out) => {
        await out.write('first ');
        await out.sleep(20);
        await out.write('last');
      });
    });
    const url = await serve(app);
    for (const path of ['/body', '/helper']) {
      const answer = await call(url, 'GET', path);
      assert.equal(answer.body, 'first last');
      assert.equal(answer.setCookies.length, 1, path);
      assert.equal((await cookieSessions().load(cookiePair(answer.setCookies[0]))).get('streamed'), path.slice(1));
    }
  });

  it('types c.get("session") through SessionEnv', async () => {
    const app = new Hono<SessionEnv<Data>>();
    app.use(honoSession(createSessions<Data>({ secret: SECRET, now })));
    app.get('/', (c) => {
      const cart: string[] = c.get('session').get('cart', []);
      // @ts-expect-error: not a key of Data
      c.get('session').get('nope');
      return c.json({ cart });
    });
    assert.deepEqual((await call(await serve(app), 'GET', '/')).body, { cart: [] });
  });
});

describe('hallpass/hono store failures', () => {
  function appWith(store: SessionStore, options: AdapterOptions = {}) {
    const app = new Hono<SessionEnv>();
    app.use(honoSession(createSessions({ store, now }), options));
    app.get('/', (c) => {
      const session = c.get('session');
      session.set('visits', 1);
      return c.json({ anonymous: session.isNew });
    });
    return app;
  }

  it("answers 503 JSON through Hono's default error handler when the store cannot be read", async () => {
    const answer = await call(await serve(appWith(failingStore('get'))), 'GET', '/', { cookie: TOKEN_COOKIE });
    assert.equal(answer.status, 503);
    assert.deepEqual(answer.body, STORE_DOWN);
    assert.equal(answer.headers.get('retry-after'), '1');
  });

  it('answers 503 when the store cannot be written, without a session cookie', async () => {
    const answer = await call(await serve(appWith(failingStore('set'))), 'GET', '/');
    assert.equal(answer.status, 503);
    assert.deepEqual(answer.body, STORE_DOWN);
    assert.deepEqual(answer.setCookies, []);
  });

  it('hands the StoreError to app.onError', async () => {
    const app = appWith(failingStore('get'));
    app.onError((error, c) => {
      assert.ok(error instanceof StoreError);
      return c.json({ custom: error.code }, 503);
    });
    const answer = await call(await serve(app), 'GET', '/', { cookie: TOKEN_COOKIE });
    assert.equal(answer.status, 503);
    assert.deepEqual(answer.body, { custom: 'ERR_STORE' });
  });

  it('serves an anonymous session that is never saved with onStoreError: "anonymous"', async () => {
    const answer = await call(await serve(appWith(failingStore('get'), { onStoreError: 'anonymous' })), 'GET', '/', {
      cookie: TOKEN_COOKIE,
    });
    assert.equal(answer.status, 200);
    assert.deepEqual(answer.body, { anonymous: true });
    assert.deepEqual(answer.setCookies, []);
  });
});

describe('examples/hono', () => {
  exampleSuite('hono', it);
});
