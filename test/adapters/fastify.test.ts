import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { after, describe, it } from 'node:test';
import fastifyCookie from '@fastify/cookie';
import Fastify, { type FastifyInstance } from 'fastify';
import { createSessions, type Session, type SessionStore, StoreError } from 'hallpass';
import { type AdapterOptions, fastifySession, getSession } from 'hallpass/fastify';
import { cookiePair } from '../support/cookies.js';
import { call } from '../support/http.js';
import { exampleSuite } from './contract/example.js';
import { delayedStore, failingStore, now, SECRET, TOKEN_COOKIE } from './contract/stores.js';
import { assertLoginWaitsForSave } from './contract/waits-for-save.js';

type Data = { user_id: string; cart: string[] };
const apps: FastifyInstance[] = [];
after(() => Promise.all(apps.map((app) => app.close())));

async function serve(app: FastifyInstance): Promise<string> {
  apps.push(app);
  return app.listen({ port: 0, host: '127.0.0.1' });
}

const cookieSessions = () => createSessions({ secret: SECRET, now });

describe('hallpass/fastify', () => {
  it('saves the session before the reply leaves, also when store writes take 100 ms', async () => {
    const app = Fastify();
    await app.register(fastifySession(createSessions<Data>({ store: delayedStore(100), now })));
    app.post('/login', async (request, reply) => {
      const session = getSession<Data>(request);
      session.regenerate();
      session.set('user_id', 'alice');
      return reply.redirect('/', 303);
    });
    app.get('/', async (request) => ({ user: getSession<Data>(request).get('user_id') ?? null }));
    const url = await serve(app);
    await assertLoginWaitsForSave(url);
  });

  it("merges its headers with the app's: every Set-Cookie survives, Vary is extended, an app's private Cache-Control stays", async () => {
    const app = Fastify();
    await app.register(fastifyCookie);
    await app.register(fastifySession(cookieSessions()));
    app.get('/merge', async (request, reply) => {
      reply.header('set-cookie', 'lang=en; Path=/');
      reply.setCookie('theme', 'dark', { path: '/' });
      reply.header('vary', 'Accept-Encoding');
      getSession(request).set('seen', true);
      return { ok: true };
    });
    app.get('/own-cache', async (request, reply) => {
      reply.header('cache-control', 'private, no-cache');
      getSession(request).set('seen', true);
      return { ok: true };
    });
    const url = await serve(app);
    const merged = await call(url, 'GET', '/merge');
    assert.equal(merged.setCookies.length, 3, JSON.stringify(merged.setCookies));
    assert.ok(merged.setCookies.includes('lang=en; Path=/'));
    assert.ok(merged.setCookies.includes('theme=dark; Path=/; SameSite=Lax'));
    assert.equal(
      merged.setCookies.filter((cookie) => /^sid=[^;]+; Path=\/; Max-Age=86400; HttpOnly; Secure; SameSite=Lax$/.test(cookie)).length,
      1,
    );
    assert.equal(merged.headers.get('vary'), 'Accept-Encoding, Cookie');
    assert.equal(merged.headers.get('cache-control'), 'private, no-store');
    assert.equal((await call(url, 'GET', '/own-cache')).headers.get('cache-control'), 'private, no-cache');
  });

  it('carries the cookie on a reply sent from a hook and on a streamed reply', async () => {
    const app = Fastify();
    await app.register(fastifySession(cookieSessions()));
    app.get('/from-hook', {
      preHandler: async (request, reply) => {
        getSession(request).set('early', true);
        return reply.send({ early: true });
      },
      handler: async () => ({ early: false }),
    });
    app.get('/stream', async (request, reply) => {
      getSession(request).set('streamed', true);
      return reply.type('text/plain').send(Readable.from(['first ', 'last']));
    });
    const url = await serve(app);
    const early = await call(url, 'GET', '/from-hook');
    assert.deepEqual(early.body, { early: true });
    assert.equal(early.setCookies.length, 1);
    const streamed = await call(url, 'GET', '/stream');
    assert.equal(streamed.body, 'first last');
    assert.equal(streamed.setCookies.length, 1);
    assert.equal((await cookieSessions().load(cookiePair(streamed.setCookies[0]))).get('streamed'), true);
  });

  it('reports changes it could not save because the reply was hijacked', async () => {
    const errors: unknown[] = [];
    const app = Fastify();
    await app.register(fastifySession(cookieSessions(), { onError: (error) => errors.push(error) }));
    app.get('/raw', async (request, reply) => {
      getSession(request).set('lost', true);
      reply.hijack();
      reply.raw.end('raw');
    });
    const url = await serve(app);
    assert.equal((await call(url, 'GET', '/raw')).body, 'raw');
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(errors.length, 1);
    assert.match(String((errors[0] as Error).message), /reply\.hijack\(\)/);
    assert.equal((errors[0] as { code: string }).code, 'ERR_SESSION_STATE');
  });

  it('is visible to the routes of the whole app, child plugins included', async () => {
    const app = Fastify();
    await app.register(fastifySession(cookieSessions()));
    app.get('/', async (request) => ({ isNew: getSession(request).isNew }));
    await app.register(
      async (child) => {
        child.post('/visit', async (request) => {
          getSession(request).set('visited', true);
          return { ok: true };
        });
      },
      { prefix: '/child' },
    );
    const url = await serve(app);
    assert.deepEqual((await call(url, 'GET', '/')).body, { isNew: true });
    assert.equal((await call(url, 'POST', '/child/visit')).setCookies.length, 1);
  });

  it('getSession names the fix when the plugin is not registered', () => {
    assert.throws(() => getSession({}), { code: 'ERR_SESSION_STATE', message: /app\.register\(fastifySession\(sessions\)\)/ });
  });

  it('types the session by the data shape given to getSession', async () => {
    const app = Fastify();
    await app.register(fastifySession(createSessions<Data>({ secret: SECRET, now })));
    app.get('/', async (request) => {
      const session: Session<Data> = getSession<Data>(request);
      // @ts-expect-error: not a key of Data
      session.get('nope');
      return { cart: session.get('cart', []) };
    });
    const url = await serve(app);
    assert.deepEqual((await call(url, 'GET', '/')).body, { cart: [] });
  });
});

describe('hallpass/fastify store failures', () => {
  const PUBLIC = {
    statusCode: 503,
    code: 'ERR_STORE',
    error: 'Service Unavailable',
    message: 'The session store is unavailable; please try again shortly.',
  };
  async function appWith(store: SessionStore, options: AdapterOptions = {}, setup?: (app: FastifyInstance) => void) {
    const app = Fastify();
    setup?.(app);
    await app.register(fastifySession(createSessions({ store, now }), options));
    app.get('/', async (request) => {
      const session = getSession(request);
      session.set('visits', 1);
      return { anonymous: session.isNew };
    });
    return app;
  }

  it("answers 503 JSON through Fastify's error handler when the store cannot be read", async () => {
    const answer = await call(await serve(await appWith(failingStore('get'))), 'GET', '/', { cookie: TOKEN_COOKIE });
    assert.equal(answer.status, 503);
    assert.deepEqual(answer.body, PUBLIC, 'the store error text (a host and port) is not shown');
    assert.equal(answer.headers.get('retry-after'), '1');
  });

  it('answers 503 when the store cannot be written, without a session cookie', async () => {
    const answer = await call(await serve(await appWith(failingStore('set'))), 'GET', '/');
    assert.equal(answer.status, 503);
    assert.deepEqual(answer.body, PUBLIC);
    assert.deepEqual(answer.setCookies, []);
  });

  it('lets setErrorHandler shape the failure, with the StoreError and its cause', async () => {
    const app = await appWith(failingStore('get'), {}, (app) =>
      app.setErrorHandler(async (error, _request, reply) => {
        assert.ok(error instanceof StoreError);
        assert.match(String((error.cause as Error).message), /ECONNREFUSED/);
        return reply.code(503).send({ custom: true });
      }),
    );
    const answer = await call(await serve(app), 'GET', '/', { cookie: TOKEN_COOKIE });
    assert.equal(answer.status, 503);
    assert.deepEqual(answer.body, { custom: true });
  });

  it('serves an anonymous session that is never saved with onStoreError: "anonymous"', async () => {
    const app = await appWith(failingStore('get'), { onStoreError: 'anonymous' });
    const answer = await call(await serve(app), 'GET', '/', { cookie: TOKEN_COOKIE });
    assert.equal(answer.status, 200);
    assert.deepEqual(answer.body, { anonymous: true });
    assert.deepEqual(answer.setCookies, []);
  });
});

describe('examples/fastify', () => {
  exampleSuite('fastify', it);
});
