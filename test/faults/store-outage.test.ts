/**
 * Store outages over real HTTP, for Redis and Memcached, each on a private server process: down at
 * start-up, killed under load, slow (a delaying proxy), paused and resumed, killed and restarted.
 * Requests must fail fast with the documented 503, nothing may hang or crash, service must come
 * back by itself, and a write acknowledged with a 200 must survive a stall.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { before, describe, it, type TestContext } from 'node:test';
import { freePort } from '../support/redis-server.js';
import { needService } from '../support/services.js';
import { startDelayProxy } from './delay-proxy.js';
import { assertFastFailure, type OutageApp, startOutageApp, underLoad, waitForService, warmUp } from './outage-app.js';
import { type Backend, memcachedBackend, nodeRedisBackend, redisBackend } from './outage-backends.js';

const STORE_TIMEOUT = 300;
/** A failure may take the store timeout plus scheduling slack on a busy two-core machine; well under a second. */
const FAIL_FAST_MS = STORE_TIMEOUT + 400;
const randomToken = () => randomBytes(32).toString('base64url');
const spread = (ms: number[]) => {
  const sorted = [...ms].sort((a, b) => a - b);
  return `median ${sorted[Math.floor(sorted.length / 2)]?.toFixed(0)} ms, slowest ${sorted.at(-1)?.toFixed(0)} ms`;
};

interface Setup {
  app: OutageApp;
  server: Awaited<ReturnType<Backend['start']>>;
  port: number;
  proxy?: Awaited<ReturnType<typeof startDelayProxy>>;
}

/** Runs `body` with a server, a client (through a delaying proxy if asked) and the app, and always tears them down. */
async function withSetup(
  backend: Backend,
  t: TestContext,
  body: (setup: Setup) => Promise<void>,
  options: { startServer?: boolean; throughProxy?: boolean } = {},
) {
  const port = await freePort();
  const server = options.startServer === false ? undefined : await backend.start(port);
  const proxy = options.throughProxy ? await startDelayProxy(port) : undefined;
  const client = backend.connect(proxy?.port ?? port);
  t.after(async () => {
    await client.close();
    await proxy?.close();
    await server?.stop();
  });
  if (server) await client.ready();
  const app = await startOutageApp(client.store, STORE_TIMEOUT);
  t.after(() => app.close());
  await body({ app, server: server as Setup['server'], port, proxy });
}

before(warmUp);

function describeOutages(backend: Backend) {
  const skip = needService(backend.name, backend.installed, backend.howTo);
  describe(`${backend.name}: store outages over HTTP (storeTimeout ${STORE_TIMEOUT} ms)`, { skip }, () => {
    it('store down at start-up: every request is a fast 503, and service starts by itself once the store does', async (t) => {
      let started: Awaited<ReturnType<Backend['start']>> | undefined;
      t.after(() => started?.stop());
      await withSetup(
        backend,
        t,
        async ({ app, port }) => {
          const times: number[] = [];
          for (let i = 0; i < 10; i++) {
            const write = await app.request(`/write?k=a&v=${i}`); // no cookie: the commit's store write fails
            assertFastFailure(write, FAIL_FAST_MS, 'a first visit that writes');
            const read = await app.request('/read', randomToken()); // a cookie: the load fails
            assertFastFailure(read, FAIL_FAST_MS, 'a visit with a cookie');
            times.push(write.ms, read.ms);
          }
          started = await backend.start(port);
          const back = await waitForService(app, '/write?k=a&v=up', undefined);
          t.diagnostic(`20 requests while down: ${spread(times)}; service back ${back.ms.toFixed(0)} ms after the store started`);
        },
        { startServer: false },
      );
    });

    it('store killed under load: requests before succeed, requests after fail fast with 503, none hangs', async (t) => {
      await withSetup(backend, t, async ({ app, server }) => {
        const outcomes = await underLoad(app, { workers: 4, count: 160, maxMs: 10_000 }, async (done) => {
          for (let waited = 0; done() < 40 && waited < 5000; waited += 10) await new Promise((r) => setTimeout(r, 10));
          await server.kill();
        });
        const ok = outcomes.filter((o) => o.status === 200);
        const failed = outcomes.filter((o) => o.status !== 200);
        assert.ok(ok.length >= 40, `${ok.length} requests succeeded before the kill`);
        assert.ok(failed.length > 0, 'requests after the kill must fail');
        for (const outcome of failed) assertFastFailure(outcome, FAIL_FAST_MS, 'a request after the kill');
        t.diagnostic(`${outcomes.length} requests: ${ok.length} × 200, ${failed.length} × 503 (${spread(failed.map((o) => o.ms))})`);
      });
    });

    it('slow store (a proxy adds 600 ms): ERR_STORE_TIMEOUT and a 503 within the store timeout, then recovery', async (t) => {
      const slow = async ({ app, proxy }: Setup) => {
        const delay = proxy as NonNullable<Setup['proxy']>;
        const first = await app.request('/write?k=kept&v=before');
        assert.equal(first.status, 200);
        delay.delayMs = 600;
        const times: number[] = [];
        for (const path of ['/read', '/write?k=x&v=1', '/read', '/write?k=new&v=1']) {
          // The last is a first visit (no cookie): there the commit's write is what times out.
          const outcome = await app.request(path, path.endsWith('new&v=1') ? undefined : first.token);
          assertFastFailure(outcome, FAIL_FAST_MS, `${path} through the slow proxy`);
          assert.ok(outcome.ms >= STORE_TIMEOUT - 20, `failed after ${outcome.ms.toFixed(0)} ms: it must be the timeout`);
          times.push(outcome.ms);
        }
        assert.deepEqual(app.storeErrors, Array(4).fill('ERR_STORE_TIMEOUT'));
        delay.delayMs = 0;
        const back = await waitForService(app, '/read', first.token);
        assert.equal(JSON.parse(back.outcome.body).kept, 'before');
        t.diagnostic(
          `timeouts answered in ${times.map((ms) => ms.toFixed(0)).join(', ')} ms; back ${back.ms.toFixed(0)} ms after the delay went`,
        );
      };
      await withSetup(backend, t, slow, { throughProxy: true });
    });

    it('store paused (SIGSTOP) then resumed: fast 503s meanwhile, and every acknowledged write is still there', async (t) => {
      await withSetup(backend, t, async ({ app, server }) => {
        const acknowledged: Array<{ token: string; value: string }> = [];
        for (let i = 0; i < 20; i++) {
          const created = await app.request(`/write?k=a&v=${i}`);
          const patched = await app.request(`/write?k=b&v=${i}`, created.token);
          assert.deepEqual([created.status, patched.status], [200, 200]);
          acknowledged.push({ token: created.token as string, value: String(i) });
        }
        await server.pause();
        const times: number[] = [];
        try {
          for (const { token } of acknowledged.slice(0, 5)) {
            const outcome = await app.request('/write?k=c&v=stalled', token);
            assertFastFailure(outcome, FAIL_FAST_MS, 'a request while the store is paused');
            times.push(outcome.ms);
          }
        } finally {
          server.resume();
        }
        const back = await waitForService(app, '/read', acknowledged[0]?.token);
        for (const { token, value } of acknowledged) {
          const read = await app.request('/read', token);
          assert.equal(read.status, 200);
          const data = JSON.parse(read.body);
          assert.deepEqual([data.a, data.b], [value, value], 'an acknowledged write was lost');
        }
        t.diagnostic(
          `503s during the stall in ${times.map((ms) => ms.toFixed(0)).join(', ')} ms; back ${back.ms.toFixed(0)} ms after SIGCONT; 40 acknowledged writes intact`,
        );
      });
    });

    it('store killed and restarted on the same port: service resumes by itself with the same client', async (t) => {
      await withSetup(backend, t, async ({ app, server }) => {
        assert.equal((await app.request('/write?k=a&v=1')).status, 200);
        await server.kill();
        const down = await app.request('/write?k=a&v=2');
        assertFastFailure(down, FAIL_FAST_MS, 'a request while the store is down');
        await server.start();
        const back = await waitForService(app, '/write?k=a&v=3', undefined);
        t.diagnostic(`503 in ${down.ms.toFixed(0)} ms while down; back ${back.ms.toFixed(0)} ms after the restart`);
      });
    });
  });
}

describeOutages(redisBackend);
describeOutages(nodeRedisBackend);
describeOutages(memcachedBackend);
