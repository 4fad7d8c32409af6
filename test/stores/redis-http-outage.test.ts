/**
 * `redisHttpStore` when its REST endpoint fails: down (nothing listening), answering 500, refusing
 * the token (401). Over real HTTP through `hallpass/node`: every request is a fast 503 with the
 * documented body, nothing hangs or crashes, the cause says what went wrong, and service resumes
 * by itself when the endpoint is back.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { Redis as UpstashRedis } from '@upstash/redis';
import { createSessions, type SessionStore, StoreError } from 'hallpass';
import { redisHttpStore } from 'hallpass/redis-http';
import { assertFastFailure, startOutageApp, waitForService, warmUp } from '../faults/outage-app.js';
import { type RedisRestServer, startRedisRestServer } from '../support/redis-rest-server.js';
import { freePort } from '../support/redis-server.js';
import { needRedis } from '../support/services.js';

const STORE_TIMEOUT = 300;
/** The store timeout plus scheduling slack on a busy machine; well under a second. */
const FAIL_FAST_MS = STORE_TIMEOUT + 400;
const skip = await needRedis();
const token = randomBytes(24).toString('base64url');
const prefix = { prefix: `hallpass-test:${randomBytes(6).toString('hex')}:` };
const randomToken = () => randomBytes(32).toString('base64url');

const clients = {
  'fetch client': (url: string, secret = token) => redisHttpStore({ url, token: secret }, prefix),
  '@upstash/redis': (url: string, secret = token) =>
    redisHttpStore(new UpstashRedis({ url, token: secret, retry: false, enableTelemetry: false }), prefix),
};

/** The StoreError a load through `store` fails with, and how long it took. */
async function failedLoad(store: SessionStore) {
  const sessions = createSessions({ store, storeTimeout: STORE_TIMEOUT });
  const started = performance.now();
  const error = await sessions.load(`sid=${randomToken()}`).then(
    () => assert.fail('load must reject'),
    (e: unknown) => e,
  );
  assert.ok(error instanceof StoreError, String(error));
  return { error, ms: performance.now() - started };
}

before(warmUp);

describe('redisHttpStore: REST endpoint outages over HTTP', { skip }, () => {
  let rest: RedisRestServer | undefined;
  after(() => rest?.close());

  for (const [label, storeFor] of Object.entries(clients)) {
    it(`${label}: endpoint down, then started: fast 503s, ERR_STORE, then service by itself`, async (t) => {
      const port = await freePort();
      const url = `http://127.0.0.1:${port}`;
      const app = await startOutageApp(storeFor(url), STORE_TIMEOUT);
      t.after(() => app.close());
      for (let i = 0; i < 5; i++) {
        assertFastFailure(await app.request(`/write?k=a&v=${i}`), FAIL_FAST_MS, 'a first visit that writes');
        assertFastFailure(await app.request('/read', randomToken()), FAIL_FAST_MS, 'a visit with a cookie');
      }
      assert.deepEqual(app.storeErrors, Array(10).fill('ERR_STORE'), 'refused connections fail at once, not at the timeout');
      const late = await startRedisRestServer({ token, port });
      t.after(() => late.close());
      const back = await waitForService(app, '/write?k=a&v=up', undefined);
      assert.equal(JSON.parse(back.outcome.body).a, 'up');
    });

    it(`${label}: endpoint answering 500: fast 503s naming the status, then recovery when it heals`, async (t) => {
      rest ??= await startRedisRestServer({ token });
      const server = rest;
      const app = await startOutageApp(storeFor(server.url), STORE_TIMEOUT);
      t.after(() => {
        server.fault = undefined;
        return app.close();
      });
      const first = await app.request('/write?k=kept&v=before');
      assert.equal(first.status, 200);
      server.fault = { status: 500, body: 'Internal Server Error' };
      assertFastFailure(await app.request('/read', first.token), FAIL_FAST_MS, 'a read while the endpoint fails');
      assertFastFailure(await app.request('/write?k=x&v=1', first.token), FAIL_FAST_MS, 'a write while the endpoint fails');
      const { error, ms } = await failedLoad(storeFor(server.url));
      assert.equal(error.code, 'ERR_STORE');
      assert.ok(ms < FAIL_FAST_MS, `${ms.toFixed(0)} ms`);
      // @upstash/redis reports a body that is not JSON without the status; the store keeps that body out of the message.
      assert.match(String((error.cause as Error).message), /500|not JSON/);
      assert.doesNotMatch(String((error.cause as Error).message), /Internal Server Error/);
      server.fault = undefined;
      const back = await waitForService(app, '/read', first.token);
      assert.equal(JSON.parse(back.outcome.body).kept, 'before');
    });

    it(`${label}: a wrong token: fast 503s and a cause that says the token was refused`, async (t) => {
      rest ??= await startRedisRestServer({ token });
      const app = await startOutageApp(storeFor(rest.url, 'not-the-token'), STORE_TIMEOUT);
      t.after(() => app.close());
      assertFastFailure(await app.request('/write?k=a&v=1'), FAIL_FAST_MS, 'a write with a refused token');
      assertFastFailure(await app.request('/read', randomToken()), FAIL_FAST_MS, 'a read with a refused token');
      const { error } = await failedLoad(storeFor(rest.url, 'not-the-token'));
      assert.equal(error.code, 'ERR_STORE');
      assert.match(String((error.cause as Error).message), /token|Unauthorized/);
    });
  }

  it('@upstash/redis with its default retries: the session layer still answers 503 at storeTimeout', async (t) => {
    const url = `http://127.0.0.1:${await freePort()}`;
    const store = redisHttpStore(new UpstashRedis({ url, token, enableTelemetry: false }), prefix);
    const app = await startOutageApp(store, STORE_TIMEOUT);
    t.after(() => app.close());
    const outcome = await app.request('/read', randomToken());
    assertFastFailure(outcome, FAIL_FAST_MS, 'a read while the client retries');
    assert.deepEqual(app.storeErrors, ['ERR_STORE_TIMEOUT']);
  });
});
