import { applyPatch } from './json-value.js';
import type { SessionStore, StorePatch, StoreRecord, UserSession } from './types.js';

export interface MemoryStoreOptions {
  /** Most sessions kept; the least recently used is dropped beyond it. Default 10000. */
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
}

let warned = false;
const SWEEP_EVERY_WRITES = 1000;

/**
 * A store in this process's memory: bounded (least recently used dropped first), expired entries
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
  const put = (key: string, entry: Entry) => {
    const previous = entries.get(key);
    if (previous) {
      entries.delete(key);
      unlink(key, previous.userId);
    }
    entries.set(key, entry);
    link(key, entry.userId);
    // Sweep a few of the oldest entries on every write: expired ones go, and the bound holds.
    let checked = 0;
    for (const [oldKey, old] of entries) {
      if (entries.size > max || (old.expiresAt <= now() && checked < 8)) remove(oldKey);
      else break;
      checked++;
    }
    // Recently used order is not expiry order, so now and then sweep everything (amortised over
    // many writes; no timer keeps the process alive).
    if (++writesSinceSweep >= SWEEP_EVERY_WRITES) {
      writesSinceSweep = 0;
      const current = now();
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
      entries.delete(key);
      entries.set(key, entry); // most recently used goes last
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
        remove(key);
        count++;
      }
      return count;
    },
  };
}
