/**
 * A Redis session store for `ioredis` or `node-redis` clients, single node or cluster.
 * @module
 */
import { type RedisClientLike, redisSender } from './command.js';
import { createRedisStore, type RedisStore, type RedisStoreOptions } from './store.js';

export type { IoRedisLike, NodeRedisClientLike, NodeRedisClusterLike, RedisClientLike } from './command.js';
export type { RedisStore, RedisStoreOptions } from './store.js';

/**
 * Keeps sessions in Redis, through the client the app already has: `ioredis` (`new Redis()` or
 * `new Redis.Cluster()`) or `node-redis` v4+ (`createClient()` or `createCluster()`). A session is
 * a hash with one field per data key, so a commit writes only the keys that changed, atomically,
 * and two requests that change different keys both survive. Expiry is a `PEXPIRE` on the hash.
 *
 * On Redis Cluster every script touches one key: a session's hash is `<prefix>{<key>}` and a
 * user's index is the set `<prefix>user:{<userId>}`. The index is written in its own command and
 * may hold members that no longer match; `listByUser` and `destroyByUser` check each member
 * against its session and drop the members whose session is gone.
 *
 * `touch`, `patch` and `compareAndSet` are one script each and never create a session. The store
 * declares `evicts: false`: that holds only when Redis runs with `maxmemory-policy noeviction`,
 * the setting revocation data and JWT state need (docs/stores.md says how to set it).
 *
 * The store never retries and never waits for a connection: configure the client to fail fast
 * when Redis is away (see the settings in `docs/stores-network.md`), and the session layer answers
 * with its `storeTimeout` and a `StoreError`.
 *
 * @example
 * ```ts
 * import { Redis } from 'ioredis'
 * import { createSessions } from 'hallpass'
 * import { redisStore } from 'hallpass/redis'
 *
 * const redis = new Redis(process.env.REDIS_URL, { enableOfflineQueue: false, commandTimeout: 1000 })
 * const sessions = createSessions({ store: redisStore(redis, { prefix: 'myapp:sess:' }) })
 * ```
 * @example
 * ```ts
 * import { createClient } from 'redis'
 * const client = await createClient({ url: process.env.REDIS_URL, disableOfflineQueue: true }).connect()
 * const store = redisStore(client)
 * ```
 */
export function redisStore(client: RedisClientLike, options: RedisStoreOptions = {}): RedisStore {
  return createRedisStore(redisSender(client), options);
}
