import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { Readable } from 'node:stream';
import { after, describe, it } from 'node:test';
import { createSessions, type SessionStore, StoreError } from 'hallpass';
import { getSession, type KoaSessionOptions, koaSession } from 'hallpass/koa';
import Koa from 'koa';
import koa2 from 'koa2';
import { cookiePair } from '../support/cookies.js';
import { call } from '../support/http.js';
import { exampleSuite } from './contract/example.js';
import { listen, type Running } from './contract/listen.js';
import { delayedStore, failingStore, now, SECRET, STORE_DOWN, TOKEN_COOKIE } from './contract/stores.js';
import { assertLoginWaitsForSave } from './contract/waits-for-save.js';

type Data = { user_id: string; cart: string[] };
const running: Running[] = [];
after(() => Promise.all(running.map((server) => server.close())));

async function serve(app: Koa<any, any>): Promise<string> {
  const server = await listen(createServer(app.callback()));
  running.push(server);
  return server.url;
}

const cookieSessions = () => createSessions({ secret: SECRET, now });

for (const [name, framework] of [
  ['Koa 2', koa2],
  ['Koa 3', Koa],
] as const) {
  describe(`hallpass/koa on ${name}`, () => {
    it('saves the session before the redirect leaves, also when store writes take 100 ms', async () => {
      const app = new framework().use(koaSession(createSessions<Data>({ store: delayedStore(100), now })));
      app.use((ctx) => {
        if (ctx.method === 'POST') {
          ctx.session.regenerate();
          ctx.session.set('user_id', 'alice');
          ctx.status = 303;
          ctx.redirect('/');
        } else ctx.body = { user: ctx.session.get('user_id') ?? null };
      });
      const url = await serve(app);
      await assertLoginWaitsForSave(url);
    });

    it("merges its headers with the app's: every Set-Cookie survives, Vary is extended, an app's private Cache-Control stays", async () => {
      const app = new framework().use(koaSession(cookieSessions()));
      app.use((ctx) => {
        ctx.session.set('seen', true);
        if (ctx.path === '/own-cache') ctx.set('Cache-Control', 'private, no-cache');
        ctx.cookies.set('theme', 'dark', { httpOnly: false });
        ctx.append('Set-Cookie', 'lang=en; Path=/');
        ctx.vary('Accept-Encoding');
        ctx.body = { ok: true };
      });
      const url = await serve(app);
      const merged = await call(url, 'GET', '/merge');
      assert.deepEqual(merged.setCookies.slice(0, 2), ['theme=dark; path=/', 'lang=en; Path=/']);
      assert.equal(merged.setCookies.length, 3);
      assert.match(merged.setCookies[2] as string, /^sid=[^;]+; Path=\/; Max-Age=86400; HttpOnly; Secure; SameSite=Lax$/);
      assert.equal(merged.headers.get('vary'), 'Accept-Encoding, Cookie');
      assert.equal(merged.headers.get('cache-control'), 'private, no-store');
      assert.equal((await call(url, 'GET', '/own-cache')).headers.get('cache-control'), 'private, no-cache');
    });

    it('carries the cookie on a streamed ctx.body', async () => {
      const app = new framework().use(koaSession(cookieSessions()));
      app.use((ctx) => {
        ctx.session.set('streamed', true);
        ctx.type = 'text/plain';
        ctx.body = Readable.from(
          (async function* () {
            yield 'first ';
            await new Promise((resolve) => setTimeout(resolve, 20));
            yield 'last';
          })(),
        );
      });
      const answer = await call(await serve(app), 'GET', '/');
      assert.equal(answer.body, 'first last');
      assert.equal(answer.setCookies.length, 1);
      assert.equal((await cookieSessions().load(cookiePair(answer.setCookies[0]))).get('streamed'), true);
    });

    it('reports a cookie it could not set because the app wrote to ctx.res itself', async () => {
      const errors: unknown[] = [];
      const app = new framework().use(koaSession(cookieSessions(), { onError: (error) => errors.push(error) }));
      app.use((ctx) => {
        ctx.session.set('lost', true);
        ctx.respond = false;
        ctx.res.end('raw');
      });
      assert.equal((await call(await serve(app), 'GET', '/')).body, 'raw');
      assert.equal(errors.length, 1);
      assert.equal((errors[0] as { code: string }).code, 'ERR_SESSION_STATE');
      assert.match(String((errors[0] as Error).message), /ctx\.res/);
    });
  });
}

describe('hallpass/koa store failures', () => {
  function appWith(store: SessionStore, options: KoaSessionOptions = {}, upstream?: Koa.Middleware) {
    const app = new Koa();
    app.silent = true;
    if (upstream) app.use(upstream);
    app.use(koaSession(createSessions({ store, now }), options));
    app.use((ctx) => {
      ctx.session.set('visits', 1);
      ctx.body = { anonymous: ctx.session.isNew };
    });
    return app;
  }

  it('answers 503 JSON and emits the error on the app when the store cannot be read', async () => {
    const app = appWith(failingStore('get'));
    const emitted: unknown[] = [];
    app.on('error', (error) => emitted.push(error));
    const answer = await call(await serve(app), 'GET', '/', { cookie: TOKEN_COOKIE });
    assert.equal(answer.status, 503);
    assert.deepEqual(answer.body, STORE_DOWN);
    assert.equal(answer.headers.get('retry-after'), '1');
    assert.equal(emitted.length, 1);
    assert.ok(emitted[0] instanceof StoreError);
  });

  it('answers 503 when the store cannot be written, without the cookies the app set', async () => {
    const app = appWith(failingStore('set'));
    const answer = await call(await serve(app), 'GET', '/');
    assert.equal(answer.status, 503);
    assert.deepEqual(answer.body, STORE_DOWN);
    assert.deepEqual(answer.setCookies, []);
  });

  it('throws the StoreError (status 503) to upstream middleware with onStoreError: "throw"', async () => {
    let seen: unknown;
    const app = appWith(failingStore('get'), { onStoreError: 'throw' }, async (ctx, next) => {
      try {
        await next();
      } catch (error) {
        seen = error;
        ctx.status = (error as { status: number }).status;
        ctx.body = { handled: true };
      }
    });
    const answer = await call(await serve(app), 'GET', '/', { cookie: TOKEN_COOKIE });
    assert.equal(answer.status, 503);
    assert.deepEqual(answer.body, { handled: true });
    assert.ok(seen instanceof StoreError);
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

describe('hallpass/koa typing', () => {
  it('carries Session<Data> on ctx.session through app.use', async () => {
    const app = new Koa().use(koaSession(createSessions<Data>({ secret: SECRET, now })));
    app.use((ctx) => {
      const cart: string[] = ctx.session.get('cart', []);
      // @ts-expect-error: not a key of Data
      ctx.session.get('nope');
      ctx.body = { cart, same: getSession<Data>(ctx) === ctx.session };
    });
    assert.deepEqual((await call(await serve(app), 'GET', '/')).body, { cart: [], same: true });
  });

  it('getSession names the fix when the middleware did not run', () => {
    assert.throws(() => getSession({}), { code: 'ERR_SESSION_STATE', message: /app\.use\(koaSession\(sessions\)\)/ });
  });
});

describe('examples/koa', () => {
  exampleSuite('koa', it);
});
