import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { ConfigError, type StoreRecord } from 'hallpass';
import { sqliteStore } from 'hallpass/sqlite';
import { describeSessionsOverStore, describeStoreConformance } from 'hallpass/testing';
import { openDatabase, sqliteDriver, type TestDatabase } from '../support/sqlite.js';

const dir = mkdtempSync(join(tmpdir(), 'hallpass-sqlite-'));
const shared = openDatabase(join(dir, 'conformance.db'));
after(() => {
  shared.close();
  rmSync(dir, { recursive: true, force: true });
});

const factory = async () => {
  const store = sqliteStore(shared);
  return { store, close: async () => store.close() };
};

describeStoreConformance(`sqliteStore (${sqliteDriver})`, factory);
describeSessionsOverStore(`sqliteStore (${sqliteDriver})`, factory);

const journalMode = (db: TestDatabase) => (db.prepare('PRAGMA journal_mode').get() as { journal_mode: string }).journal_mode;

let files = 0;
/** A fresh database file in the test directory, closed after the test. */
function freshDb(t: { after: (fn: () => void) => void }, options?: { timeout?: number }) {
  const db = openDatabase(join(dir, `db-${++files}.db`), options);
  t.after(() => db.close());
  return db;
}
const record = (userId?: string): StoreRecord => ({ data: { a: 1 }, createdAt: 1_700_000_000, lastSeenAt: 1_700_000_000, userId });
const count = (db: TestDatabase, table = 'hallpass_sessions') =>
  (db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;

describe('sqliteStore specifics', () => {
  it('switches the file to WAL and creates the table with its indexes', (t) => {
    const db = freshDb(t);
    sqliteStore(db, { cleanupIntervalMs: 0 });
    assert.equal(journalMode(db), 'wal');
    const columns = (db.prepare('PRAGMA table_info(hallpass_sessions)').all() as { name: string; type: string }[]).map(
      (c) => `${c.name} ${c.type}`,
    );
    assert.deepEqual(columns, [
      'key TEXT',
      'data TEXT',
      'created_at INTEGER',
      'last_seen_at INTEGER',
      'user_id TEXT',
      'expires_at INTEGER',
    ]);
    const indexes = db
      .prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL ORDER BY name")
      .all()
      .map((row) => ({ ...(row as object) }));
    assert.deepEqual(indexes, [{ name: 'hallpass_sessions_expires_at' }, { name: 'hallpass_sessions_user_id' }]);
    sqliteStore(db, { cleanupIntervalMs: 0 }); // a second store on an existing table is fine
  });

  it('leaves the journal mode alone with wal: false, and uses the table it is given', async (t) => {
    const db = freshDb(t);
    const store = sqliteStore(db, { wal: false, table: 'web_sessions', cleanupIntervalMs: 0 });
    assert.equal(journalMode(db), 'delete');
    await store.set('k', record(), 60);
    assert.equal(count(db, 'web_sessions'), 1);
  });

  it('refuses a table name that is not a plain identifier, naming the option', (t) => {
    const db = freshDb(t);
    for (const table of ['sessions; DROP TABLE users', 'main.sessions', '', '1abc', 'a"b']) {
      assert.throws(
        () => sqliteStore(db, { table }),
        (error: unknown) => error instanceof ConfigError && error.code === 'ERR_OPTION' && /`table`/.test(error.message),
      );
    }
    assert.throws(() => sqliteStore(db, { cleanupIntervalMs: -1 }), /cleanupIntervalMs/);
  });

  it('never returns, touches or patches an expired row, and cleanup() deletes it (frozen clock)', async (t) => {
    const db = freshDb(t);
    let now = 1_700_000_000_000;
    const store = sqliteStore(db, { now: () => now, cleanupIntervalMs: 0 });
    await store.set('k', record('alice'), 10);
    now += 9_999;
    assert.ok(await store.get('k'), 'live 1 ms before the TTL ends');
    now += 1;
    assert.equal(await store.get('k'), null);
    assert.deepEqual(await store.listByUser('alice'), []);
    assert.equal(await store.patch('k', { set: { b: 2 }, unset: [], lastSeenAt: 1 }, 60), false);
    await store.touch('k', 1, 60);
    assert.equal(await store.get('k'), null, 'touch must not revive it');
    assert.equal(await store.destroyByUser('alice'), 0);
    assert.equal(count(db), 1, 'the row is still on disk until cleanup');
    assert.equal(store.cleanup(), 1);
    assert.equal(count(db), 0);
  });

  it('deletes expired rows on its timer, and close() stops the timer', async (t) => {
    const db = freshDb(t);
    let now = 1_700_000_000_000;
    const store = sqliteStore(db, { now: () => now, cleanupIntervalMs: 10 });
    await store.set('old', record(), 1);
    await store.set('live', record(), 60);
    now += 2_000;
    for (let i = 0; i < 100 && count(db) > 1; i++) await new Promise((resolve) => setTimeout(resolve, 10));
    assert.equal(count(db), 1, 'the timer deleted the expired row and kept the live one');
    store.close();
    await store.set('old-again', record(), 1);
    now += 2_000;
    await new Promise((resolve) => setTimeout(resolve, 60));
    assert.equal(count(db), 2, 'no sweep after close()');
  });

  it('keeps sessions when the database is closed and opened again', async () => {
    const path = join(dir, 'reopen.db');
    const first = openDatabase(path);
    await sqliteStore(first, { cleanupIntervalMs: 0 }).set('k', record('alice'), 60);
    first.close();
    const second = openDatabase(path);
    try {
      const store = sqliteStore(second, { cleanupIntervalMs: 0 });
      assert.deepEqual(await store.get('k'), { data: { a: 1 }, createdAt: 1_700_000_000, lastSeenAt: 1_700_000_000, userId: 'alice' });
    } finally {
      second.close();
    }
  });

  it('patches from two processes writing one file at the same time lose nothing', async () => {
    const path = join(dir, 'processes.db');
    const db = openDatabase(path);
    const store = sqliteStore(db, { cleanupIntervalMs: 0 });
    await store.set('shared', record(), 600);
    const module = fileURLToPath(new URL('../../src/stores/sqlite/index.ts', import.meta.url));
    const opener = fileURLToPath(new URL('../support/sqlite.ts', import.meta.url));
    const child = (name: string) => {
      const script = `
        import { openDatabase } from ${JSON.stringify(opener)};
        import { sqliteStore } from ${JSON.stringify(module)};
        const store = sqliteStore(openDatabase(${JSON.stringify(path)}, { timeout: 5000 }), { cleanupIntervalMs: 0 });
        process.stdout.write('ready\\n');
        process.stdin.once('data', async () => {
          for (let i = 0; i < 100; i++) await store.patch('shared', { set: { ['${name}' + i]: i }, unset: [], lastSeenAt: 1 }, 600);
          process.exit(0);
        });`;
      const proc = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
        stdio: ['pipe', 'pipe', 'inherit'],
      });
      const ready = new Promise((resolve) => proc.stdout.once('data', resolve));
      const exited = new Promise((resolve) => proc.once('exit', resolve));
      return { proc, ready, exited };
    };
    try {
      const children = [child('a'), child('b')];
      await Promise.all(children.map((c) => c.ready));
      for (const c of children) c.proc.stdin.write('go\n');
      assert.deepEqual(await Promise.all(children.map((c) => c.exited)), [0, 0]);
      const data = (await store.get('shared'))?.data ?? {};
      const missing = ['a', 'b'].flatMap((name) => Array.from({ length: 100 }, (_, i) => `${name}${i}`)).filter((k) => !(k in data));
      assert.deepEqual(missing, []);
    } finally {
      db.close();
    }
  });
});
