/**
 * The Memcached store against private memcached processes: one server, and two servers behind one
 * memjs client (memjs spreads keys over a comma-separated list).
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { memcachedStore } from 'hallpass/memcached';
import { describeSessionsOverStore, describeStoreConformance } from 'hallpass/testing';
import memjs from 'memjs';
import { MEMCACHED_HOW_TO, memcachedInstalled, startMemcached } from '../support/memcached-server.js';
import { ask } from '../support/redis-server.js';
import { needService } from '../support/services.js';

const skip = needService('memcached', memcachedInstalled(), MEMCACHED_HOW_TO);
const servers = skip ? [] : await Promise.all([startMemcached(), startMemcached(), startMemcached()]);
const [single, first, second] = servers;
const quiet = { log() {} };
const clientFor = (...ports: number[]) => memjs.Client.create(ports.map((port) => `127.0.0.1:${port}`).join(','), { logger: quiet });
const singleClient = single ? clientFor(single.port) : undefined;
const pairClient = first && second ? clientFor(first.port, second.port) : undefined;

after(async () => {
  singleClient?.close();
  pairClient?.close();
  await Promise.all(servers.map((server) => server.stop()));
});

const factoryOf = (client: memjs.Client | undefined) => async () => ({
  store: memcachedStore(client as memjs.Client),
  close: async () => {},
});

describeStoreConformance('memcachedStore (memjs, one server)', factoryOf(singleClient), { skip });
describeSessionsOverStore('memcachedStore (memjs, one server)', factoryOf(singleClient), { skip });
describeStoreConformance('memcachedStore (memjs, two servers)', factoryOf(pairClient), { skip });
describeSessionsOverStore('memcachedStore (memjs, two servers)', factoryOf(pairClient), { skip });

/** How many items a server holds (the `curr_items` statistic). */
async function itemsOn(port: number): Promise<number> {
  const stats = await ask(port, 'stats');
  return Number(/STAT curr_items (\d+)/.exec(stats)?.[1]);
}

const record = (i: number, userId?: string) => ({
  data: { i },
  createdAt: 1_700_000_000,
  lastSeenAt: 1_700_000_000,
  ...(userId ? { userId } : {}),
});

describe('memcachedStore specifics', { skip }, () => {
  it('spreads sessions over both servers of a list', async () => {
    const store = memcachedStore(pairClient as memjs.Client, { prefix: 'spread:' });
    const before = [await itemsOn(first?.port ?? 0), await itemsOn(second?.port ?? 0)];
    await Promise.all(Array.from({ length: 40 }, (_, i) => store.set(`session-${i}`, record(i), 60)));
    const added = [(await itemsOn(first?.port ?? 0)) - (before[0] ?? 0), (await itemsOn(second?.port ?? 0)) - (before[1] ?? 0)];
    assert.equal((added[0] ?? 0) + (added[1] ?? 0), 40);
    assert.ok(
      added.every((count) => count > 0),
      `both servers hold sessions: ${added.join(', ')}`,
    );
  });

  it('keeps each session as one JSON item with its exact deadline', async () => {
    const store = memcachedStore(singleClient as memjs.Client, { prefix: 'layout:' });
    const before = Date.now();
    await store.set('k1', record(1, 'alice'), 90);
    const { value } = await (singleClient as memjs.Client).get('layout:k1');
    const item = JSON.parse(String(value));
    assert.deepEqual({ ...item, x: undefined }, { c: 1_700_000_000, s: 1_700_000_000, u: 'alice', d: { i: 1 }, x: undefined });
    assert.ok(item.x >= before + 90_000 && item.x <= Date.now() + 90_000, 'x is the deadline in Unix milliseconds');
    const index = JSON.parse(String((await (singleClient as memjs.Client).get('layout:user:alice')).value));
    assert.deepEqual(index.k, ['k1']);
  });

  it('hashes keys longer than memcached allows (250 bytes), keeping them apart', async () => {
    const store = memcachedStore(singleClient as memjs.Client, { prefix: 'long:' });
    const [a, b] = [`${'a'.repeat(300)}1`, `${'a'.repeat(300)}2`];
    await store.set(a, record(1, 'u'.repeat(300)), 60);
    await store.set(b, record(2), 60);
    assert.deepEqual((await store.get(a))?.data, { i: 1 });
    assert.deepEqual((await store.get(b))?.data, { i: 2 });
    assert.deepEqual(
      (await store.listByUser?.('u'.repeat(300)))?.map((s) => s.id),
      [a],
    );
  });

  it('200 concurrent patches on one session in one process are combined, and lose nothing', async () => {
    const store = memcachedStore(singleClient as memjs.Client, { prefix: 'hot:' });
    await store.set('k1', record(0), 60);
    const results = await Promise.all(
      Array.from({ length: 200 }, (_, i) => store.patch?.('k1', { set: { [`k${i}`]: i }, unset: [], lastSeenAt: 1_700_000_001 }, 60)),
    );
    assert.ok(results.every(Boolean));
    assert.equal(Object.keys((await store.get('k1'))?.data ?? {}).length, 201);
  });

  it('50 concurrent patches from five app instances (five clients) race through compare-and-swap and lose nothing', async () => {
    const clients = Array.from({ length: 5 }, () => clientFor(single?.port ?? 0));
    try {
      const stores = clients.map((client) => memcachedStore(client, { prefix: 'race:' }));
      await stores[0]?.set('k1', record(0), 60);
      const collisions = async () => Number(/STAT cas_badval (\d+)/.exec(await ask(single?.port ?? 0, 'stats'))?.[1]);
      const before = await collisions();
      const results = await Promise.all(
        Array.from({ length: 50 }, (_, i) =>
          stores[i % 5]?.patch?.('k1', { set: { [`k${i}`]: i }, unset: [], lastSeenAt: 1_700_000_001 }, 60),
        ),
      );
      assert.ok(results.every(Boolean));
      assert.equal(Object.keys((await stores[0]?.get('k1'))?.data ?? {}).length, 51);
      assert.ok((await collisions()) > before, 'the instances did collide, and compare-and-swap sorted it out');
    } finally {
      for (const client of clients) client.close();
    }
  });

  it('refuses something that is not a memjs client', () => {
    assert.throws(() => memcachedStore({} as never), /needs a memjs client/);
  });
});
