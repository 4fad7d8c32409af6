/**
 * A Memcached session store for `memjs` clients, one server or several.
 * @module
 */
import { applyPatch } from '../../core/json-value.js';
import type { SessionData, SessionStore, StorePatch, StoreRecord, UserSession } from '../../core/types.js';
import { batchByKey } from './batch.js';
import { type CasStep, casUpdate, read, write } from './cas.js';
import { itemKey, type MemjsClientLike } from './protocol.js';

export type { MemjsClientLike } from './protocol.js';

export interface MemcachedStoreOptions {
  /** Prepended to every key this store writes. Default `"hallpass:"`. */
  prefix?: string;
}

/** The Memcached store: the whole contract; it declares `evicts: true`. */
export type MemcachedStore = Required<SessionStore>;

/** A session as stored: compact field names, since every byte travels on every read. */
interface Item {
  c: number;
  s: number;
  u?: string;
  d: SessionData;
  /** When the session expires, in Unix milliseconds: memcached's own expiry is whole seconds, rounded up. */
  x: number;
}

/** A user's index: the session keys and when the index may expire (Unix seconds). */
interface UserIndex {
  e: number;
  k: string[];
}

const nowSeconds = () => Math.floor(Date.now() / 1000);
/** The item in `json`, or undefined when there is none or it has expired (memcached may keep it up to a second longer). */
function parseItem(json: string | undefined): Item | undefined {
  if (json === undefined) return undefined;
  const item = JSON.parse(json) as Item;
  return item.x > Date.now() ? item : undefined;
}
const expiresAt = (ttlSeconds: number) => Date.now() + Math.round(ttlSeconds * 1000);
const parseIndex = (json: string | undefined): UserIndex => (json === undefined ? { e: 0, k: [] } : (JSON.parse(json) as UserIndex));

function itemOf(record: StoreRecord, ttlSeconds: number): Item {
  const item: Item = { c: record.createdAt, s: record.lastSeenAt, d: record.data, x: expiresAt(ttlSeconds) };
  if (record.userId !== undefined) item.u = record.userId;
  return item;
}

/** The item after `patch`: changed keys applied, creation time kept, the user changed only if the patch says so. */
function patched(current: Item, patch: StorePatch, ttlSeconds: number): Item {
  const next: Item = { c: current.c, s: patch.lastSeenAt, d: applyPatch(current.d, patch), x: expiresAt(ttlSeconds) };
  const userId = patch.userId === undefined ? current.u : (patch.userId ?? undefined);
  if (userId !== undefined) next.u = userId;
  return next;
}

function recordOf(item: Item): StoreRecord {
  const record: StoreRecord = { data: item.d, createdAt: item.c, lastSeenAt: item.s };
  if (item.u !== undefined) record.userId = item.u;
  return record;
}

/**
 * Keeps sessions in Memcached through the app's `memjs` client. Each session is one JSON item;
 * a commit applies only the keys that changed with gets/compare-and-swap, retried with jittered
 * backoff when concurrent requests write the same session, so none of their keys is lost. Several
 * servers work as memjs spreads them (`Client.create('host1:11211,host2:11211')`): a session and
 * its updates always land on the same server.
 *
 * A user's sessions are listed in an item of their own, updated by compare-and-swap; members whose
 * session has expired or ended are dropped when the list is read. Memcached is a cache: a restart
 * or an eviction under memory pressure logs users out. Give it memory to spare, or pick Redis or
 * PostgreSQL when sessions must survive. For the same reason it declares `evicts: true`, and hallpass
 * refuses it for revocation data and JWT state. `compareAndSet` is a gets/cas round, so of several
 * callers expecting the same value exactly one applies.
 *
 * @example
 * ```ts
 * import memjs from 'memjs'
 * import { createSessions } from 'hallpass'
 * import { memcachedStore } from 'hallpass/memcached'
 *
 * const memcached = memjs.Client.create(process.env.MEMCACHED_SERVERS, { timeout: 1, retries: 1, keepAlive: true })
 * const sessions = createSessions({ store: memcachedStore(memcached, { prefix: 'myapp:sess:' }) })
 * ```
 */
export function memcachedStore(client: MemjsClientLike, options: MemcachedStoreOptions = {}): MemcachedStore {
  if (typeof client?.perform !== 'function' || typeof client.incrSeq !== 'function') {
    throw new TypeError('memcachedStore needs a memjs client: memjs.Client.create("host:11211,...").');
  }
  const prefix = options.prefix ?? 'hallpass:';
  const sessionKey = (key: string) => itemKey(prefix, key);
  const userKey = (userId: string) => itemKey(`${prefix}user:`, userId);

  /** Adds the session to the user's index and makes the index live at least as long as it. */
  const link = (userId: string, key: string, ttlSeconds: number) =>
    casUpdate(client, userKey(userId), (current) => {
      const index = parseIndex(current);
      const until = nowSeconds() + Math.ceil(ttlSeconds);
      if (index.k.includes(key) && index.e >= until) return null;
      const next: UserIndex = { e: Math.max(index.e, until), k: index.k.includes(key) ? index.k : [...index.k, key] };
      return { write: JSON.stringify(next), ttlSeconds: next.e - nowSeconds() };
    });

  const unlink = (userId: string, keys: readonly string[]) =>
    keys.length === 0
      ? Promise.resolve(false)
      : casUpdate(client, userKey(userId), (current): CasStep => {
          if (current === undefined) return null;
          const index = parseIndex(current);
          const kept = index.k.filter((key) => !keys.includes(key));
          if (kept.length === index.k.length) return null;
          if (kept.length === 0) return { remove: true };
          return { write: JSON.stringify({ e: index.e, k: kept }), ttlSeconds: Math.max(1, index.e - nowSeconds()) };
        });

  /**
   * Applies changes to a session under compare-and-swap, combining the changes that queue up for
   * one session in this process. Resolves the item written, or undefined when there is no session.
   */
  const update = batchByKey(async (key: string, changes: Array<(item: Item) => Item>) => {
    let written: Item | undefined;
    await casUpdate(client, sessionKey(key), (current) => {
      const item = parseItem(current);
      written = item && changes.reduce((next, change) => change(next), item);
      return written ? { write: JSON.stringify(written), ttlSeconds: (written.x - Date.now()) / 1000 } : null;
    });
    return written;
  });

  const indexOf = async (userId: string) => parseIndex((await read(client, userKey(userId))).value).k;

  return {
    /** `true`: memcached drops items before their expiry when it needs the memory. */
    evicts: true,
    async get(key) {
      const item = parseItem((await read(client, sessionKey(key))).value);
      return item ? recordOf(item) : null;
    },

    async set(key, record, ttlSeconds) {
      await write(client, sessionKey(key), JSON.stringify(itemOf(record, ttlSeconds)), ttlSeconds);
      // Linked after the write, so a reader of the index never drops the member as stale.
      if (record.userId !== undefined) await link(record.userId, key, ttlSeconds);
    },

    async destroy(key) {
      let item: Item | undefined;
      const removed = await casUpdate(client, sessionKey(key), (current) => {
        item = parseItem(current);
        return { remove: true };
      });
      if (item?.u !== undefined) await unlink(item.u, [key]);
      // An item past its deadline that memcached still held was removed, but was no live session.
      return removed && item !== undefined;
    },

    async touch(key, lastSeenAt, ttlSeconds) {
      // Memcached's own `touch` moves only the expiry; the record's last-seen time must move with
      // it, or the idle timeout would end the session anyway. So: a CAS rewrite of the item.
      const item = await update(key, (current) => ({ ...current, s: lastSeenAt, x: expiresAt(ttlSeconds) }));
      if (item?.u !== undefined) await link(item.u, key, ttlSeconds);
      return item !== undefined; // undefined: no session, and none is created
    },

    async patch(key, patch: StorePatch, ttlSeconds) {
      // Linked first: the session exists already, so the member is never dropped as stale.
      if (typeof patch.userId === 'string') await link(patch.userId, key, ttlSeconds);
      const item = await update(key, (current) => patched(current, patch, ttlSeconds));
      return item !== undefined; // undefined: ended by another request, and never brought back
    },

    async compareAndSet(key, field, expected, patch, ttlSeconds) {
      if (typeof patch.userId === 'string') await link(patch.userId, key, ttlSeconds);
      // Straight to gets/cas, not through the per-key batch: each caller needs its own answer.
      // A write between our read and our cas makes the cas fail, and the compare runs again on
      // what was written.
      return casUpdate(client, sessionKey(key), (current) => {
        const item = parseItem(current);
        if (!item || !Object.hasOwn(item.d, field) || item.d[field] !== expected) return null;
        const next = patched(item, patch, ttlSeconds);
        return { write: JSON.stringify(next), ttlSeconds: (next.x - Date.now()) / 1000 };
      });
    },

    async listByUser(userId) {
      const found: UserSession[] = [];
      const gone: string[] = [];
      await Promise.all(
        (await indexOf(userId)).map(async (key) => {
          const item = parseItem((await read(client, sessionKey(key))).value);
          if (!item) gone.push(key);
          // A member whose session moved to another user is not listed (it goes once the session does).
          else if (item.u === userId) found.push({ id: key, createdAt: item.c, lastSeenAt: item.s });
        }),
      );
      await unlink(userId, gone);
      return found.sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : 1));
    },

    async destroyByUser(userId, exceptKeys = []) {
      const done: string[] = [];
      let destroyed = 0;
      await Promise.all(
        (await indexOf(userId))
          .filter((key) => !exceptKeys.includes(key))
          .map(async (key) => {
            let gone = false;
            // Removed under CAS, so a session that just moved to another user is left alone.
            const removed = await casUpdate(client, sessionKey(key), (current) => {
              const item = parseItem(current);
              gone = !item;
              return item?.u === userId ? { remove: true } : null;
            });
            if (removed) destroyed++;
            if (removed || gone) done.push(key);
          }),
      );
      await unlink(userId, done);
      return destroyed;
    },
  };
}
