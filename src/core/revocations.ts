import { ConfigError } from './errors.js';
import { callStore } from './store-call.js';
import type { SessionEvent, SessionStore } from './types.js';

/** One ended session, as a revocation list records it. */
export interface RevokedSession {
  /** The inner session ID the cookie carries. */
  id: string;
  /** The user the session belonged to: entries compete for room with the same user's entries first. */
  userId: string;
  /** Unix seconds after which no cookie of this session could be accepted anyway (absolute or idle deadline). */
  until: number;
}

/**
 * Where cookie mode remembers logged-out sessions, so that a copy of a cookie taken before the
 * logout is refused. Only sessions that held a user (`session.userId`) are recorded: a guest's
 * cookie grants nothing, so nothing a guest does can fill the list.
 *
 * hallpass ships three: `memoryRevocations` (the default: this process only, bounded, forgotten on
 * restart), `sqliteRevocations` from `hallpass/sqlite` (a file: survives restarts, shared by the
 * processes of one host) and `revocationStore` (any store that does not evict, shared by every
 * instance). Implement this interface to keep them elsewhere.
 */
export interface Revocations {
  /** `true` when a revocation survives a restart of this process and is seen by the app's other processes. */
  readonly durable: boolean;
  /** `true` when `isRevoked` answers without a promise: the cookie can then be decoded lazily, on first use. */
  readonly synchronous: boolean;
  /** Whether the session `id` was revoked and may still be presented. `now` is Unix seconds. */
  isRevoked(id: string, now: number): boolean | Promise<boolean>;
  /** Records a revocation until `entry.until`. `now` is Unix seconds. */
  revoke(entry: RevokedSession, now: number): void | Promise<void>;
}

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
      `\`revocationStore\` must keep every record until its TTL, and this store ${store.evicts ? 'evicts records to make room (an LRU such as memoryStore(), or Memcached)' : 'does not declare `evicts: false`'}: an evicted revocation brings a logged-out cookie back. Use redisStore (with maxmemory-policy noeviction), postgresStore or sqliteStore, or sqliteRevocations(db) from hallpass/sqlite.`,
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
