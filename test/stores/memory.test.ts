import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { ConfigError, memoryStore, type StoreRecord } from 'hallpass';
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

  it('after N > max inserts it holds exactly max entries: the newest, the first one inserted included among the evicted', async () => {
    for (const max of [1, 3, 100, 1000]) {
      const store = memoryStore({ max });
      for (let i = 0; i < max * 3 + 1; i++) {
        await store.set(`k${i}`, record(), 600);
        assert.ok(store.size <= max, `max ${max}: ${store.size} entries after insert ${i}`);
      }
      assert.equal(store.size, max, `max ${max}`);
      assert.equal(await store.get('k0'), null, `max ${max}: the first entry inserted must be evictable`);
      // Nothing was read, so eviction is first in, first out: exactly the newest `max` remain.
      const survivors: number[] = [];
      for (let i = 0; i < max * 3 + 1; i++) if (await store.get(`k${i}`)) survivors.push(i);
      assert.deepEqual(
        survivors,
        Array.from({ length: max }, (_, i) => max * 2 + 1 + i),
        `max ${max}: the survivors`,
      );
    }
  });

  it('an entry used since the clock hand last passed survives the pass (CLOCK second chance); the unused ones go first', async () => {
    const store = memoryStore({ max: 100 });
    for (let i = 0; i < 100; i++) await store.set(`k${i}`, record(), 600);
    for (let i = 0; i < 10; i++) assert.ok(await store.get(`k${i}`)); // used: k0-k9
    assert.equal(await store.touch('k10', 1, 600), true); // used: k10
    assert.equal(await store.patch('k11', { set: { a: 1 }, unset: [], lastSeenAt: 1 }, 600), true); // used: k11
    for (let i = 100; i < 120; i++) await store.set(`k${i}`, record(), 600);
    assert.equal(store.size, 100);
    for (let i = 0; i < 12; i++) assert.ok(await store.get(`k${i}`), `k${i} was used and must survive the pass`);
    for (let i = 12; i < 32; i++) assert.equal(await store.get(`k${i}`), null, `k${i} was never used and goes first`);
    for (let i = 32; i < 120; i++) assert.ok(await store.get(`k${i}`), `k${i} must remain`);
  });

  it('stays at max when every entry was used: the hand clears the flags, then evicts', async () => {
    const store = memoryStore({ max: 50 });
    for (let i = 0; i < 50; i++) await store.set(`k${i}`, record(), 600);
    for (let round = 0; round < 3; round++) {
      for (let i = 0; i < 50; i++) await store.get(`k${round * 50 + i}`);
      for (let i = 0; i < 50; i++) await store.set(`k${(round + 1) * 50 + i}`, record(), 600);
      assert.equal(store.size, 50, `round ${round}`);
    }
  });

  it('refuses a max that is not a whole number of entries from 1, naming the option', () => {
    for (const max of [0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, '10' as unknown as number]) {
      assert.throws(
        () => memoryStore({ max }),
        (error: unknown) => error instanceof ConfigError && /memoryStore `max`/.test(error.message),
        String(max),
      );
    }
  });

  it('declares evicts: true, so it is refused for revocation data and JWT state', () => {
    assert.equal(memoryStore().evicts, true);
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
    const stdout = runSuiteOn(
      `const inner = memoryStore();
  return { ...inner, get: inner.get, set: inner.set, destroy: inner.destroy,
    async patch(key, patch, ttl) {
      const current = await inner.get(key);
      if (!current) return false;
      await new Promise((resolve) => setTimeout(resolve, 1));
      await inner.set(key, { ...current, data: { ...current.data, ...patch.set }, lastSeenAt: patch.lastSeenAt }, ttl);
      return true;
    } };`,
      'concurrent|parallel',
    );
    assert.match(stdout, /not ok .* - 50 concurrent patches/);
    assert.match(stdout, /not ok .* - 50 parallel requests/);
    assert.match(stdout, /lost updates/);
  });

  it('the conformance suite fails a store whose patch and touch create a missing record (resurrection after a logout)', () => {
    const stdout = runSuiteOn(
      `const inner = memoryStore();
  const revive = async (key, data, lastSeenAt, ttl) => inner.set(key, { data, createdAt: lastSeenAt, lastSeenAt }, ttl);
  return { ...inner, get: inner.get, set: inner.set, destroy: inner.destroy, compareAndSet: inner.compareAndSet,
    async patch(key, patch, ttl) {
      if (!(await inner.get(key))) await revive(key, patch.set, patch.lastSeenAt, ttl);
      else await inner.patch(key, patch, ttl);
      return true;
    },
    async touch(key, lastSeenAt, ttl) {
      if (!(await inner.get(key))) await revive(key, {}, lastSeenAt, ttl);
      else await inner.touch(key, lastSeenAt, ttl);
      return true;
    } };`,
      'after a logout|alongside a logout|missing key',
    );
    assert.match(stdout, /not ok .* - a patch after a logout creates nothing/);
    assert.match(stdout, /not ok .* - a touch after a logout creates nothing/);
    assert.match(stdout, /not ok .* - late patches and touches committed alongside a logout never leave the session behind/);
    assert.match(stdout, /not ok .* - touch on a missing key resolves false and creates nothing/);
    assert.match(stdout, /not ok .* - patch on a missing key resolves false and creates nothing/);
  });

  it('the conformance suite fails a store whose compareAndSet reads, then writes (two callers both win)', () => {
    const stdout = runSuiteOn(
      `const inner = memoryStore();
  return { ...inner, get: inner.get, set: inner.set, destroy: inner.destroy, touch: inner.touch, patch: inner.patch,
    async compareAndSet(key, field, expected, patch, ttl) {
      const current = await inner.get(key);
      if (!current || current.data[field] !== expected) return false;
      await new Promise((resolve) => setTimeout(resolve, 1)); // a round trip between the read and the write
      return inner.patch(key, patch, ttl);
    } };`,
      'concurrent compareAndSet',
    );
    assert.match(stdout, /not ok .* - of 12 concurrent compareAndSet calls expecting the same value, exactly one applies/);
    // How many of the 12 get through depends on timing; more than one always does.
    const winners = Number(/exactly one compareAndSet must apply, (\d+) did/.exec(stdout)?.[1]);
    assert.ok(winners > 1, `winners: ${winners}`);
  });
});

/**
 * Runs the conformance suites on a store made by `body` (the body of a factory function, with
 * `memoryStore` in scope) in a child test runner, keeping the tests matching `pattern`; asserts the
 * run failed and resolves its TAP output.
 */
function runSuiteOn(body: string, pattern: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'hallpass-faulty-'));
  const testing = fileURLToPath(new URL('../../src/testing/index.ts', import.meta.url));
  const core = fileURLToPath(new URL('../../src/index.ts', import.meta.url));
  const file = join(dir, 'faulty.test.ts');
  writeFileSync(
    file,
    `import { memoryStore } from ${JSON.stringify(core)};
import { describeSessionsOverStore, describeStoreConformance } from ${JSON.stringify(testing)};
const faulty = () => {
  ${body}
};
const factory = async () => ({ store: faulty(), close: async () => {} });
describeStoreConformance('faulty', factory);
describeSessionsOverStore('faulty', factory);
`,
  );
  try {
    const run = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-reporter=tap', `--test-name-pattern=${pattern}`, file], {
      encoding: 'utf8',
      timeout: 60_000,
      // Without this the nested runner reports to the outer one instead of printing TAP.
      env: { ...process.env, NODE_TEST_CONTEXT: undefined },
    });
    assert.notEqual(run.status, 0, run.stdout);
    return run.stdout;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
