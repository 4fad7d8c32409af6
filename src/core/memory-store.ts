import { applyPatch } from './json-value.js';
import type { SessionStore, StorePatch, StoreRecord, UserSession } from './types.js';

export interface MemoryStoreOptions {
  /** Most sessions kept; beyond it, one not used recently is dropped (CLOCK, close to least recently used). Default 10000. */
  max?: number;
  /** The clock in milliseconds, for tests. Default `Date.now`. */
  now?: () => number;
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

let warned = false;
const SWEEP_EVERY_WRITES = 1000;

/**
 * A store in this process's memory: bounded (sessions not used recently dropped first), expired entries
 * swept. Sessions vanish on restart and are not shared between instances, so it warns once when
 * `NODE_ENV=production`; use a persistent store there.
 *
 * @example
 * ```ts
 * createSessions({ store: memoryStore({ max: 50_000 }) })
 * ```
 */
export function memoryStore(options: MemoryStoreOptions = {}): SessionStore & { readonly size: number } {
  const max = options.max ?? 10_000;
  const now = options.now ?? Date.now;
  const entries = new Map<string, Entry>();
  const byUser = new Map<string, Set<string>>();
  if (process.env.NODE_ENV === 'production' && !warned) {
    warned = true;
    process.emitWarning(
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
  // The clock hand: a long-lived iterator over the entries, wrapping around at the end.
  let hand: Iterator<[string, Entry]> | undefined;
  const advance = (): [string, Entry] | undefined => {
    let step = hand?.next();
    if (!step || step.done) {
      hand = entries.entries();
      step = hand.next();
    }
    return step.done ? undefined : step.value;
  };

  const put = (key: string, entry: Entry) => {
    const previous = entries.get(key);
    if (previous) unlink(key, previous.userId);
    // Replaced in place. Moving a key to the end of the Map (delete, then set) would be the
    // obvious LRU, but V8 makes that pattern cost tens of microseconds per call on a Map of
    // thousands; recency is a flag instead, read by the clock hand below.
    entries.set(key, entry);
    link(key, entry.userId);
    const current = now();
    // Beyond the bound, the hand goes round: an entry used since it last passed gets a second
    // chance (flag cleared), the first one not used goes (CLOCK, an approximation of LRU).
    while (entries.size > max) {
      const next = advance();
      if (!next) break;
      const [oldKey, old] = next;
      if (oldKey === key) continue;
      if (old.recent && old.expiresAt > current) old.recent = false;
      else remove(oldKey);
    }
    // A few steps of the hand on every write remove expired entries that nobody reads.
    for (let step = 0; step < 8; step++) {
      const next = advance();
      if (!next) break;
      if (next[1].expiresAt <= current) remove(next[0]);
    }
    // And now and then a sweep of everything (amortised over many writes; no timer keeps the
    // process alive).
    if (++writesSinceSweep >= SWEEP_EVERY_WRITES) {
      writesSinceSweep = 0;
      for (const [oldKey, old] of entries) if (old.expiresAt <= current) remove(oldKey);
    }
  };
  let writesSinceSweep = 0;

  return {
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
      remove(key);
    },
    async touch(key, lastSeenAt, ttlSeconds) {
      const entry = live(key);
      if (!entry) return;
      entry.lastSeenAt = lastSeenAt;
      entry.expiresAt = now() + ttlSeconds * 1000;
      entry.recent = true;
    },
    async patch(key, patch: StorePatch, ttlSeconds) {
      const entry = live(key);
      if (!entry) return false;
      const data = applyPatch(JSON.parse(entry.json), patch);
      put(key, {
        json: JSON.stringify(data),
        createdAt: entry.createdAt,
        lastSeenAt: patch.lastSeenAt,
        userId: patch.userId === undefined ? entry.userId : (patch.userId ?? undefined),
        expiresAt: now() + ttlSeconds * 1000,
        recent: true,
      });
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
