/**
 * The Redis store's logic over one function that sends a command, whatever carries it: a TCP client
 * (`hallpass/redis`) or Redis's HTTP protocol (`hallpass/redis-http`). Runtime-neutral: no Node API.
 * @module
 */
import type { Json, SessionData, SessionStore, StorePatch, StoreRecord, UserSession } from '../../core/types.js';
import { type RedisScript, type RedisSend, type RedisSendBatch, runScript, runScriptBatch } from './command.js';
import { countReply, fieldsReply, hashReply, integerReply, membersReply, ownerReply } from './replies.js';
import {
  COMPARE_AND_SET,
  DESTROY_IF_USER,
  DESTROY_SESSION,
  GET_SESSION,
  GET_SESSION_FLAT,
  LINK_USER,
  PATCH_SESSION,
  SET_SESSION,
  TOUCH_SESSION,
} from './scripts.js';

export interface RedisStoreOptions {
  /**
   * Prepended to every key this store writes. Default `"hallpass:"`. Keep braces out of it: on
   * Redis Cluster a `{...}` in the prefix would become the hash tag and put every session in one slot.
   */
  prefix?: string;
}

/** What the transport under `send` offers besides it. */
export interface RedisTransport {
  /** Sends several commands in one request (Redis's HTTP `/pipeline`). */
  batch?: RedisSendBatch;
  /** Replies arrive as JSON (Redis's HTTP protocol): sessions are read as the flat array. */
  repliesInJson?: boolean;
}

/** The Redis store: the whole contract. */
export type RedisStore = Required<SessionStore>;

const CREATED = '\x00c';
const SEEN = '\x00s';
const USER = '\x00u';

/** The hash field of a data key: keys starting with NUL get one more, so they never meet a meta field. */
const fieldOf = (key: string) => (key.startsWith('\x00') ? `\x00${key}` : key);
/** The data key of a hash field, or undefined for a meta field. */
const keyOf = (field: string) => (!field.startsWith('\x00') ? field : field.startsWith('\x00\x00') ? field.slice(1) : undefined);
const milliseconds = (ttlSeconds: number) => String(Math.round(ttlSeconds * 1000));

/**
 * How many of a user's sessions `listByUser` and `destroyByUser` check per round trip: one
 * `/pipeline` request over HTTP, one chunk of pipelined commands over TCP. Thousands of sessions
 * then cost tens of round trips, not thousands of requests in flight at once.
 */
const CHUNK = 100;

/** Runs `run` over `items` a chunk at a time, concatenating the replies. */
async function inChunks<T>(items: readonly T[], run: (chunk: readonly T[]) => Promise<unknown[]>): Promise<unknown[]> {
  const replies: unknown[] = [];
  for (let i = 0; i < items.length; i += CHUNK) replies.push(...(await run(items.slice(i, i + CHUNK))));
  return replies;
}

/**
 * The whole store contract over `send` (and `batch`, when the transport can send several commands
 * in one request). Every script touches one key (Redis Cluster routes by it); see `redisStore` for
 * the data layout and the user index. Every reply is checked for the shape its command gives
 * (replies.ts): anything else throws a `StoreError`.
 */
export function createRedisStore(send: RedisSend, options: RedisStoreOptions = {}, transport: RedisTransport = {}): RedisStore {
  const { batch } = transport;
  const readScript = transport.repliesInJson ? GET_SESSION_FLAT : GET_SESSION;
  const prefix = options.prefix ?? 'hallpass:';
  const sessionKey = (key: string) => `${prefix}{${key}}`;
  const userKey = (userId: string) => `${prefix}user:{${userId}}`;

  const link = async (userId: string, key: string, ttlSeconds: number) => {
    if (ttlSeconds > 0) integerReply('LINK_USER', await runScript(send, LINK_USER, userKey(userId), [key, milliseconds(ttlSeconds)]), [1]);
  };
  const unlink = async (userId: string, keys: string[]) => {
    if (keys.length > 0) countReply('SREM', await send(userKey(userId), ['SREM', userKey(userId), ...keys]));
  };

  /** One script per session key, in chunks: one request per chunk when the transport batches. */
  const scriptPerSession = (script: RedisScript, keys: readonly string[], args: readonly string[]) =>
    inChunks(keys, (chunk) => {
      const calls = chunk.map((key) => ({ key: sessionKey(key), args }));
      if (batch) return runScriptBatch(batch, script, calls);
      return Promise.all(calls.map((call) => runScript(send, script, call.key, call.args)));
    });
  /** One plain command per session key, in chunks, as `scriptPerSession`. */
  const commandPerSession = (command: (sessionKey: string) => string[], keys: readonly string[]) =>
    inChunks(keys, async (chunk) => {
      if (!batch) return Promise.all(chunk.map((key) => send(sessionKey(key), command(sessionKey(key)))));
      const replies = await batch(chunk.map((key) => command(sessionKey(key))));
      for (const reply of replies) if (reply instanceof Error) throw reply;
      return replies;
    });

  function dataPairs(data: SessionData): string[] {
    const pairs: string[] = [];
    for (const key of Object.keys(data)) pairs.push(fieldOf(key), JSON.stringify(data[key]));
    return pairs;
  }

  /** The arguments of a patch, as APPLY_PATCH in redis-scripts.ts reads them. */
  function patchArgs(patch: StorePatch, ttlSeconds: number): string[] {
    const user = patch.userId === undefined ? '' : patch.userId === null ? '-' : `=${patch.userId}`;
    const unset = patch.unset.map(fieldOf);
    const args = [milliseconds(ttlSeconds), patch.replace ? '1' : '0', user, String(unset.length), ...unset];
    args.push(...dataPairs(patch.set), SEEN, String(patch.lastSeenAt));
    return args;
  }

  async function sessionsOf(userId: string): Promise<string[]> {
    return membersReply('SMEMBERS', await send(userKey(userId), ['SMEMBERS', userKey(userId)]));
  }

  return {
    /**
     * `false`, which holds only when the Redis server never evicts keys: `maxmemory-policy
     * noeviction` (see docs/stores.md). Under an evicting policy, revocations could vanish.
     */
    evicts: false,
    async get(key) {
      const fields = hashReply('GET_SESSION', await runScript(send, readScript, sessionKey(key), []));
      if (fields.length === 0) return null;
      const data: SessionData = Object.create(null);
      const record: StoreRecord = { data, createdAt: Number.NaN, lastSeenAt: Number.NaN };
      for (let i = 0; i < fields.length; i += 2) {
        const field = fields[i] as string;
        const value = fields[i + 1] as string;
        const dataKey = keyOf(field);
        if (dataKey !== undefined) data[dataKey] = JSON.parse(value) as Json;
        else if (field === CREATED) record.createdAt = Number(value);
        else if (field === SEEN) record.lastSeenAt = Number(value);
        else if (field === USER) record.userId = value;
      }
      // A hash without its meta fields was not written by this store: treat it as no session.
      return Number.isFinite(record.createdAt) && Number.isFinite(record.lastSeenAt) ? record : null;
    },

    async set(key, record, ttlSeconds) {
      const meta = [CREATED, String(record.createdAt), SEEN, String(record.lastSeenAt)];
      if (record.userId !== undefined) meta.push(USER, record.userId);
      const args = [milliseconds(ttlSeconds), ...meta, ...dataPairs(record.data)];
      integerReply('SET_SESSION', await runScript(send, SET_SESSION, sessionKey(key), args), [1]);
      // Linked after the write, so `listByUser` never sees the member before its session exists
      // (it would drop it as stale). If this fails the commit fails, and no cookie names the session.
      if (record.userId !== undefined) await link(record.userId, key, ttlSeconds);
    },

    async destroy(key) {
      const owner = ownerReply('DESTROY_SESSION', await runScript(send, DESTROY_SESSION, sessionKey(key), []));
      if (typeof owner === 'string') await unlink(owner, [key]);
      return owner !== undefined;
    },

    async touch(key, lastSeenAt, ttlSeconds) {
      const args = [milliseconds(ttlSeconds), String(lastSeenAt)];
      const owner = ownerReply('TOUCH_SESSION', await runScript(send, TOUCH_SESSION, sessionKey(key), args));
      // The session now lives longer: so must the index that lists it.
      if (typeof owner === 'string') await link(owner, key, ttlSeconds);
      return owner !== undefined;
    },

    async patch(key, patch: StorePatch, ttlSeconds) {
      // Linked before the write: the session exists already, so the member is never dropped as
      // stale, and a failure here leaves the session unchanged.
      if (typeof patch.userId === 'string') await link(patch.userId, key, ttlSeconds);
      const reply = await runScript(send, PATCH_SESSION, sessionKey(key), patchArgs(patch, ttlSeconds));
      return integerReply('PATCH_SESSION', reply, [0, 1]) === 1;
    },

    async compareAndSet(key, field, expected, patch, ttlSeconds) {
      if (typeof patch.userId === 'string') await link(patch.userId, key, ttlSeconds);
      const args = [fieldOf(field), JSON.stringify(expected), ...patchArgs(patch, ttlSeconds)];
      return integerReply('COMPARE_AND_SET', await runScript(send, COMPARE_AND_SET, sessionKey(key), args), [0, 1]) === 1;
    },

    async listByUser(userId) {
      const found: UserSession[] = [];
      const gone: string[] = [];
      const keys = await sessionsOf(userId);
      const replies = await commandPerSession((hash) => ['HMGET', hash, CREATED, SEEN, USER], keys);
      keys.forEach((key, i) => {
        const [createdAt, lastSeenAt, owner] = fieldsReply('HMGET', replies[i], 3);
        if (createdAt === undefined) gone.push(key);
        // A member whose session moved to another user stays until it expires; it is not listed.
        else if (owner === userId) found.push({ id: key, createdAt: Number(createdAt), lastSeenAt: Number(lastSeenAt) });
      });
      await unlink(userId, gone);
      return found.sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : 1));
    },

    async destroyByUser(userId, exceptKeys = []) {
      const done: string[] = [];
      let destroyed = 0;
      const except = new Set(exceptKeys);
      const keys = (await sessionsOf(userId)).filter((key) => !except.has(key));
      const replies = await scriptPerSession(DESTROY_IF_USER, keys, [userId]);
      keys.forEach((key, i) => {
        const outcome = integerReply('DESTROY_IF_USER', replies[i], [-1, 0, 1]);
        if (outcome === 1) destroyed++;
        if (outcome !== 0) done.push(key);
      });
      await unlink(userId, done);
      return destroyed;
    },
  };
}
