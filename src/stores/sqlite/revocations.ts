import { ConfigError } from '../../core/errors.js';
import type { Revocations } from '../../core/types.js';
import { tableName } from '../sql-common.js';
import type { SqliteDatabase } from './index.js';

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
  if (!Number.isSafeInteger(sweepEvery) || sweepEvery < 1) {
    throw new ConfigError(
      'ERR_OPTION',
      `sqliteRevocations: \`sweepEvery\` must be a whole number of revocations, at least 1, got ${String(options.sweepEvery)}.`,
    );
  }
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
    // A database in memory is gone with the process: no better than the default, and the
    // production warning must say so.
    durable: !inMemory(db),
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

/** True for `new Database(':memory:')` (better-sqlite3 says so) and for an in-memory `node:sqlite` database. */
function inMemory(db: SqliteDatabase): boolean {
  const described = db as { memory?: boolean; name?: string; location?: () => string | null };
  if (typeof described.memory === 'boolean') return described.memory;
  if (typeof described.location === 'function') return !described.location();
  return described.name === ':memory:' || described.name === '';
}
