/**
 * A session store on SQLite through `better-sqlite3` or Node's built-in `node:sqlite`
 * (`DatabaseSync`): embedded, persistent, no server to run.
 *
 * @example
 * ```ts
 * import Database from 'better-sqlite3'
 * import { createSessions } from 'hallpass'
 * import { sqliteStore } from 'hallpass/sqlite'
 *
 * const sessions = createSessions({ store: sqliteStore(new Database('sessions.db')) })
 * ```
 * @module
 */
export type { SqliteRevocationsOptions } from './revocations.js';
export { sqliteRevocations } from './revocations.js';

import { applyPatch } from '../../core/json-value.js';
import type { SessionData, SessionStore, StorePatch, StoreRecord } from '../../core/types.js';
import {
  cleanupInterval,
  DEFAULT_TABLE,
  recordFromRow,
  type SessionRow,
  startCleanup,
  tableName,
  userSessionFromRow,
} from '../sql-common.js';

/** The part of a `better-sqlite3` (or `node:sqlite`) statement the store uses. */
export interface SqliteStatement {
  run(...params: any[]): { changes: number | bigint };
  get(...params: any[]): unknown;
  all(...params: any[]): unknown[];
}

/**
 * The part of a `better-sqlite3` `Database` (or a `node:sqlite` `DatabaseSync`) the store uses, typed
 * structurally so hallpass depends on neither driver. Any object with these methods and the same
 * synchronous semantics works.
 */
export interface SqliteDatabase {
  prepare(source: string): SqliteStatement;
  exec(source: string): unknown;
  /** better-sqlite3's `transaction(fn)`; without it (`node:sqlite`) the store issues `BEGIN IMMEDIATE` itself. */
  transaction?(fn: (...args: any[]) => any): { immediate(...args: any[]): any };
}

/** Wraps `fn` so it runs inside `BEGIN IMMEDIATE ... COMMIT`, rolled back when it throws. */
function immediateTransaction<A extends unknown[], R>(db: SqliteDatabase, fn: (...args: A) => R): (...args: A) => R {
  if (db.transaction) return db.transaction(fn).immediate as (...args: A) => R;
  return (...args: A) => {
    db.exec('BEGIN IMMEDIATE');
    try {
      const result = fn(...args);
      db.exec('COMMIT');
      return result;
    } catch (error) {
      db.exec('ROLLBACK');
      throw error;
    }
  };
}

/** Options of `sqliteStore`. */
export interface SqliteStoreOptions {
  /** Table name; created with its indexes when missing. Default `"hallpass_sessions"`. */
  table?: string;
  /**
   * Switch the database to write-ahead logging, so readers never wait for the writer. Default `true`.
   * WAL is a property of the database file; set `false` if you manage `journal_mode` yourself.
   */
  wal?: boolean;
  /** The clock in milliseconds, for tests. Default `Date.now`. */
  now?: () => number;
  /** How often expired rows are deleted, in milliseconds; 0 turns the timer off. Default 300000 (5 minutes). */
  cleanupIntervalMs?: number;
}

/** The SQLite store: the whole contract, plus `cleanup` and `close`. */
export interface SqliteStore extends Required<SessionStore> {
  /** Deletes expired rows now; returns how many. */
  cleanup(): number;
  /** Stops the cleanup timer. The database stays open: it is yours to close. */
  close(): void;
}

/**
 * A session store on the `better-sqlite3` (or `node:sqlite`) database you pass. Creates its table (key, data as JSON
 * text, created_at, last_seen_at, user_id, expires_at, with indexes on user_id and expires_at) if
 * missing, switches the file to WAL, never returns an expired row, and deletes expired rows on an
 * unref'd timer. `patch` is a read-modify-write inside `BEGIN IMMEDIATE`, so concurrent patches
 * lose nothing, also across processes sharing the file; `compareAndSet` is the same, with the
 * compare in the `UPDATE ... WHERE`. `touch` and `patch` never create a row, and the store never
 * drops a row before its TTL (`evicts: false`), so it may hold revocation data and JWT state. The driver is synchronous; the methods still
 * return promises, as the contract asks.
 *
 * When several processes share the file, open it with a short busy timeout
 * (`new Database(path, { timeout: 200 })`): a synchronous wait for the lock blocks the event loop.
 *
 * @example
 * ```ts
 * import Database from 'better-sqlite3'
 * import { sqliteStore } from 'hallpass/sqlite'
 *
 * const db = new Database(process.env.SQLITE_PATH ?? 'sessions.db')
 * const store = sqliteStore(db, { table: 'web_sessions', cleanupIntervalMs: 60_000 })
 * const sessions = createSessions({ store })
 * // on shutdown: store.close(); db.close()
 * ```
 */
export function sqliteStore(db: SqliteDatabase, options: SqliteStoreOptions = {}): SqliteStore {
  const { quoted: table, bare } = tableName(options.table ?? DEFAULT_TABLE, false);
  const now = options.now ?? Date.now;
  const interval = cleanupInterval(options.cleanupIntervalMs);
  if (options.wal !== false) db.exec('PRAGMA journal_mode = WAL');
  db.exec(
    `CREATE TABLE IF NOT EXISTS ${table} (
      key TEXT PRIMARY KEY NOT NULL,
      data TEXT NOT NULL,
      created_at INTEGER NOT NULL,
      last_seen_at INTEGER NOT NULL,
      user_id TEXT,
      expires_at INTEGER NOT NULL
    ) WITHOUT ROWID;
    CREATE INDEX IF NOT EXISTS "${bare}_user_id" ON ${table} (user_id) WHERE user_id IS NOT NULL;
    CREATE INDEX IF NOT EXISTS "${bare}_expires_at" ON ${table} (expires_at);`,
  );
  const sql = {
    get: db.prepare(`SELECT data, created_at, last_seen_at, user_id FROM ${table} WHERE key = ? AND expires_at > ?`),
    set: db.prepare(`INSERT OR REPLACE INTO ${table} (key, data, created_at, last_seen_at, user_id, expires_at) VALUES (?, ?, ?, ?, ?, ?)`),
    // A row past its TTL is deleted too, but does not count as a live record.
    destroy: db.prepare(`DELETE FROM ${table} WHERE key = ? RETURNING expires_at > ? AS live`),
    touch: db.prepare(`UPDATE ${table} SET last_seen_at = ?, expires_at = ? WHERE key = ? AND expires_at > ?`),
    update: db.prepare(`UPDATE ${table} SET data = ?, last_seen_at = ?, user_id = ?, expires_at = ? WHERE key = ?`),
    // The compare is in the WHERE clause: the write lands only on a live row whose data key holds
    // exactly that string (json_each's type 'text' tells the string "1" from the number 1).
    compareAndSet: db.prepare(
      `UPDATE ${table} SET data = ?, last_seen_at = ?, user_id = ?, expires_at = ?
        WHERE key = ? AND expires_at > ?
          AND EXISTS (SELECT 1 FROM json_each(${table}.data) WHERE json_each.key = ? AND type = 'text' AND value = ?)`,
    ),
    listByUser: db.prepare(`SELECT key, created_at, last_seen_at FROM ${table} WHERE user_id = ? AND expires_at > ?`),
    destroyByUser: db.prepare(`DELETE FROM ${table} WHERE user_id = ? AND expires_at > ? AND key NOT IN (SELECT value FROM json_each(?))`),
    sweep: db.prepare(`DELETE FROM ${table} WHERE expires_at <= ?`),
  };
  const expiresAt = (ttlSeconds: number) => now() + Math.round(ttlSeconds * 1000);
  const liveRow = (key: string) => sql.get.get(key, now()) as SessionRow | undefined;

  /** The row after `patch`, as the values of `sql.update` and `sql.compareAndSet` (data, last seen, user, expiry). */
  const patched = (row: SessionRow, patch: StorePatch, ttlSeconds: number) => {
    const data = applyPatch(JSON.parse(row.data as string) as SessionData, patch);
    const userId = patch.userId === undefined ? row.user_id : patch.userId;
    return [JSON.stringify(data), patch.lastSeenAt, userId, expiresAt(ttlSeconds)] as const;
  };

  // IMMEDIATE takes the write lock before the read, so no other connection can write in between.
  const patchInTransaction = immediateTransaction(db, (key: string, patch: StorePatch, ttlSeconds: number): boolean => {
    const row = liveRow(key);
    if (!row) return false;
    sql.update.run(...patched(row, patch, ttlSeconds), key);
    return true;
  });
  const compareAndSetInTransaction = immediateTransaction(
    db,
    (key: string, field: string, expected: string, patch: StorePatch, ttlSeconds: number): boolean => {
      const row = liveRow(key);
      if (!row) return false;
      const changes = sql.compareAndSet.run(...patched(row, patch, ttlSeconds), key, now(), field, expected).changes;
      return Number(changes) === 1;
    },
  );

  const cleanup = () => Number(sql.sweep.run(now()).changes);
  const close = startCleanup(interval, cleanup);

  return {
    /** `false`: a row stays until its TTL (or a destroy); nothing drops it to make room. */
    evicts: false,
    async get(key) {
      const row = liveRow(key);
      return row ? recordFromRow(row) : null;
    },
    async set(key: string, record: StoreRecord, ttlSeconds: number) {
      const data = JSON.stringify(record.data);
      sql.set.run(key, data, record.createdAt, record.lastSeenAt, record.userId ?? null, expiresAt(ttlSeconds));
    },
    async destroy(key) {
      const row = sql.destroy.get(key, now()) as { live: number | bigint } | undefined;
      return row !== undefined && Number(row.live) === 1;
    },
    async touch(key, lastSeenAt, ttlSeconds) {
      return Number(sql.touch.run(lastSeenAt, expiresAt(ttlSeconds), key, now()).changes) === 1;
    },
    async patch(key, patch, ttlSeconds) {
      return patchInTransaction(key, patch, ttlSeconds);
    },
    async compareAndSet(key, field, expected, patch, ttlSeconds) {
      return compareAndSetInTransaction(key, field, expected, patch, ttlSeconds);
    },
    async listByUser(userId) {
      return (sql.listByUser.all(userId, now()) as Parameters<typeof userSessionFromRow>[0][]).map(userSessionFromRow);
    },
    async destroyByUser(userId, exceptKeys = []) {
      return Number(sql.destroyByUser.run(userId, now(), JSON.stringify(exceptKeys)).changes);
    },
    cleanup,
    close,
  };
}
