/**
 * `redisHttpStore` over Redis's HTTP protocol: the whole store contract, through both clients it
 * takes (`@upstash/redis` and the built-in fetch client), against a local REST server in front of
 * the real Redis on 6379.
 */
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { Redis as UpstashRedis } from '@upstash/redis';
import { ConfigError, createSessions, StoreError } from 'hallpass';
import { redisStore } from 'hallpass/redis';
import { redisHttpStore } from 'hallpass/redis-http';
import { describeSessionsOverStore, describeStoreConformance } from 'hallpass/testing';
import { Redis } from 'ioredis';
import { type RedisRestServer, startRedisRestServer } from '../support/redis-rest-server.js';
import { hasBinary, startRedisServer } from '../support/redis-server.js';
import { deleteKeysUnder, needRedis, needService } from '../support/services.js';

const skip = await needRedis();
const noLocalServer = needService(
  'redis-server (the binary, to start a private Redis)',
  hasBinary('redis-server'),
  'Install it with `apt-get install -y redis-server` (Debian) or run scripts/ci-services.sh.',
);
const prefix = `hallpass-test:${randomBytes(6).toString('hex')}:`;
const token = randomBytes(24).toString('base64url');
const rest = skip ? undefined : await startRedisRestServer({ token });
const io = skip ? undefined : new Redis({ port: 6379, host: '127.0.0.1' });
/** What an app on a Worker would write, minus telemetry: the session layer has its own deadline, so no retries. */
const upstashClient = (url: string, secret = token) => new UpstashRedis({ url, token: secret, retry: false, enableTelemetry: false });

after(async () => {
  if (!io || !rest) return;
  await deleteKeysUnder(io, prefix);
  io.disconnect();
  await rest.close();
});

const server = () => rest as RedisRestServer;
// The contract calls the store directly, with no storeTimeout in front: its 50 concurrent commands
// get a deadline far above the 500 ms default so a loaded machine does not abort them.
const fetchStore = (label: string) => redisHttpStore({ url: server().url, token, timeout: 10_000 }, { prefix: `${prefix}${label}:` });
const upstashStore = (label: string) => redisHttpStore(upstashClient(server().url), { prefix: `${prefix}${label}:` });

describeStoreConformance('redisHttpStore (fetch client)', async () => ({ store: fetchStore('fetch'), close: async () => {} }), { skip });
describeSessionsOverStore('redisHttpStore (fetch client)', async () => ({ store: fetchStore('fetch'), close: async () => {} }), { skip });
describeStoreConformance('redisHttpStore (@upstash/redis)', async () => ({ store: upstashStore('up'), close: async () => {} }), { skip });
describeSessionsOverStore('redisHttpStore (@upstash/redis)', async () => ({ store: upstashStore('up'), close: async () => {} }), {
  skip,
});

const record = (data: Record<string, unknown>, userId?: string) => ({
  data: data as never,
  createdAt: 1_700_000_000,
  lastSeenAt: 1_700_000_010,
  ...(userId ? { userId } : {}),
});

/** A cookie and the store key hallpass derives from it (sha256 of the token, base64url). */
const cookieAndKey = () => {
  const value = randomBytes(32).toString('base64url');
  return { cookie: `sid=${value}`, key: createHash('sha256').update(value).digest('base64url') };
};

describe('redisHttpStore specifics', { skip }, () => {
  it('keeps the layout of redisStore: a session written over TCP is read over HTTP, and back', async () => {
    const tcp = redisStore(io as Redis, { prefix: `${prefix}shared:` });
    for (const http of [redisHttpStore({ url: server().url, token }, { prefix: `${prefix}shared:` }), upstashStore('shared')]) {
      const key = randomBytes(8).toString('hex');
      await tcp.set(key, record({ cart: ['apple'] }, 'alice'), 60);
      assert.deepEqual({ ...(await http.get(key))?.data }, { cart: ['apple'] });
      assert.equal(await http.patch(key, { set: { n: 2 }, unset: ['cart'], lastSeenAt: 1_700_000_020 }, 60), true);
      const back = await tcp.get(key);
      assert.deepEqual([{ ...back?.data }, back?.lastSeenAt, back?.userId], [{ n: 2 }, 1_700_000_020, 'alice']);
    }
  });

  it('reads a session back through both clients when its JSON is mostly quotes (replies are not escaped twice)', async () => {
    // 3 MB of quotes is 6 MB stored; read as one JSON string inside the JSON reply it would pass
    // the fetch client's 16 MB reply cap and never open again, though it was written.
    const data = { quotes: '"'.repeat(3 * 1024 * 1024) };
    for (const s of [fetchStore('quotes'), upstashStore('quotes')]) {
      await s.set('k1', record(data), 60);
      assert.equal((await s.get('k1'))?.data.quotes, data.quotes);
    }
  });

  it('@upstash/redis: values that look like JSON come back as written, not parsed by the client', async () => {
    const s = upstashStore('raw');
    const data = { one: '1', yes: 'true', nil: 'null', list: '[1,2]', quoted: '"q"', n: 1, half: 0.5, empty: '' };
    await s.set('k1', record(data, 'bob'), 60);
    assert.deepEqual({ ...(await s.get('k1'))?.data }, data);
    assert.deepEqual(
      (await s.listByUser('bob')).map((entry) => entry.id),
      ['k1'],
    );
  });

  it('@upstash/redis: sends EVALSHA to POST / and asks for base64 replies, as against Upstash', async () => {
    const before = server().commands.length;
    const requestsBefore = server().requests.length;
    await upstashStore('sha').get('missing');
    const [name, sha] = server().commands[before] ?? [];
    assert.equal(name, 'EVALSHA');
    assert.match(String(sha), /^[0-9a-f]{40}$/);
    assert.deepEqual(
      server()
        .requests.slice(requestsBefore)
        .map(({ path, base64 }) => ({ path, base64 })),
      [{ path: '/', base64: true }],
    );
  });

  it('the local REST server serves @upstash/redis pipelines and transactions unmodified', async () => {
    const client = upstashClient(server().url);
    const key = `${prefix}pipeline`;
    const piped = await client.pipeline().set(key, 'v', { ex: 60 }).get(key).incr(`${key}:n`).exec();
    assert.deepEqual(piped, ['OK', 'v', 1]);
    const multi = await client.multi().incr(`${key}:n`).expire(`${key}:n`, 60).exec();
    assert.deepEqual(multi, [2, 1]);
    assert.deepEqual(
      server()
        .requests.slice(-2)
        .map(({ path }) => path),
      ['/pipeline', '/multi-exec'],
    );
  });

  it('runs each script by its SHA1, and falls back to EVAL when the server has forgotten it', { skip: noLocalServer }, async () => {
    const own = await startRedisServer();
    const privateRest = await startRedisRestServer({ token, redisPort: own.port });
    const direct = new Redis({ port: own.port, host: '127.0.0.1' });
    try {
      for (const s of [redisHttpStore({ url: privateRest.url, token }), redisHttpStore(upstashClient(privateRest.url))]) {
        await s.set('k1', record({ a: 1 }), 60);
        await direct.script('FLUSH');
        const from = privateRest.commands.length;
        assert.equal(await s.patch('k1', { set: { b: 2 }, unset: [], lastSeenAt: 1_700_000_020 }, 60), true);
        assert.deepEqual(
          privateRest.commands.slice(from).map(([name]) => name),
          ['EVALSHA', 'EVAL'],
        );
        assert.equal(
          privateRest.commands[from]?.[1],
          createHash('sha1')
            .update(privateRest.commands[from + 1]?.[1] ?? '')
            .digest('hex'),
          'the SHA1 sent is that of the script',
        );
        assert.deepEqual({ ...(await s.get('k1'))?.data }, { a: 1, b: 2 });
      }
    } finally {
      direct.disconnect();
      await privateRest.close();
      await own.stop();
    }
  });

  it('fetch client: sends back the sync token of the previous reply (read-your-writes across replicas)', async () => {
    const s = fetchStore('sync');
    const from = server().requests.length;
    await s.set('k1', record({ a: 1 }), 60);
    await s.get('k1');
    const [first, second] = server()
      .requests.slice(from)
      .map(({ syncToken }) => syncToken);
    assert.equal(first, '', 'nothing to send before a first reply');
    assert.match(String(second), /^\d+$/);
  });

  for (const [label, make] of [
    ['fetch client', (l: string) => fetchStore(l)],
    ['@upstash/redis', (l: string) => upstashStore(l)],
  ] as const) {
    it(`${label}: a Redis error reaches the session layer as a StoreError carrying the Redis error only`, async () => {
      const { cookie, key } = cookieAndKey();
      await (io as Redis).set(`${prefix}wrongtype-${label}:{${key}}`, 'a string, not a hash');
      const sessions = createSessions({ store: make(`wrongtype-${label}`), storeTimeout: 1000 });
      const error = await sessions.load(cookie).then(
        () => assert.fail('load must reject'),
        (e: unknown) => e,
      );
      assert.ok(error instanceof StoreError);
      assert.equal(error.code, 'ERR_STORE');
      assert.match(String((error.cause as Error).message), /^WRONGTYPE/);
      assert.doesNotMatch(String((error.cause as Error).message), /command was|EVALSHA/, 'no command (session data) in the message');
    });
  }

  it('refuses a bad url, a missing token or an unknown client at start-up, naming the option', () => {
    assert.throws(
      () => redisHttpStore({ url: 'redis://127.0.0.1:6379', token }),
      (error: unknown) =>
        error instanceof ConfigError && error.code === 'ERR_OPTION' && /`url`.*UPSTASH_REDIS_REST_URL/.test(error.message),
    );
    assert.throws(
      () => redisHttpStore({ url: server().url, token: '' }),
      (error: unknown) => error instanceof ConfigError && /`token`.*UPSTASH_REDIS_REST_TOKEN/.test(error.message),
    );
    assert.throws(() => redisHttpStore({} as never), /@upstash\/redis client .* or \{ url, token \}/);
  });

  it('declares evicts: false, so it is accepted as the revocation store', () => {
    assert.equal(fetchStore('evicts').evicts, false);
    assert.doesNotThrow(() => createSessions({ secret: randomBytes(32).toString('base64url'), revocationStore: fetchStore('rev') }));
  });
});

describe('redisHttpStore as the shared revocation store of cookie mode', { skip }, () => {
  it('a logout on one Sessions instance is refused on another sharing the store, each with its own client', async () => {
    const secret = randomBytes(32).toString('base64url');
    const revocationPrefix = { prefix: `${prefix}revocations:` };
    const refused: string[] = [];
    const a = createSessions({ secret, revocationStore: redisHttpStore({ url: server().url, token }, revocationPrefix) });
    const b = createSessions({
      secret,
      revocationStore: redisHttpStore(upstashClient(server().url), revocationPrefix),
      onEvent: (event) => {
        if (event.type === 'invalid') refused.push(event.reason);
      },
    });
    const login = await a.load(undefined);
    login.userId = 'alice';
    login.set('cart', ['pear']);
    const setCookie = (await a.commit(login)).setCookie as string;
    const cookie = setCookie.slice(0, setCookie.indexOf(';'));

    const before = await b.load(cookie);
    assert.deepEqual([before.isNew, before.userId, before.get('cart')], [false, 'alice', ['pear']]);

    const logout = await a.load(cookie);
    logout.destroy();
    await a.commit(logout);

    const replay = await b.load(cookie);
    assert.deepEqual([replay.isNew, replay.userId, replay.get('cart')], [true, undefined, undefined]);
    assert.deepEqual(refused, ['revoked']);
  });
});

/** The relative imports of a source file, resolved to files. */
const importsOf = (file: string) =>
  [...readFileSync(file, 'utf8').matchAll(/(?:from|import)\s*\(?\s*'(\.{1,2}\/[^']+)'/g)].map((m) =>
    resolve(dirname(file), (m[1] as string).replace(/\.js$/, '.ts')),
  );

describe('hallpass/redis-http is runtime-neutral', () => {
  it('no module it loads imports a node: builtin or a package, or uses Buffer or process', () => {
    const src = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', 'src');
    const seen = new Set<string>();
    const queue = [join(src, 'stores', 'redis-http', 'index.ts')];
    const offending: string[] = [];
    while (queue.length > 0) {
      const file = queue.pop() as string;
      if (seen.has(file)) continue;
      seen.add(file);
      const text = readFileSync(file, 'utf8');
      const code = text.replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, '');
      for (const match of code.matchAll(/(?:from|import)\s*\(?\s*'([^'.][^']*)'/g)) offending.push(`${relative(src, file)}: ${match[1]}`);
      if (/\bBuffer\b|\bprocess\./.test(code)) offending.push(`${relative(src, file)}: Buffer or process`);
      queue.push(...importsOf(file));
    }
    assert.ok(seen.has(join(src, 'stores', 'redis', 'store.ts')), 'the walk reaches the shared store logic');
    assert.deepEqual(offending, []);
  });
});
