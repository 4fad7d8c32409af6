import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { after, describe, it } from 'node:test';
import { createSessions, type SessionStore, StoreError } from 'hallpass';
import { redisStore } from 'hallpass/redis';
import { describeSessionsOverStore, describeStoreConformance } from 'hallpass/testing';
import { Redis } from 'ioredis';
import { createClient } from 'redis';
import { hasBinary, startRedisServer, waitFor } from '../support/redis-server.js';
import { deleteKeysUnder, needRedis, needService } from '../support/services.js';

// The shared Redis on 6379: every key of this run starts with its own prefix, removed afterwards.
const skip = await needRedis();
// Two tests start a Redis of their own (to flush its scripts, to stop it): they need the binary.
const noLocalServer = needService(
  'redis-server (the binary, to start a private Redis)',
  hasBinary('redis-server'),
  'Install it with `apt-get install -y redis-server` (Debian) or run scripts/ci-services.sh.',
);
const prefix = `hallpass-test:${randomBytes(6).toString('hex')}:`;
const io = skip ? undefined : new Redis({ port: 6379, host: '127.0.0.1', lazyConnect: true });
const node = skip ? undefined : createClient({ url: 'redis://127.0.0.1:6379' });
const node3 = skip ? undefined : createClient({ url: 'redis://127.0.0.1:6379', RESP: 3 });
if (io && node && node3) await Promise.all([io.connect(), node.connect(), node3.connect()]);

after(async () => {
  if (!io || !node || !node3) return;
  await deleteKeysUnder(io, prefix);
  io.disconnect();
  await Promise.all([node.close(), node3.close()]);
});

const factoryOf = (client: Parameters<typeof redisStore>[0] | undefined, label: string) => async () => ({
  store: redisStore(client as Parameters<typeof redisStore>[0], { prefix: `${prefix}${label}:` }),
  close: async () => {},
});

describeStoreConformance('redisStore (ioredis)', factoryOf(io, 'io'), { skip });
describeSessionsOverStore('redisStore (ioredis)', factoryOf(io, 'io'), { skip });
describeStoreConformance('redisStore (node-redis)', factoryOf(node, 'node'), { skip });
describeSessionsOverStore('redisStore (node-redis)', factoryOf(node, 'node'), { skip });

const record = (data: Record<string, unknown>, userId?: string) => ({
  data: data as never,
  createdAt: 1_700_000_000,
  lastSeenAt: 1_700_000_010,
  ...(userId ? { userId } : {}),
});

describe('redisStore specifics', { skip }, () => {
  const redis = io as Redis;
  const store = (label: string): SessionStore => redisStore(redis, { prefix: `${prefix}${label}:` });

  it('keeps a session as one hash: a JSON field per key, NUL-named meta fields, a PEXPIRE in milliseconds', async () => {
    await store('layout').set('k1', record({ cart: ['apple'], n: 2 }, 'alice'), 90);
    const hash = await redis.hgetall(`${prefix}layout:{k1}`);
    assert.deepEqual(hash, { cart: '["apple"]', n: '2', '\x00c': '1700000000', '\x00s': '1700000010', '\x00u': 'alice' });
    const ttl = await redis.pttl(`${prefix}layout:{k1}`);
    assert.ok(ttl > 89_000 && ttl <= 90_000, `PTTL ${ttl}`);
    assert.deepEqual(await redis.smembers(`${prefix}layout:user:{alice}`), ['k1']);
    assert.ok((await redis.pttl(`${prefix}layout:user:{alice}`)) > 89_000, 'the user index outlives its session');
  });

  it('reads a session as one bulk string of JSON, not a reply element per field and value', async () => {
    const s = store('one-string');
    const data = { cart: ['apple'], note: 'ünïcode \u0000 "quoted" \\ /', '\x00u': 'a data key with a NUL' };
    await s.set('k1', record(data, 'alice'), 60);
    const replies: unknown[] = [];
    const watched = redisStore(
      {
        status: redis.status,
        call: async (...args: string[]) => {
          const reply = await redis.call(args[0] as string, ...args.slice(1));
          replies.push(reply);
          return reply;
        },
      },
      { prefix: `${prefix}one-string:` },
    );
    const got = await watched.get('k1');
    assert.deepEqual({ ...got?.data }, data);
    assert.equal(got?.userId, 'alice');
    assert.equal(typeof replies[0], 'string', 'the script answered one string');
    assert.equal(await watched.get('missing'), null);
    assert.equal(replies[1], '[]', "no session: an empty JSON array, not cjson's {}");
  });

  it('reads replies a client hands back as plain Uint8Array bytes as their UTF-8 text', async () => {
    const s = store('bytes');
    await s.set('k1', record({ greeting: 'héllo' }, 'alice'), 60);
    const bytes = (reply: unknown): unknown =>
      typeof reply === 'string' ? new Uint8Array(new TextEncoder().encode(reply)) : Array.isArray(reply) ? reply.map(bytes) : reply;
    const byteClient = redisStore(
      { status: redis.status, call: async (...args: string[]) => bytes(await redis.call(args[0] as string, ...args.slice(1))) },
      { prefix: `${prefix}bytes:` },
    );
    const got = await byteClient.get('k1');
    assert.deepEqual([{ ...got?.data }, got?.userId], [{ greeting: 'héllo' }, 'alice']);
  });

  it('a patch writes and deletes only the fields that changed', async () => {
    const s = store('patch');
    await s.set('k1', record({ a: 1, b: 2, c: 3 }), 60);
    await redis.hset(`${prefix}patch:{k1}`, 'written-elsewhere', '"kept"');
    assert.equal(await s.patch?.('k1', { set: { b: 20 }, unset: ['c'], lastSeenAt: 1_700_000_099 }, 60), true);
    assert.deepEqual(await redis.hgetall(`${prefix}patch:{k1}`), {
      a: '1',
      b: '20',
      'written-elsewhere': '"kept"',
      '\x00c': '1700000000',
      '\x00s': '1700000099',
    });
  });

  it('data keys that start with a NUL byte never collide with the meta fields', async () => {
    const s = store('nul');
    const data = { '\x00c': 'not a time', '\x00u': 'not a user', '\x00\x00': 0, '\x00': 1 };
    await s.set('k1', record(data), 60);
    const got = await s.get('k1');
    assert.deepEqual({ ...got?.data }, data);
    assert.equal(got?.createdAt, 1_700_000_000);
    assert.equal(got?.userId, undefined);
    await s.patch?.('k1', { set: { plain: true }, unset: ['\x00u'], replace: true, lastSeenAt: 1_700_000_011 }, 60);
    const replaced = await s.get('k1');
    assert.deepEqual({ ...replaced?.data }, { plain: true });
    assert.equal(replaced?.createdAt, 1_700_000_000, 'replace keeps the meta fields');
  });

  it('a hash without meta fields is not taken for a session', async () => {
    await redis.hset(`${prefix}foreign:{k1}`, 'a', '1');
    assert.equal(await store('foreign').get('k1'), null);
  });

  it('listByUser drops index members whose session is gone', async () => {
    const s = store('stale');
    await s.set('k1', record({}, 'bob'), 60);
    await s.set('k2', record({}, 'bob'), 60);
    await redis.del(`${prefix}stale:{k2}`); // as if it had expired
    assert.deepEqual(
      (await s.listByUser?.('bob'))?.map((entry) => entry.id),
      ['k1'],
    );
    assert.deepEqual(await redis.smembers(`${prefix}stale:user:{bob}`), ['k1']);
  });

  it('works over RESP3, where hashes and sets come back as maps and sets', async () => {
    const s = redisStore(node3 as NonNullable<typeof node3>, { prefix: `${prefix}resp3:` });
    await s.set('k1', record({ a: [1] }, 'carol'), 60);
    assert.deepEqual({ ...(await s.get('k1'))?.data }, { a: [1] });
    assert.deepEqual(
      (await s.listByUser?.('carol'))?.map((entry) => entry.id),
      ['k1'],
    );
    assert.equal(await s.destroyByUser?.('carol'), 1);
  });

  it('refuses a client it does not know, naming the clients it takes', () => {
    assert.throws(() => redisStore({} as never), /ioredis client .* or a node-redis client/);
  });

  it('falls back to EVAL when the server has forgotten its scripts (SCRIPT FLUSH, failover)', {
    skip: noLocalServer,
  }, async () => {
    const server = await startRedisServer();
    const client = new Redis({ port: server.port, host: '127.0.0.1' });
    try {
      const s = redisStore(client);
      await s.set('k1', record({ a: 1 }), 60);
      await client.script('FLUSH');
      assert.equal(await s.patch?.('k1', { set: { b: 2 }, unset: [], lastSeenAt: 1_700_000_020 }, 60), true);
      assert.deepEqual({ ...(await s.get('k1'))?.data }, { a: 1, b: 2 });
    } finally {
      client.disconnect();
      await server.stop();
    }
  });

  it("node-redis: the store's commands answer to storeTimeout, not the client's per-command timer; the app's own commands keep it", {
    skip: noLocalServer,
  }, async () => {
    const server = await startRedisServer();
    // The offline queue on (node-redis's default) and a client timer of 50 ms: while Redis is away a
    // command waits in the client's queue, and that timer is the only one node-redis runs on it.
    const client = createClient({
      url: `redis://127.0.0.1:${server.port}`,
      commandOptions: { timeout: 50 },
      socket: { reconnectStrategy: 20 },
    });
    client.on('error', () => {}); // the reconnect attempts while the server is down
    try {
      await client.connect();
      const s = redisStore(client);
      await server.kill();
      await waitFor('the client to notice', async () => !client.isReady);
      // The session layer's deadline applies: ERR_STORE_TIMEOUT at storeTimeout, not the client's TimeoutError.
      const short = createSessions({ store: s, storeTimeout: 150 });
      const error = await short.load(`sid=${randomBytes(32).toString('base64url')}`).then(
        () => assert.fail('load must reject'),
        (e: unknown) => e,
      );
      assert.ok(error instanceof StoreError);
      assert.equal(error.code, 'ERR_STORE_TIMEOUT');
      // Without the session layer, a store command waits for Redis to come back; the app's PING does not.
      const settled = Promise.allSettled([client.ping(), s.get('k1')]);
      await new Promise((resolve) => setTimeout(resolve, 200));
      await server.start();
      const [own, fromStore] = await settled;
      assert.equal(own.status, 'rejected', "the app's PING keeps the client's 50 ms timer");
      assert.equal(((own as PromiseRejectedResult).reason as Error).constructor.name, 'TimeoutError');
      assert.deepEqual(fromStore, { status: 'fulfilled', value: null }, 'answered by the restarted (empty) server');
    } finally {
      await client.close().catch(() => {});
      await server.stop();
    }
  });

  it('a Redis error reaches the session layer as a StoreError carrying the cause', async () => {
    const token = randomBytes(32).toString('base64url');
    const key = createHash('sha256').update(token).digest('base64url');
    await redis.set(`${prefix}wrongtype:{${key}}`, 'a string, not a hash');
    const sessions = createSessions({ store: store('wrongtype'), storeTimeout: 1000 });
    const error = await sessions.load(`sid=${token}`).then(
      () => assert.fail('load must reject'),
      (e: unknown) => e,
    );
    assert.ok(error instanceof StoreError);
    assert.equal(error.code, 'ERR_STORE');
    assert.match(String((error.cause as Error).message), /^WRONGTYPE/);
  });
});
