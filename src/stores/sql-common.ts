import { ConfigError } from '../core/errors.js';
import type { SessionData, StoreRecord, UserSession } from '../core/types.js';

/** The table both SQL stores use unless told otherwise. */
export const DEFAULT_TABLE = 'hallpass_sessions';

/** Expired rows are deleted this often by default (5 minutes); reads skip them in between. */
export const DEFAULT_CLEANUP_INTERVAL_MS = 5 * 60 * 1000;

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]{0,47}$/;

/**
 * Checks a table name and returns it double-quoted. Names are never taken from requests, but a typo
 * should fail at start-up with a clear message, not as SQL. `schema.table` only where `allowSchema`.
 */
export function tableName(name: unknown, allowSchema: boolean): { quoted: string; bare: string } {
  const parts = typeof name === 'string' ? name.split('.') : [];
  const valid = parts.length >= 1 && parts.length <= (allowSchema ? 2 : 1) && parts.every((part) => IDENTIFIER.test(part));
  if (!valid) {
    throw new ConfigError(
      'ERR_OPTION',
      `\`table\` must be a plain SQL identifier (letters, digits and _, up to 48 characters${allowSchema ? ', optionally schema.table' : ''}), got ${JSON.stringify(name)}.`,
    );
  }
  return { quoted: parts.map((part) => `"${part}"`).join('.'), bare: parts[parts.length - 1] as string };
}

/** Checks `cleanupIntervalMs` (0 turns the timer off) and fills in the default. */
export function cleanupInterval(value: unknown): number {
  if (value === undefined) return DEFAULT_CLEANUP_INTERVAL_MS;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new ConfigError(
      'ERR_OPTION',
      `\`cleanupIntervalMs\` must be 0 (off) or a positive number of milliseconds, got ${String(value)}.`,
    );
  }
  return value;
}

/**
 * Runs `sweep` every `intervalMs` on a timer that never keeps the process alive. A failed sweep is
 * dropped quietly (the next one retries, and reads skip expired rows anyway); nothing is logged, so
 * no session data can reach a log. Returns the function that stops the timer.
 */
export function startCleanup(intervalMs: number, sweep: () => unknown): () => void {
  if (intervalMs === 0) return () => {};
  const timer = setInterval(() => {
    try {
      const result = sweep();
      if (result instanceof Promise) result.catch(() => {});
    } catch {
      // Same as a rejected sweep: retried on the next tick.
    }
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}

/** A row as both SQL stores select it. Integers may arrive as numbers, strings (pg bigint) or bigints. */
export interface SessionRow {
  data: string | SessionData;
  created_at: number | string | bigint;
  last_seen_at: number | string | bigint;
  user_id: string | null;
}

/** Turns a row into a store record; `data` is JSON text (SQLite) or already parsed (pg jsonb). */
export function recordFromRow(row: SessionRow): StoreRecord {
  const data = typeof row.data === 'string' ? (JSON.parse(row.data) as SessionData) : row.data;
  const record: StoreRecord = { data, createdAt: Number(row.created_at), lastSeenAt: Number(row.last_seen_at) };
  if (row.user_id !== null && row.user_id !== undefined) record.userId = row.user_id;
  return record;
}

/** Turns a `listByUser` row into its entry. */
export function userSessionFromRow(row: {
  key: string;
  created_at: number | string | bigint;
  last_seen_at: number | string | bigint;
}): UserSession {
  return { id: row.key, createdAt: Number(row.created_at), lastSeenAt: Number(row.last_seen_at) };
}
