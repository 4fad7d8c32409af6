/**
 * The Redis session store over Redis's HTTP protocol as Upstash serves it: runs wherever `fetch`
 * does (Cloudflare Workers, Vercel's edge runtime, Deno Deploy, Node, Bun).
 * @module
 */
import { createRedisStore, type RedisStore, type RedisStoreOptions } from '../redis/store.js';
import { type RedisRestConfig, restClient } from './rest-client.js';
import { type UpstashRedisLike, upstashClient } from './upstash.js';

export type { RedisStore, RedisStoreOptions } from '../redis/store.js';
export type { RedisRestConfig } from './rest-client.js';
export type { UpstashRedisLike } from './upstash.js';

/** What `redisHttpStore` takes: an `@upstash/redis` client, or the URL and token of a REST endpoint. */
export type RedisHttpClient = UpstashRedisLike | RedisRestConfig;

const isRestConfig = (client: RedisHttpClient): client is RedisRestConfig =>
  typeof client === 'object' && client !== null && 'url' in client && !('exec' in client);

/**
 * Keeps sessions in Redis over HTTP: each command is one `POST` of a JSON array (`["EVALSHA", ...]`)
 * with `Authorization: Bearer <token>`, the protocol of Upstash's REST API. It is `redisStore`
 * (`hallpass/redis`) with another transport: the same Lua scripts, the same layout (a hash per
 * session, a set per user), per-key patches, touch, compare-and-set and the user index, each
 * atomic in one script. Sessions written by one are read by the other.
 *
 * Pass an `@upstash/redis` client (its retries, base64 replies and read-your-writes token apply;
 * give it `retry: false`, as the session layer has its own deadline, `storeTimeout`) or
 * `{ url, token, timeout }` for the built-in `fetch` client, whose requests are aborted at
 * `timeout` (set it to `storeTimeout`) and whose replies are capped at 16 MB. Every reply is
 * checked for the shape its command gives; anything else throws a `StoreError`. A user's sessions
 * are checked 100 per `/pipeline` request. Nothing here needs a Node API or a TCP socket.
 *
 * The store declares `evicts: false`, so it may hold revocations (`revocationStore`) and JWT
 * state: that holds only while the database never evicts (Upstash: eviction off, its default;
 * Redis: `maxmemory-policy noeviction`). Read replicas are eventually consistent: see
 * docs/stores.md, "Redis over HTTP", for what that means for logout.
 *
 * @example
 * ```ts
 * // A Cloudflare Worker (or any fetch runtime)
 * import { createSessions } from 'hallpass'
 * import { redisHttpStore } from 'hallpass/redis-http'
 *
 * const store = redisHttpStore({ url: env.UPSTASH_REDIS_REST_URL, token: env.UPSTASH_REDIS_REST_TOKEN, timeout: 500 })
 * const sessions = createSessions({ store, storeTimeout: 500 })
 * ```
 * @example
 * ```ts
 * import { Redis } from '@upstash/redis'
 * const client = new Redis({ url, token, retry: false, signal: () => AbortSignal.timeout(500) })
 * const store = redisHttpStore(client, { prefix: 'myapp:sess:' })
 * ```
 */
export function redisHttpStore(client: RedisHttpClient, options: RedisStoreOptions = {}): RedisStore {
  const { send, batch } = isRestConfig(client) ? restClient(client) : upstashClient(client);
  return createRedisStore(send, options, { batch, repliesInJson: true });
}
