import type { Revocations } from '../core/revocations.js';
import { tableName } from './sql-common.js';
import type { SqliteDatabase } from './sqlite.js';

/** Options of `sqliteRevocations`. */
export interface SqliteRevocationsOptions {
  /** Table name; created when missing. Default `"hallpass_revocations"`. */
  table?: string;
  /** Expired rows are deleted once every this many revocations. Default 1000. */
  sweepEvery?: number;
}

/**
 * Cookie-mode logouts kept in a SQLite file through `better-sqlite3` or `node:sqlite`: a logged-out
 * cookie stays refused after a restart, and every process of the host that opens the same file
 * (cluster or PM2 workers) refuses it too. Nothing is ever dropped before the cookie it refuses
 * would have expired anyway, and the lookup is synchronous, so a request that never reads its
 * session still costs nothing.
 *
 * Open the file in WAL mode with `synchronous = NORMAL` (what the example does): a logout then
 * survives a crash of the app, and readers never wait for the writer.
 *
 * @example
 * ```ts
 * import Database from 'better-sqlite3'
 * import { sqliteRevocations } from 'hallpass/sqlite'
 *
 * const db = new Database('revocations.db')
 * db.pragma('journal_mode = WAL')
 * db.pragma('synchronous = NORMAL')
 * const sessions = createSessions({ secret: process.env.SESSION_SECRET, revocations: sqliteRevocations(db) })
 * ```
 */
export function sqliteRevocations(db: SqliteDatabase, options: SqliteRevocationsOptions = {}): Revocations {
  const { quoted: table, bare } = tableName(options.table ?? 'hallpass_revocations', false);
  const sweepEvery = options.sweepEvery ?? 1000;
  db.exec(
    `CREATE TABLE IF NOT EXISTS ${table} (
      id TEXT PRIMARY KEY NOT NULL,
      user_id TEXT NOT NULL,
      until INTEGER NOT NULL
    ) WITHOUT ROWID;
    CREATE INDEX IF NOT EXISTS "${bare}_until" ON ${table} (until);`,
  );
  const sql = {
    find: db.prepare(`SELECT 1 AS revoked FROM ${table} WHERE id = ? AND until > ?`),
    // A revocation repeated with an earlier deadline never shortens the first.
    add: db.prepare(
      `INSERT INTO ${table} (id, user_id, until) VALUES (?, ?, ?) ON CONFLICT (id) DO UPDATE SET until = max(until, excluded.until)`,
    ),
    sweep: db.prepare(`DELETE FROM ${table} WHERE until <= ?`),
  };
  let sinceSweep = 0;
  return {
    durable: true,
    synchronous: true,
    isRevoked(id, now) {
      return sql.find.get(id, now) !== undefined;
    },
    revoke({ id, userId, until }, now) {
      sql.add.run(id, userId, until);
      if (++sinceSweep >= sweepEvery) {
        sinceSweep = 0;
        sql.sweep.run(now);
      }
    },
  };
}
