/**
 * A session store on PostgreSQL through `pg`: shared by every app instance, data in a jsonb column.
 *
 * @example
 * ```ts
 * import pg from 'pg'
 * import { createSessions } from 'hallpass'
 * import { postgresStore } from 'hallpass/postgres'
 *
 * const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL })
 * const sessions = createSessions({ store: postgresStore(pool) })
 * ```
 * @module
 */
import type { SessionStore, StorePatch, StoreRecord } from '../core/types.js';
import {
  cleanupInterval,
  DEFAULT_TABLE,
  recordFromRow,
  type SessionRow,
  startCleanup,
  tableName,
  userSessionFromRow,
} from './sql-common.js';

/** What the store needs from a `pg` `Pool` (or `Client`), typed structurally so hallpass does not depend on `pg`. */
export interface PostgresQueryable {
  /** Rows are whatever the driver parsed. */
  query(text: string, values?: unknown[]): Promise<{ rows: any[]; rowCount: number | null }>;
}

/** Options of `postgresStore`. */
export interface PostgresStoreOptions {
  /** Table name, optionally `schema.table`. Default `"hallpass_sessions"`. */
  table?: string;
  /**
   * Create the table and its indexes on first use when missing (`CREATE TABLE IF NOT EXISTS`).
   * Default `true`; set `false` when migrations own the schema (see `postgresTableSql`).
   */
  createTable?: boolean;
  /** How often expired rows are deleted, in milliseconds; 0 turns the timer off. Default 300000 (5 minutes). */
  cleanupIntervalMs?: number;
}

/** The PostgreSQL store: the whole contract, plus `cleanup` and `close`. */
export interface PostgresStore extends Required<SessionStore> {
  /** Deletes expired rows now; resolves how many. */
  cleanup(): Promise<number>;
  /** Stops the cleanup timer. The pool stays open: it is yours to end. */
  close(): void;
}

/**
 * The statements that create the session table and its indexes, for a migration tool. Expiry uses
 * the database clock (`now()`), so every app instance agrees on it.
 *
 * @example
 * ```ts
 * await pool.query(postgresTableSql('app.sessions'))
 * ```
 */
export function postgresTableSql(table: string = DEFAULT_TABLE): string {
  const { quoted, bare } = tableName(table, true);
  return `CREATE TABLE IF NOT EXISTS ${quoted} (
  key text PRIMARY KEY,
  data jsonb NOT NULL,
  created_at bigint NOT NULL,
  last_seen_at bigint NOT NULL,
  user_id text,
  expires_at timestamptz NOT NULL
);
CREATE INDEX IF NOT EXISTS "${bare}_user_id_idx" ON ${quoted} (user_id) WHERE user_id IS NOT NULL;
CREATE INDEX IF NOT EXISTS "${bare}_expires_at_idx" ON ${quoted} (expires_at);`;
}

/** The parameters $1-$8 of the patch statements. */
function patchValues(key: string, patch: StorePatch, ttlSeconds: number): unknown[] {
  const userChanged = patch.userId !== undefined;
  return [
    key,
    patch.replace === true,
    JSON.stringify(patch.set),
    patch.unset,
    patch.lastSeenAt,
    userChanged,
    userChanged ? patch.userId : null,
    ttlSeconds,
  ];
}

// Two instances starting at once can both try CREATE TABLE IF NOT EXISTS; the loser sees one of these.
const CONCURRENT_CREATE = new Set(['23505', '42P07']);

/**
 * A session store on the `pg` pool you pass. Data sits in a jsonb column; `patch` is ONE `UPDATE`
 * that merges the changed keys into the stored jsonb and removes the unset ones
 * (`(data || $set) - $unset`), so concurrent patches never lose each other's keys and a patch of a
 * missing or expired row changes nothing; `compareAndSet` is the same `UPDATE` with the compare in
 * its `WHERE`. The store never drops a row before its TTL (`evicts: false`), so it may hold
 * revocation data and JWT state. TTLs become an `expires_at` on the database clock; expired
 * rows are never returned and are deleted on an unref'd timer. Session data is never logged.
 *
 * JSON text PostgreSQL's jsonb cannot hold (the character U+0000, unpaired surrogates) fails the
 * write with a `StoreError`.
 *
 * @example
 * ```ts
 * import pg from 'pg'
 * import { postgresStore } from 'hallpass/postgres'
 *
 * const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL })
 * const store = postgresStore(pool, { table: 'web_sessions', cleanupIntervalMs: 60_000 })
 * const sessions = createSessions({ store })
 * // on shutdown: store.close(); await pool.end()
 * ```
 */
export function postgresStore(pool: PostgresQueryable, options: PostgresStoreOptions = {}): PostgresStore {
  const { quoted: table } = tableName(options.table ?? DEFAULT_TABLE, true);
  const ddl = postgresTableSql(options.table ?? DEFAULT_TABLE);
  const interval = cleanupInterval(options.cleanupIntervalMs);
  const expiry = (param: string) => `now() + ${param}::double precision * interval '1 second'`;

  let tableReady = options.createTable === false;
  let ready: Promise<void> | undefined;
  const ensureTable = (): Promise<void> => {
    if (!ready) {
      ready = pool.query(ddl).then(
        () => {
          tableReady = true;
        },
        (error: { code?: string }) => {
          if (!CONCURRENT_CREATE.has(error?.code ?? '')) throw error;
          return pool.query(ddl).then(() => {
            tableReady = true;
          });
        },
      );
      // A failed attempt (database down at start-up) is retried by the next call, not remembered.
      ready.catch(() => {
        ready = undefined;
      });
    }
    return ready;
  };
  const query = async (text: string, values: unknown[]) => {
    if (!tableReady) await ensureTable();
    return pool.query(text, values);
  };

  const sql = {
    get: `SELECT data, created_at, last_seen_at, user_id FROM ${table} WHERE key = $1 AND expires_at > now()`,
    set: `INSERT INTO ${table} (key, data, created_at, last_seen_at, user_id, expires_at)
      VALUES ($1, $2::jsonb, $3, $4, $5, ${expiry('$6')})
      ON CONFLICT (key) DO UPDATE SET data = EXCLUDED.data, created_at = EXCLUDED.created_at,
        last_seen_at = EXCLUDED.last_seen_at, user_id = EXCLUDED.user_id, expires_at = EXCLUDED.expires_at`,
    // A row past its TTL is deleted too, but does not count as a live record.
    destroy: `DELETE FROM ${table} WHERE key = $1 RETURNING expires_at > now() AS live`,
    touch: `UPDATE ${table} SET last_seen_at = $2, expires_at = ${expiry('$3')} WHERE key = $1 AND expires_at > now() RETURNING 1`,
    // One statement: the row lock serialises concurrent patches, and each re-reads the newest data.
    patch: `UPDATE ${table} SET
        data = ((CASE WHEN $2::boolean THEN '{}'::jsonb ELSE data END) || $3::jsonb) - $4::text[],
        last_seen_at = $5,
        user_id = CASE WHEN $6::boolean THEN $7::text ELSE user_id END,
        expires_at = ${expiry('$8')}
      WHERE key = $1 AND expires_at > now()
      RETURNING 1`,
    // The patch, applied only where the data key $9 holds exactly the string $10 (a jsonb compare:
    // the number 1 is not the string "1"). The row lock makes concurrent ones take turns, and each
    // re-checks the compare on the row the one before it wrote.
    compareAndSet: `UPDATE ${table} SET
        data = ((CASE WHEN $2::boolean THEN '{}'::jsonb ELSE data END) || $3::jsonb) - $4::text[],
        last_seen_at = $5,
        user_id = CASE WHEN $6::boolean THEN $7::text ELSE user_id END,
        expires_at = ${expiry('$8')}
      WHERE key = $1 AND expires_at > now() AND data -> $9::text = to_jsonb($10::text)
      RETURNING 1`,
    listByUser: `SELECT key, created_at, last_seen_at FROM ${table} WHERE user_id = $1 AND expires_at > now()`,
    destroyByUser: `DELETE FROM ${table} WHERE user_id = $1 AND expires_at > now() AND NOT (key = ANY($2::text[]))`,
    sweep: `DELETE FROM ${table} WHERE expires_at <= now()`,
  };

  const cleanup = async () => (await query(sql.sweep, [])).rowCount ?? 0;
  const close = startCleanup(interval, cleanup);

  return {
    /** `false`: a row stays until its TTL (or a destroy); nothing drops it to make room. */
    evicts: false,
    async get(key) {
      const { rows } = await query(sql.get, [key]);
      return rows[0] ? recordFromRow(rows[0] as SessionRow) : null;
    },
    async set(key: string, record: StoreRecord, ttlSeconds: number) {
      const values = [key, JSON.stringify(record.data), record.createdAt, record.lastSeenAt, record.userId ?? null, ttlSeconds];
      await query(sql.set, values);
    },
    async destroy(key) {
      const { rows } = await query(sql.destroy, [key]);
      return rows[0]?.live === true;
    },
    async touch(key, lastSeenAt, ttlSeconds) {
      return ((await query(sql.touch, [key, lastSeenAt, ttlSeconds])).rowCount ?? 0) > 0;
    },
    async patch(key: string, patch: StorePatch, ttlSeconds: number) {
      return ((await query(sql.patch, patchValues(key, patch, ttlSeconds))).rowCount ?? 0) > 0;
    },
    async compareAndSet(key, field, expected, patch, ttlSeconds) {
      const values = [...patchValues(key, patch, ttlSeconds), field, expected];
      return ((await query(sql.compareAndSet, values)).rowCount ?? 0) > 0;
    },
    async listByUser(userId) {
      return (await query(sql.listByUser, [userId])).rows.map(userSessionFromRow);
    },
    async destroyByUser(userId, exceptKeys = []) {
      return (await query(sql.destroyByUser, [userId, [...exceptKeys]])).rowCount ?? 0;
    },
    cleanup,
    close,
  };
}
