import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { memoryStore, type StoreRecord } from 'hallpass';
import { describeSessionsOverStore, describeStoreConformance } from 'hallpass/testing';

const factory = async () => ({ store: memoryStore(), close: async () => {} });

describeStoreConformance('memoryStore', factory);
describeSessionsOverStore('memoryStore', factory);

const record = (data: StoreRecord['data'] = {}, userId?: string): StoreRecord => ({
  data,
  createdAt: 1_700_000_000,
  lastSeenAt: 1_700_000_000,
  userId,
});

describe('memoryStore specifics', () => {
  it('warns once, in production, that sessions live in one process', async () => {
    const previous = process.env.NODE_ENV;
    const warnings: string[] = [];
    const onWarning = (warning: Error) => warnings.push(warning.message);
    process.on('warning', onWarning);
    try {
      process.env.NODE_ENV = 'production';
      memoryStore();
      memoryStore();
      await new Promise((resolve) => setImmediate(resolve));
    } finally {
      process.off('warning', onWarning);
      if (previous === undefined) delete process.env.NODE_ENV;
      else process.env.NODE_ENV = previous;
    }
    assert.equal(warnings.length, 1);
    assert.match(warnings[0] ?? '', /memoryStore keeps sessions in one process/);
  });

  it('keeps at most `max` entries, dropping the least recently used first', async () => {
    const store = memoryStore({ max: 3 });
    for (const key of ['a', 'b', 'c']) await store.set(key, record({ key }), 60);
    assert.ok(await store.get('a'), 'reading a makes it the most recently used');
    await store.set('d', record({ key: 'd' }), 60);
    assert.equal(store.size, 3);
    assert.equal(await store.get('b'), null, 'b was the least recently used');
    for (const key of ['a', 'c', 'd']) assert.ok(await store.get(key), `${key} must remain`);
  });

  it('sweeps expired entries on later writes, without anyone reading them (frozen clock)', async () => {
    let now = 1_700_000_000_000;
    const store = memoryStore({ now: () => now });
    await store.set('short-1', record({}, 'alice'), 10);
    await store.set('short-2', record(), 10);
    await store.set('long', record(), 3600);
    now += 9_999;
    await store.set('early', record(), 60);
    assert.equal(store.size, 4, 'nothing is swept 1 ms before the TTL ends');
    now += 1;
    await store.set('fresh', record(), 60);
    assert.equal(store.size, 3, 'both expired entries are swept by the write');
    assert.deepEqual(await store.listByUser?.('alice'), []);
    assert.equal(await store.patch?.('short-2', { set: { a: 1 }, unset: [], lastSeenAt: 1 }, 60), false);
    assert.equal(await store.get('short-2'), null);
  });

  it('the conformance suite fails a store whose patch is a non-atomic read-modify-write', () => {
    // A store that reads, awaits, then writes the whole record: what loses concurrent updates.
    const dir = mkdtempSync(join(tmpdir(), 'hallpass-lossy-'));
    const testing = fileURLToPath(new URL('../../src/testing/index.ts', import.meta.url));
    const core = fileURLToPath(new URL('../../src/index.ts', import.meta.url));
    const file = join(dir, 'lossy.test.ts');
    writeFileSync(
      file,
      `import { memoryStore } from ${JSON.stringify(core)};
import { describeSessionsOverStore, describeStoreConformance } from ${JSON.stringify(testing)};
const lossy = () => {
  const inner = memoryStore();
  return { ...inner, get: inner.get, set: inner.set, destroy: inner.destroy,
    async patch(key, patch, ttl) {
      const current = await inner.get(key);
      if (!current) return false;
      await new Promise((resolve) => setTimeout(resolve, 1));
      await inner.set(key, { ...current, data: { ...current.data, ...patch.set }, lastSeenAt: patch.lastSeenAt }, ttl);
      return true;
    } };
};
const factory = async () => ({ store: lossy(), close: async () => {} });
describeStoreConformance('lossy', factory);
describeSessionsOverStore('lossy', factory);
`,
    );
    try {
      const run = spawnSync(
        process.execPath,
        ['--import', 'tsx', '--test', '--test-reporter=tap', '--test-name-pattern=concurrent|parallel', file],
        {
          encoding: 'utf8',
          timeout: 60_000,
          // Without this the nested runner reports to the outer one instead of printing TAP.
          env: { ...process.env, NODE_TEST_CONTEXT: undefined },
        },
      );
      assert.notEqual(run.status, 0, run.stdout);
      assert.match(run.stdout, /not ok .* - 50 concurrent patches/);
      assert.match(run.stdout, /not ok .* - 50 parallel requests/);
      assert.match(run.stdout, /lost updates/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
