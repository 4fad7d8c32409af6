import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, describe, it } from 'node:test';
import { ConfigError, type StoreRecord } from 'hallpass';
import { type PostgresQueryable, postgresStore } from 'hallpass/postgres';
import { describeSessionsOverStore, describeStoreConformance } from 'hallpass/testing';
import pg from 'pg';
import { needService, reachable } from '../support/services.js';

const skip = needService(
  'PostgreSQL',
  await reachable(5432),
  'Start PostgreSQL on 127.0.0.1:5432 with trust auth for user postgres and a database named test, then run `node scripts/test.mjs test/stores/postgres`.',
);

// One table per run, so runs on a shared server never see each other's rows.
const run = `hp_${process.pid}_${randomBytes(3).toString('hex')}`;
const tables = new Set<string>();
const tableFor = (suffix = '') => {
  const name = `${run}${suffix}`;
  tables.add(name);
  return name;
};
const connect = () => new pg.Pool({ host: '127.0.0.1', port: 5432, user: 'postgres', database: 'test', max: 10 });
const pool = skip ? undefined : connect();
after(async () => {
  if (!pool) return;
  for (const table of tables) await pool.query(`DROP TABLE IF EXISTS "${table}"`);
  await pool.end();
});

const factory = async () => {
  const store = postgresStore(pool as pg.Pool, { table: tableFor() });
  return { store, close: async () => store.close() };
};

describeStoreConformance('postgresStore', factory, { skip });
describeSessionsOverStore('postgresStore', factory, { skip });

const record = (userId?: string): StoreRecord => ({ data: { a: 1 }, createdAt: 1_700_000_000, lastSeenAt: 1_700_000_000, userId });
const db = () => pool as pg.Pool;

describe('postgresStore specifics', { skip }, () => {
  it('creates the table with a jsonb data column and indexes on user_id and expires_at', async () => {
    const table = tableFor('_schema');
    const store = postgresStore(db(), { table, cleanupIntervalMs: 0 });
    await store.set('k', record('alice'), 60);
    const { rows: columns } = await db().query(
      'SELECT column_name, data_type FROM information_schema.columns WHERE table_name = $1 ORDER BY ordinal_position',
      [table],
    );
    assert.deepEqual(
      columns.map((c) => `${c.column_name} ${c.data_type}`),
      ['key text', 'data jsonb', 'created_at bigint', 'last_seen_at bigint', 'user_id text', 'expires_at timestamp with time zone'],
    );
    const { rows: indexes } = await db().query('SELECT indexname FROM pg_indexes WHERE tablename = $1 ORDER BY indexname', [table]);
    assert.deepEqual(
      indexes.map((i) => i.indexname),
      [`${table}_expires_at_idx`, `${table}_pkey`, `${table}_user_id_idx`],
    );
    const { rows } = await db().query(`SELECT data->>'a' AS a, jsonb_typeof(data) AS kind FROM "${table}" WHERE key = 'k'`);
    assert.deepEqual(rows, [{ a: '1', kind: 'object' }]);
  });

  it('with createTable: false creates nothing and fails on a missing table', async () => {
    const table = tableFor('_absent');
    const store = postgresStore(db(), { table, createTable: false, cleanupIntervalMs: 0 });
    await assert.rejects(store.get('k'), (error: { code?: string }) => error.code === '42P01');
    const { rows } = await db().query('SELECT to_regclass($1) AS found', [table]);
    assert.deepEqual(rows, [{ found: null }]);
  });

  it('refuses a table name that is not a plain identifier, naming the option', () => {
    for (const table of ['sessions; DROP TABLE users', 'a.b.c', '', 'a"b', 'x'.repeat(49)]) {
      assert.throws(
        () => postgresStore(db(), { table }),
        (error: unknown) => error instanceof ConfigError && error.code === 'ERR_OPTION' && /`table`/.test(error.message),
      );
    }
    assert.throws(() => postgresStore(db(), { cleanupIntervalMs: Number.NaN }), /cleanupIntervalMs/);
  });

  it('never returns, touches or patches an expired row, and cleanup() deletes it', async () => {
    const table = tableFor('_expired');
    const store = postgresStore(db(), { table, cleanupIntervalMs: 0 });
    await store.set('live', record('alice'), 60);
    await db().query(
      `INSERT INTO "${table}" (key, data, created_at, last_seen_at, user_id, expires_at)
       VALUES ('old', '{"a":1}', 1, 1, 'alice', now() - interval '1 second')`,
    );
    assert.equal(await store.get('old'), null);
    assert.deepEqual(
      (await store.listByUser('alice')).map((s) => s.id),
      ['live'],
    );
    assert.equal(await store.patch('old', { set: { b: 2 }, unset: [], lastSeenAt: 1 }, 60), false);
    await store.touch('old', 1, 60);
    assert.equal(await store.get('old'), null, 'touch must not revive it');
    assert.equal(await store.destroyByUser('alice', ['live']), 0);
    assert.equal(await store.cleanup(), 1);
    const { rows } = await db().query(`SELECT key FROM "${table}"`);
    assert.deepEqual(rows, [{ key: 'live' }]);
  });

  it('deletes expired rows on its timer, and close() stops the timer', async () => {
    const table = tableFor('_timer');
    const store = postgresStore(db(), { table, cleanupIntervalMs: 20 });
    await store.set('live', record(), 60);
    const insertExpired = (key: string) =>
      db().query(
        `INSERT INTO "${table}" (key, data, created_at, last_seen_at, expires_at) VALUES ($1, '{}', 1, 1, now() - interval '1 second')`,
        [key],
      );
    const count = async () => Number((await db().query(`SELECT count(*) AS n FROM "${table}"`)).rows[0].n);
    await insertExpired('old');
    for (let i = 0; i < 100 && (await count()) > 1; i++) await new Promise((resolve) => setTimeout(resolve, 10));
    assert.equal(await count(), 1, 'the timer deleted the expired row and kept the live one');
    store.close();
    await new Promise((resolve) => setTimeout(resolve, 30));
    await insertExpired('old-again');
    await new Promise((resolve) => setTimeout(resolve, 80));
    assert.equal(await count(), 2, 'no sweep after close()');
  });

  it('patches with one UPDATE statement once the table is ready', async () => {
    const texts: string[] = [];
    const recording: PostgresQueryable = {
      query: (text, values) => {
        texts.push(text);
        return db().query(text, values);
      },
    };
    const store = postgresStore(recording, { table: tableFor('_statements'), cleanupIntervalMs: 0 });
    await store.set('k', record(), 60);
    texts.length = 0;
    assert.equal(await store.patch('k', { set: { b: 2 }, unset: ['a'], lastSeenAt: 2, userId: 'bob' }, 60), true);
    assert.equal(texts.length, 1);
    assert.match(
      texts[0] ?? '',
      /^UPDATE .* SET\s+data = \(\(CASE WHEN \$2::boolean THEN '\{\}'::jsonb ELSE data END\) \|\| \$3::jsonb\) - \$4::text\[\]/s,
    );
    assert.deepEqual(await store.get('k'), { data: { b: 2 }, createdAt: 1_700_000_000, lastSeenAt: 2, userId: 'bob' });
  });

  it('two app instances (two pools) patching one session at once lose nothing', async () => {
    const table = tableFor('_instances');
    const other = connect();
    try {
      const [first, second] = [postgresStore(db(), { table, cleanupIntervalMs: 0 }), postgresStore(other, { table, cleanupIntervalMs: 0 })];
      await first.set('shared', record(), 60);
      await Promise.all(
        Array.from({ length: 60 }, (_, i) =>
          (i % 2 ? first : second).patch('shared', { set: { [`k${i}`]: i }, unset: [], lastSeenAt: 2 }, 60),
        ),
      );
      const data = (await second.get('shared'))?.data ?? {};
      assert.deepEqual(Object.keys(data).length, 61);
    } finally {
      await other.end();
    }
  });

  it('fails the write when a value holds text jsonb cannot store (U+0000)', async () => {
    const store = postgresStore(db(), { table: tableFor(), cleanupIntervalMs: 0 });
    await assert.rejects(store.set('nul', { ...record(), data: { text: 'a\u0000b' } }, 60), /unsupported Unicode escape sequence/);
  });
});
