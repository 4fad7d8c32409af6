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

/** Options of `memoryRevocations`. */
export interface MemoryRevocationsOptions {
  /** Most entries kept in all. Default 100000 (at most about 45 MB; see docs/security.md). */
  max?: number;
  /** Most entries kept for one user; past it the user's own oldest entry goes first. Default 32. */
  perUser?: number;
  /** Told when entries are dropped to stay within the bounds (`revocation-overflow`). */
  onEvent?: (event: SessionEvent) => void;
}

interface Entry {
  readonly id: string;
  readonly user: UserEntries;
  readonly until: number;
  live: boolean;
  /** The same user's next entry (newer). */
  next: Entry | undefined;
}

/** One user's live entries, oldest first, as a chain through `Entry.next`. */
interface UserEntries {
  readonly userId: string;
  first: Entry | undefined;
  last: Entry | undefined;
  count: number;
}

/**
 * Revocations in this process's memory: bounded in entries, O(1) amortized per revocation, and
 * built so that no stream of requests by other clients makes anyone else's session invalid (there
 * is no global cut-off). When a bound is reached an entry is dropped, which lets that one cookie be
 * accepted again until its own deadline, so drops go where they hurt the flooder: first the
 * flooding user's own oldest entries (`perUser`), and when the whole list is full, the oldest
 * entry of whichever user holds the most. Every drop is a `revocation-overflow` event. Forgotten
 * on restart and not shared between processes: for those, use `sqliteRevocations` or a
 * `revocationStore`.
 *
 * @example
 * ```ts
 * createSessions({ secret, revocations: memoryRevocations({ max: 200_000, onEvent: log }) })
 * ```
 */
export function memoryRevocations(options: MemoryRevocationsOptions = {}): Revocations & { readonly size: number } {
  const max = boundOption('max', options.max, 100_000);
  const perUser = boundOption('perUser', options.perUser, 32);
  const onEvent = options.onEvent;
  const byId = new Map<string, Entry>();
  const byUser = new Map<string, UserEntries>();
  // Users by how many entries they hold, so the fullest is found in O(1) when the list is full.
  const bySize: Array<Set<UserEntries>> = [];
  let largest = 0;
  // Every entry in the order it came, for sweeping expired ones from the front; dropped entries
  // stay (marked not live) until the front reaches them or the queue is compacted.
  let queue: Entry[] = [];
  let front = 0;

  const resize = (user: UserEntries, from: number) => {
    bySize[from]?.delete(user);
    const to = user.count;
    if (to > 0) (bySize[to] ??= new Set()).add(user);
    else byUser.delete(user.userId);
    if (to > largest) largest = to;
    while (largest > 0 && !bySize[largest]?.size) largest--;
  };

  /** Drops the user's oldest entry. */
  const dropOldest = (user: UserEntries) => {
    const entry = user.first as Entry;
    user.first = entry.next;
    if (user.first === undefined) user.last = undefined;
    entry.next = undefined;
    entry.live = false;
    byId.delete(entry.id);
    user.count--;
    resize(user, user.count + 1);
  };

  /** Unlinks an entry that is no longer live from its user's chain (rare: a session revoked twice). */
  const unlink = (entry: Entry) => {
    const user = entry.user;
    let previous: Entry | undefined;
    for (let cursor = user.first; cursor !== undefined; previous = cursor, cursor = cursor.next) {
      if (cursor !== entry) continue;
      if (previous) previous.next = entry.next;
      else user.first = entry.next;
      if (user.last === entry) user.last = previous;
      entry.next = undefined;
      user.count--;
      resize(user, user.count + 1);
      return;
    }
  };

  const sweep = (now: number) => {
    while (front < queue.length) {
      const entry = queue[front] as Entry;
      if (entry.live) {
        if (entry.until > now) break;
        // The oldest entry overall is its user's oldest too: the first of the user's chain.
        dropOldest(entry.user);
      }
      queue[front++] = undefined as unknown as Entry;
    }
    if (front > 1024 && front * 2 > queue.length) {
      queue = queue.slice(front);
      front = 0;
    }
    // Entries dropped for a bound stay in the queue: compact when they outnumber the live ones.
    if (queue.length - front > 2 * byId.size + 1024) {
      queue = queue.slice(front).filter((entry) => entry.live);
      front = 0;
    }
  };

  return {
    durable: false,
    synchronous: true,
    get size() {
      return byId.size;
    },
    isRevoked(id, now) {
      const entry = byId.get(id);
      return entry !== undefined && entry.until > now;
    },
    revoke({ id, userId, until }, now) {
      sweep(now);
      if (until <= now) return;
      const existing = byId.get(id);
      if (existing) {
        // Revoked twice (a retried logout): the first entry stands unless this one lasts longer.
        if (existing.until >= until) return;
        existing.live = false;
        byId.delete(id);
        unlink(existing);
      }
      let user = byUser.get(userId);
      if (!user) {
        user = { userId, first: undefined, last: undefined, count: 0 };
        byUser.set(userId, user);
      }
      const entry: Entry = { id, user, until, live: true, next: undefined };
      if (user.last) user.last.next = entry;
      else user.first = entry;
      user.last = entry;
      user.count++;
      byId.set(id, entry);
      queue.push(entry);
      resize(user, user.count - 1);
      if (user.count > perUser) {
        dropOldest(user);
        onEvent?.({ type: 'revocation-overflow', scope: 'user', dropped: 1, userId });
      }
      if (byId.size > max) {
        const fullest = bySize[largest]?.values().next().value as UserEntries;
        const dropped = fullest.userId;
        dropOldest(fullest);
        onEvent?.({ type: 'revocation-overflow', scope: 'all', dropped: 1, userId: dropped });
      }
    },
  };
}

function boundOption(option: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) {
    throw new ConfigError(
      'ERR_OPTION',
      `memoryRevocations: \`${option}\` must be a whole number of entries, at least 1, got ${String(value)}.`,
    );
  }
  return value;
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
