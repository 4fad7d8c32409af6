/**
 * The bearer middleware of every framework over real HTTP: the same requests, the same answers.
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { createAdaptorServer } from '@hono/node-server';
import express from 'express';
import Fastify from 'fastify';
import {
  type BearerRequest,
  fastifyBearer,
  fetchBearer,
  honoBearer,
  koaBearer,
  nodeBearer,
  type TokenClaims,
  withBearer,
} from 'hallpass/jwt';
import { Hono } from 'hono';
import Koa from 'koa';
import { frozenClock } from '../support/clock.js';
import { listen, type Running } from '../support/listen.js';
import { AUDIENCE, durableStore, hsTokens, ISSUER, SECRET, spyStore } from './fixtures.js';
import { forge } from './forge.js';

const clock = frozenClock();
const spy = spyStore(durableStore(clock));
const { tokens } = hsTokens({ store: spy.store, storeTimeout: 100 }, clock);
const options = { realm: 'api', onError: () => {} };
let handled = 0;
const reply = (claims: TokenClaims) => {
  handled++;
  return { user: claims.sub };
};

type Start = () => Promise<Running>;
const apps: Record<string, Start> = {
  node: () => listen(createServer(withBearer(tokens, (req, res) => res.end(JSON.stringify(reply(req.auth))), options))),
  express5: async () => {
    const app = express();
    app.get('/me', nodeBearer(tokens, options), (req, res) => {
      res.json(reply((req as unknown as BearerRequest).auth));
    });
    return listen(createServer(app));
  },
  fastify: async () => {
    const app = Fastify();
    app.get('/me', { preHandler: fastifyBearer(tokens, options) }, async (request) =>
      reply((request as unknown as { auth: TokenClaims }).auth),
    );
    await app.ready();
    const running = await listen(app.server);
    return { url: running.url, close: () => app.close() };
  },
  hono: () => {
    const app = new Hono<{ Variables: { auth: TokenClaims } }>();
    app.use('/me', honoBearer(tokens, options));
    app.get('/me', (c) => c.json(reply(c.get('auth'))));
    return listen(createAdaptorServer({ fetch: app.fetch }) as Server);
  },
  koa: () => {
    const app = new Koa<{ auth: TokenClaims }>();
    app.use(koaBearer(tokens, options));
    app.use((ctx) => {
      ctx.body = reply(ctx.state.auth);
    });
    return listen(createServer(app.callback()));
  },
  fetch: () =>
    listen(createAdaptorServer({ fetch: fetchBearer(tokens, (_request, claims) => Response.json(reply(claims)), options) }) as Server),
};

const challenge = (description: string) => `Bearer realm="api", error="invalid_token", error_description="${description}"`;

for (const [name, start] of Object.entries(apps)) {
  describe(`bearer middleware: ${name}`, () => {
    let app: Running;
    before(async () => {
      app = await start();
    });
    after(() => app.close());
    const get = (authorization?: string) => fetch(`${app.url}/me`, { headers: authorization === undefined ? {} : { authorization } });

    it('puts the verified claims on the request', async () => {
      const response = await get(`Bearer ${await tokens.issue({ sub: 'alice' })}`);
      assert.equal(response.status, 200);
      assert.deepEqual(await response.json(), { user: 'alice' });
    });

    it('accepts the scheme in any case', async () => {
      assert.equal((await get(`bearer ${await tokens.issue({ sub: 'alice' })}`)).status, 200);
    });

    it('answers a request without a token with the bare challenge', async () => {
      for (const authorization of [undefined, 'Basic YWxpY2U6c2VjcmV0']) {
        const response = await get(authorization);
        assert.equal(response.status, 401);
        assert.equal(response.headers.get('www-authenticate'), 'Bearer realm="api"');
        assert.equal(response.headers.get('cache-control'), 'no-store');
        assert.deepEqual(await response.json(), { error: 'unauthorized', error_description: 'A bearer token is required' });
      }
    });

    it('answers an invalid token with error="invalid_token" and never echoes it', async () => {
      const expired = forge(
        { alg: 'HS256', kid: 'k1', typ: 'at+jwt' },
        { iss: ISSUER, aud: AUDIENCE, sub: 'alice', iat: clock.seconds - 1000, exp: clock.seconds - 100, jti: 'abcdefghijklmnopqrstuv' },
        { alg: 'HS256', secret: SECRET },
      );
      const cases: Array<[string, string]> = [
        [expired, 'The token has expired'],
        [`${expired.slice(0, -3)}abc`, 'The token signature is invalid'],
        [forge({ alg: 'none', typ: 'at+jwt' }, { sub: 'admin' }, { alg: 'none' }), 'The token algorithm is not allowed'],
        ['not-a-token', 'The token is malformed'],
      ];
      for (const [token, description] of cases) {
        const response = await get(`Bearer ${token}`);
        assert.equal(response.status, 401);
        assert.equal(response.headers.get('www-authenticate'), challenge(description));
        const body = await response.text();
        assert.deepEqual(JSON.parse(body), { error: 'invalid_token', error_description: description });
        assert.ok(!body.includes(token) && !response.headers.get('www-authenticate')!.includes(token));
      }
      const before = handled;
      await get(`Bearer ${expired}`);
      await get();
      assert.equal(handled, before, 'the route ran without a valid token');
      const empty = await get('Bearer ');
      assert.equal(empty.headers.get('www-authenticate'), challenge('The token is malformed'));
    });

    it('refuses a revoked token at once', async () => {
      const token = await tokens.issue({ sub: 'alice' });
      assert.equal((await get(`Bearer ${token}`)).status, 200);
      await tokens.revoke(token);
      const response = await get(`Bearer ${token}`);
      assert.equal(response.status, 401);
      assert.equal(response.headers.get('www-authenticate'), challenge('The token has been revoked'));
    });

    it('answers 503 when the revocation store is down, and recovers', async () => {
      const token = await tokens.issue({ sub: 'alice' });
      spy.mode = 'fail';
      try {
        const response = await get(`Bearer ${token}`);
        assert.equal(response.status, 503);
        assert.equal(response.headers.get('retry-after'), '1');
      } finally {
        spy.mode = 'ok';
      }
      assert.equal((await get(`Bearer ${token}`)).status, 200);
    });
  });
}
