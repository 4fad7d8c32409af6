/**
 * `redisHttpStore` against endpoints and clients that misbehave: an aborted `@upstash/redis`
 * client, replies of the wrong shape, an endpoint that stalls or answers without end, credentials
 * in the URL, and error text that would carry secrets or session data into logs.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { after, describe, it } from 'node:test';
import { Redis as UpstashRedis } from '@upstash/redis';
import { ConfigError, createSessions, type SessionEvent, StoreError } from 'hallpass';
import { redisHttpStore } from 'hallpass/redis-http';
import { startRedisRestServer } from '../support/redis-rest-server.js';
import { needRedis } from '../support/services.js';

const skip = await needRedis();
const token = randomBytes(16).toString('hex');
const rest = skip ? undefined : await startRedisRestServer({ token });
const prefix = `hallpass-test:${randomBytes(6).toString('hex')}:`;

type Handler = (req: IncomingMessage, res: ServerResponse, body: string) => void;

/** A local endpoint that answers as `handler` says, tracking the open connections that carried a request. */
async function endpoint(handler: Handler) {
  const sockets = new Set<Socket>();
  const server = createServer((req, res) => {
    const socket = req.socket;
    if (!socket.destroyed) sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => handler(req, res, body));
  });
  const all = new Set<Socket>();
  server.on('connection', (socket) => {
    all.add(socket);
    socket.on('close', () => all.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const close = () => {
    for (const socket of all) socket.destroy();
    return new Promise<void>((resolve) => server.close(() => resolve()));
  };
  opened.push(close);
  return { url, sockets };
}
const opened: Array<() => Promise<void>> = [];
after(async () => {
  for (const close of opened) await close();
  await rest?.close();
});

const COOKIE = `sid=${'A'.repeat(43)}`;
const record = { data: { cart: ['apple'] } as never, createdAt: 1, lastSeenAt: 1, userId: 'alice' };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('redisHttpStore: replies of the wrong shape are store failures', { skip }, () => {
  it('an aborted @upstash/redis client fails closed: a logged-out cookie stays refused, with a store-error', async () => {
    const controller = new AbortController();
    const client = new UpstashRedis({ url: rest?.url as string, token, retry: false, enableTelemetry: false, signal: controller.signal });
    const events: SessionEvent[] = [];
    const store = redisHttpStore(client, { prefix: `${prefix}abort:` });
    const sessions = createSessions({
      secret: randomBytes(32).toString('base64url'),
      revocationStore: store,
      onEvent: (e) => events.push(e),
    });
    const login = await sessions.load(undefined);
    login.userId = 'alice';
    const set = (await sessions.commit(login)).setCookie as string;
    const cookie = set.slice(0, set.indexOf(';'));
    const logout = await sessions.load(cookie);
    logout.destroy();
    await sessions.commit(logout);
    assert.equal((await sessions.load(cookie)).isNew, true, 'refused while the client works');

    controller.abort();
    events.length = 0;
    await assert.rejects(sessions.load(cookie), StoreError, 'the revocation check fails instead of passing');
    assert.equal(events.filter((e) => e.type === 'store-error').length, 1);
    await assert.rejects(store.destroy('k'), /aborted/, 'destroy does not report success');
    await assert.rejects(store.set('k', record, 60), /aborted/);
    await assert.rejects(store.touch('k', 2, 60), /aborted/);
  });

  it('an endpoint answering a string, a number or an object to every command: each operation throws', async () => {
    let reply = '';
    const h = await endpoint((_req, res) => res.end(reply));
    const store = redisHttpStore({ url: h.url, token: 't' });
    const patch = { set: { a: 1 }, unset: [], replace: false, lastSeenAt: 2 } as never;
    // The last three are JSON strings of the wrong shape for the session read (its script answers
    // one JSON string of field/value pairs): an odd count, values that are not strings, an object.
    const wrongJson = ['["a"]', '[1,2]', '{"a":"b"}'].map((text) => JSON.stringify({ result: text }));
    for (const body of ['{"result":"x"}', '{"result":2}', '{"result":{"a":1}}', '{"result":["x"]}', '{"result":[1,2]}', ...wrongJson]) {
      reply = body;
      const operations: Array<[string, () => Promise<unknown>]> = [
        ['get', () => store.get('k')],
        ['set', () => store.set('k', record, 60)],
        ['destroy', () => store.destroy('k')],
        ['touch', () => store.touch('k', 2, 60)],
        ['patch', () => store.patch('k', patch, 60)],
        ['compareAndSet', () => store.compareAndSet('k', 'a', '1', patch, 60)],
        ['listByUser', () => store.listByUser('alice')],
        ['destroyByUser', () => store.destroyByUser('alice')],
      ];
      for (const [name, run] of operations) {
        await assert.rejects(run(), /unexpected reply/, `${name} on ${body}`);
      }
    }
  });
});

describe('redisHttpStore: an endpoint whose Lua has no cjson', { skip }, () => {
  it('reads the session from the flat field/value array the script answers there', async () => {
    let reply: unknown[] = ['\x00c', '7', '\x00s', '9', '\x00u', 'alice', 'cart', '["apple"]'];
    const h = await endpoint((_req, res) => res.end(JSON.stringify({ result: reply })));
    const store = redisHttpStore({ url: h.url, token: 't' });
    const got = await store.get('k');
    assert.deepEqual({ ...got, data: { ...got?.data } }, { data: { cart: ['apple'] }, createdAt: 7, lastSeenAt: 9, userId: 'alice' });
    reply = [];
    assert.equal(await store.get('k'), null, 'an empty array is no session');
  });
});

describe('redisHttpStore: a stalled or flooding endpoint holds nothing past the deadline', { skip }, () => {
  it('a stalled endpoint: every fetch is aborted at the timeout, and its connection closed', async () => {
    const h = await endpoint(() => {}); // never answers
    const sessions = createSessions({ store: redisHttpStore({ url: h.url, token: 't', timeout: 100 }), storeTimeout: 100 });
    const results = await Promise.allSettled(Array.from({ length: 20 }, () => sessions.load(COOKIE)));
    assert.ok(results.every((r) => r.status === 'rejected' && r.reason instanceof StoreError));
    // Counted: connections that carried a request. fetch may open idle spares after an abort; those hold nothing.
    for (let i = 0; i < 40 && h.sockets.size > 0; i++) await sleep(25);
    assert.equal(h.sockets.size, 0, 'connections still held by a request after the requests failed');
  });

  it('a reply over the size cap is cut off and fails, instead of being buffered whole', async () => {
    let written = 0;
    const h = await endpoint((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"result":"');
      const chunk = 'x'.repeat(1024 * 1024);
      const pump = () => {
        while (written < 64) {
          written++;
          if (!res.write(chunk)) return void res.once('drain', pump);
        }
        res.end('"}');
      };
      res.on('error', () => {});
      pump();
    });
    const store = redisHttpStore({ url: h.url, token: 't', timeout: 10_000 });
    await assert.rejects(store.get('k'), (e: unknown) => e instanceof StoreError && /over 16777216 bytes/.test(e.message));
    await sleep(100);
    assert.ok(written < 64, `the endpoint was read to the end (${written} MB)`);
  });
});

describe('redisHttpStore: credentials and endpoint text stay out of errors', { skip }, () => {
  it('refuses a URL carrying a username or password at start-up, naming `url` and `token`', () => {
    assert.throws(
      () => redisHttpStore({ url: 'http://default:SECRET_TOKEN_123@127.0.0.1:9/', token: 't' }),
      (e: unknown) =>
        e instanceof ConfigError && /`url`/.test(e.message) && /`token`/.test(e.message) && !e.message.includes('SECRET_TOKEN_123'),
    );
  });

  it('refuses plain http to a host other than loopback unless `allowInsecureHttp`', () => {
    assert.throws(
      () => redisHttpStore({ url: 'http://redis.example.com', token: 't' }),
      (e: unknown) => e instanceof ConfigError && /allowInsecureHttp/.test(e.message),
    );
    for (const url of ['http://127.0.0.1:8079', 'http://localhost:8079', 'http://[::1]:8079', 'https://redis.example.com']) {
      assert.doesNotThrow(() => redisHttpStore({ url, token: 't' }), url);
    }
    assert.doesNotThrow(() => redisHttpStore({ url: 'http://redis.example.com', token: 't', allowInsecureHttp: true }));
  });

  it('an endpoint error is cut to a bounded length, control characters removed', async () => {
    const h = await endpoint((_req, res) => {
      res.writeHead(400, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: `ERR bad\r\nInjected: line\u001b[31m ${'z'.repeat(10_000)}` }));
    });
    const store = redisHttpStore({ url: h.url, token: 't' });
    await assert.rejects(
      store.get('k'),
      (e: Error) =>
        e.message.length <= 300 &&
        ![...e.message].some((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f) &&
        e.message.startsWith('ERR bad'),
    );
  });

  it('@upstash/redis: an unparsable body (session data) is not copied into the error', async () => {
    const h = await endpoint((_req, res) => res.end('{"result":["cart","SESSION_DATA_SECRET"'));
    const store = redisHttpStore(new UpstashRedis({ url: h.url, token: 't', retry: false, enableTelemetry: false }));
    await assert.rejects(
      store.get('k'),
      (e: Error) => !e.message.includes('SESSION_DATA_SECRET') && !String(e.stack).includes('SESSION_DATA_SECRET'),
    );
  });
});
