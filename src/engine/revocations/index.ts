import { ConfigError } from '../../core/errors.js';
import { callStore } from '../../core/store-call.js';
import type { Revocations, SessionEvent, SessionStore } from '../../core/types.js';

export type { Revocations, RevokedSession } from '../../core/types.js';

/** Options of the store-backed revocations `createSessions({ revocationStore })` builds. */
export interface StoreRevocationsOptions {
  /** Milliseconds a store call may take. */
  timeoutMs: number;
  onEvent?: (event: SessionEvent) => void;
}

/**
 * Revocations kept in a shared store (Redis, PostgreSQL, SQLite, ...) so every instance refuses an
 * ended session and a restart forgets nothing. The store must declare `evicts: false`: an evicted
 * revocation would bring a logged-out cookie back.
 */
export function storeRevocations(store: SessionStore, { timeoutMs, onEvent }: StoreRevocationsOptions): Revocations {
  if (store.evicts !== false) {
    throw new ConfigError(
      'ERR_OPTION',
      `\`revocationStore\` must keep every record until its TTL, and this store ${store.evicts ? 'evicts records to make room (an LRU such as memoryStore(), or Memcached)' : 'does not declare `evicts: false`'}: an evicted revocation brings a logged-out cookie back. Use redisStore or redisHttpStore (with maxmemory-policy noeviction), postgresStore or sqliteStore, or sqliteRevocations(db) from hallpass/sqlite.`,
    );
  }
  const key = (id: string) => `revoked:${id}`;
  return {
    durable: true,
    synchronous: false,
    async isRevoked(id) {
      return (await callStore('get', () => store.get(key(id)), timeoutMs, onEvent)) != null;
    },
    async revoke({ id, userId, until }, now) {
      const record = { data: {}, createdAt: now, lastSeenAt: now, userId };
      await callStore('set', () => store.set(key(id), record, Math.max(1, until - now)), timeoutMs, onEvent);
    },
  };
}

const REVOCATIONS_METHODS = ['isRevoked', 'revoke'] as const;

/** Checks an app-supplied `revocations` object at start-up. */
export function checkRevocations(value: unknown): Revocations {
  const candidate = value as Partial<Revocations> | null;
  if (
    !candidate ||
    REVOCATIONS_METHODS.some((method) => typeof candidate[method] !== 'function') ||
    typeof candidate.durable !== 'boolean' ||
    typeof candidate.synchronous !== 'boolean'
  ) {
    throw new ConfigError(
      'ERR_OPTION',
      '`revocations` must implement isRevoked and revoke and say whether it is `durable` and `synchronous`, e.g. memoryRevocations() or sqliteRevocations(db) from hallpass/sqlite.',
    );
  }
  return candidate as Revocations;
}
