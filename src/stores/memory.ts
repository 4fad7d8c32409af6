import { ConfigError } from '../core/errors.js';
import { applyPatch } from '../core/json-value.js';
import { isProduction, warnOnce } from '../core/runtime.js';
import type { SessionData, SessionStore, StorePatch, StoreRecord, UserSession } from '../core/types.js';

export interface MemoryStoreOptions {
  /** Most sessions kept; beyond it, one not used recently is dropped (CLOCK, close to least recently used). Default 10000. */
  max?: number;
  /** The clock in milliseconds, for tests. Default `Date.now`. */
  now?: () => number;
}

/** The memory store: the whole contract, and how many entries it holds. */
export interface MemoryStore extends SessionStore {
  compareAndSet: NonNullable<SessionStore['compareAndSet']>;
  readonly evicts: true;
  /** Entries held now, expired ones not yet swept included. */
  readonly size: number;
}

interface Entry {
  json: string;
  createdAt: number;
  lastSeenAt: number;
  userId?: string;
  expiresAt: number;
  /** Used since the clock hand last passed it: it gets a second chance (see `put`). */
  recent: boolean;
}

/** Entries the sweeper visits per write. */
const SWEEP_STEPS = 8;

/**
 * A store in this process's memory: bounded (sessions not used recently dropped first), expired entries
 * swept. Sessions vanish on restart and are not shared between instances, so it warns once when
 * `NODE_ENV=production`; use a persistent store there.
 *
 * It declares `evicts: true` (past `max` it drops entries before their TTL), so it is refused where an
 * evicted record would undo a logout: revocation data and JWT state need a store that keeps every
 * record until its TTL, such as `sqliteStore` (a file, or `:memory:`).
 *
 * @example
 * ```ts
 * createSessions({ store: memoryStore({ max: 50_000 }) })
 * ```
 */
export function memoryStore(options: MemoryStoreOptions = {}): MemoryStore {
  const max = options.max ?? 10_000;
  if (!Number.isSafeInteger(max) || max < 1) {
    throw new ConfigError('ERR_OPTION', `memoryStore \`max\` must be a whole number of entries, 1 or more, got ${String(max)}.`);
  }
  const now = options.now ?? Date.now;
  const entries = new Map<string, Entry>();
  const byUser = new Map<string, Set<string>>();
  if (isProduction()) {
    warnOnce(
      'HALLPASS_MEMORY_STORE',
      'hallpass memoryStore keeps sessions in one process and loses them on restart; use a persistent store in production.',
    );
  }

  const link = (key: string, userId: string | undefined) => {
    if (userId === undefined) return;
    let keys = byUser.get(userId);
    if (!keys) byUser.set(userId, (keys = new Set()));
    keys.add(key);
  };
  const unlink = (key: string, userId: string | undefined) => {
    if (userId === undefined) return;
    const keys = byUser.get(userId);
    keys?.delete(key);
    if (keys?.size === 0) byUser.delete(userId);
  };
  const remove = (key: string) => {
    const entry = entries.get(key);
    if (!entry) return;
    entries.delete(key);
    unlink(key, entry.userId);
  };
  const live = (key: string): Entry | undefined => {
    const entry = entries.get(key);
    if (entry && entry.expiresAt <= now()) {
      remove(key);
      return undefined;
    }
    return entry;
  };
  // Two long-lived iterators over the entries, each wrapping around at the end: the clock hand,
  // which moves only to make room, and the sweeper, which moves a few steps on every write to drop
  // expired entries nobody reads. Sharing one iterator would let the sweep steps run the hand ahead
  // over the newest entries, so eviction would drop those instead of the oldest.
  const cursor = () => {
    let iterator: Iterator<[string, Entry]> | undefined;
    const next = (): [string, Entry] | undefined => {
      let step = iterator?.next();
      if (!step || step.done) {
        iterator = entries.entries();
        step = iterator.next();
      }
      return step.done ? undefined : step.value;
    };
    // A Map iterator that stops moving keeps every hash table the Map has outgrown alive, so a
    // hand with nothing to do lets go of its iterator (the next pass starts from the oldest entry).
    const release = () => {
      iterator = undefined;
    };
    return { next, release };
  };
  const hand = cursor();
  const sweeper = cursor();

  const put = (key: string, entry: Entry) => {
    const previous = entries.get(key);
    if (previous) unlink(key, previous.userId);
    // Replaced in place. Moving a key to the end of the Map (delete, then set) would be the
    // obvious LRU, but V8 makes that pattern cost tens of microseconds per call on a Map of
    // thousands; recency is a flag instead, read by the clock hand below. A new key goes to the
    // end of the Map, just behind the hand, so it is the last the hand reaches.
    entries.set(key, entry);
    link(key, entry.userId);
    const current = now();
    // Beyond the bound, the hand goes round: an entry used since it last passed gets a second
    // chance (flag cleared), the first one not used goes (CLOCK, an approximation of LRU). Each
    // flag the hand clears was set by one read, so the loop is O(1) amortized.
    if (entries.size <= max) hand.release();
    while (entries.size > max) {
      const next = hand.next();
      if (!next) break;
      const [oldKey, old] = next;
      if (oldKey === key) continue;
      if (old.recent && old.expiresAt > current) old.recent = false;
      else remove(oldKey);
    }
    // A few steps of the sweeper on every write remove expired entries that nobody reads: it goes
    // round the whole Map once every size/8 writes, and no timer keeps the process alive.
    for (let step = Math.min(SWEEP_STEPS, entries.size); step > 0; step--) {
      const next = sweeper.next();
      if (!next) break;
      if (next[1].expiresAt <= current) remove(next[0]);
    }
  };

  /** Applies a patch to a live entry, keeping its creation time and, unless the patch says otherwise, its user. */
  const update = (key: string, entry: Entry, patch: StorePatch, ttlSeconds: number, data?: SessionData) => {
    put(key, {
      json: JSON.stringify(applyPatch(data ?? (JSON.parse(entry.json) as SessionData), patch)),
      createdAt: entry.createdAt,
      lastSeenAt: patch.lastSeenAt,
      userId: patch.userId === undefined ? entry.userId : (patch.userId ?? undefined),
      expiresAt: now() + ttlSeconds * 1000,
      recent: true,
    });
  };

  return {
    /** `true`: beyond `max` entries, the least recently used is dropped before its TTL. */
    evicts: true,
    get size() {
      return entries.size;
    },
    async get(key) {
      const entry = live(key);
      if (!entry) return null;
      entry.recent = true;
      const record: StoreRecord = { data: JSON.parse(entry.json), createdAt: entry.createdAt, lastSeenAt: entry.lastSeenAt };
      if (entry.userId !== undefined) record.userId = entry.userId;
      return record;
    },
    async set(key, record, ttlSeconds) {
      put(key, {
        json: JSON.stringify(record.data),
        createdAt: record.createdAt,
        lastSeenAt: record.lastSeenAt,
        userId: record.userId,
        expiresAt: now() + ttlSeconds * 1000,
        recent: false,
      });
    },
    async destroy(key) {
      if (!live(key)) return false;
      remove(key);
      return true;
    },
    async touch(key, lastSeenAt, ttlSeconds) {
      const entry = live(key);
      if (!entry) return false;
      entry.lastSeenAt = lastSeenAt;
      entry.expiresAt = now() + ttlSeconds * 1000;
      entry.recent = true;
      return true;
    },
    async patch(key, patch: StorePatch, ttlSeconds) {
      const entry = live(key);
      if (!entry) return false;
      update(key, entry, patch, ttlSeconds);
      return true;
    },
    // Atomic because nothing between the read and the write awaits: no other call can run in between.
    async compareAndSet(key, field, expected, patch: StorePatch, ttlSeconds) {
      const entry = live(key);
      if (!entry) return false;
      const data = JSON.parse(entry.json) as SessionData;
      if (!Object.hasOwn(data, field) || data[field] !== expected) return false;
      update(key, entry, patch, ttlSeconds, data);
      return true;
    },
    async listByUser(userId) {
      const sessions: UserSession[] = [];
      for (const key of byUser.get(userId) ?? []) {
        const entry = live(key);
        if (entry) sessions.push({ id: key, createdAt: entry.createdAt, lastSeenAt: entry.lastSeenAt });
      }
      return sessions;
    },
    async destroyByUser(userId, exceptKeys = []) {
      let count = 0;
      for (const key of [...(byUser.get(userId) ?? [])]) {
        if (exceptKeys.includes(key)) continue;
        // An expired entry the sweeper has not reached yet is already over: drop it, don't count it.
        if (!live(key)) continue;
        remove(key);
        count++;
      }
      return count;
    },
  };
}
