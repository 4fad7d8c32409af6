/** What the Redis store uses of an `ioredis` client (`new Redis()` or `new Redis.Cluster()`). */
export interface IoRedisLike {
  readonly status: string;
  call(command: string, ...args: string[]): Promise<unknown>;
}

/** The per-command options the store passes to node-redis (5 and later read `timeout`; 4 ignores it). */
export interface NodeRedisCommandOptions {
  timeout?: number;
}

/** What the Redis store uses of a `node-redis` client (`createClient()` from the `redis` package, v4 or later). */
export interface NodeRedisClientLike {
  readonly isOpen: boolean;
  sendCommand(args: string[], options?: NodeRedisCommandOptions): Promise<unknown>;
}

/** What the Redis store uses of a `node-redis` cluster (`createCluster()`), which routes by a first key. */
export interface NodeRedisClusterLike {
  readonly isOpen: boolean;
  sendCommand(
    firstKey: string | undefined,
    isReadonly: boolean | undefined,
    args: string[],
    options?: NodeRedisCommandOptions,
  ): Promise<unknown>;
}

/** Any Redis client the store accepts: ioredis or node-redis, single node or cluster. */
export type RedisClientLike = IoRedisLike | NodeRedisClientLike | NodeRedisClusterLike;

/** Sends one command; `key` is the key that decides the cluster slot. */
export type RedisSend = (key: string, args: string[]) => Promise<unknown>;

/**
 * Sends several commands in one round trip (Redis's HTTP `/pipeline`) and resolves with one entry
 * per command: its reply, or an `Error` for a command Redis refused. Transports without one send
 * each command on its own.
 */
export type RedisSendBatch = (commands: string[][]) => Promise<unknown[]>;

/**
 * A Lua script, run by its SHA1 and sent in full only when a node has not cached it yet. The SHA1
 * comes from Web Crypto, so the store runs wherever `fetch` does (Workers, Deno, edge functions);
 * Web Crypto only digests asynchronously, so it is computed on first use and kept.
 */
export interface RedisScript {
  readonly source: string;
  sha?: string;
}

export function defineScript(source: string): RedisScript {
  return { source };
}

async function shaOf(script: RedisScript): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-1', new TextEncoder().encode(script.source)));
  script.sha = Array.from(digest, (byte) => byte.toString(16).padStart(2, '0')).join('');
  return script.sha;
}

/**
 * node-redis 6 gives every command a 5 s `AbortSignal.timeout` unless told otherwise. That timer
 * only covers the time a command waits to be written (node-redis drops it once the command is on
 * the wire, though the signal itself lives on for the full 5 s), and on Node 20 it costs more CPU
 * than the rest of the command (docs/benchmarks/profile.md has the figures).
 * The store's commands already run under the session layer's own deadline (`storeTimeout`, one
 * `setTimeout`), so the store turns the client's timer off for its own commands only; the app's
 * other commands keep it.
 */
const WITHOUT_CLIENT_TIMEOUT: NodeRedisCommandOptions = Object.freeze({ timeout: 0 });

/**
 * Picks how to talk to the client. The store never imports either library: ioredis is told apart by
 * `status` and `call`, node-redis by `sendCommand` and `isOpen`, and a node-redis cluster by its
 * shard list (its `sendCommand` takes the routing key first).
 */
export function redisSender(client: RedisClientLike): RedisSend {
  // Cast: the client's methods are probed by name, whichever of the supported clients it is.
  const c = client as unknown as Record<string, unknown>;
  if (typeof c.call === 'function' && 'status' in c) {
    const io = client as IoRedisLike;
    return (_key, [command, ...args]) => io.call(command as string, ...args);
  }
  if (typeof c.sendCommand === 'function' && 'isOpen' in c) {
    if ('masters' in c || 'slots' in c || typeof c.getMasters === 'function') {
      const cluster = client as NodeRedisClusterLike;
      return (key, args) => cluster.sendCommand(key, false, args, WITHOUT_CLIENT_TIMEOUT);
    }
    const single = client as NodeRedisClientLike;
    return (_key, args) => single.sendCommand(args, WITHOUT_CLIENT_TIMEOUT);
  }
  throw new TypeError(
    'redisStore needs an ioredis client (new Redis(), new Redis.Cluster()) or a node-redis client (createClient(), createCluster()).',
  );
}

/** Runs a one-key script with EVALSHA, falling back to EVAL once when the node answers NOSCRIPT. */
export async function runScript(send: RedisSend, script: RedisScript, key: string, args: readonly string[]): Promise<unknown> {
  const sha = script.sha ?? (await shaOf(script));
  try {
    return await send(key, ['EVALSHA', sha, '1', key, ...args]);
  } catch (error) {
    if (!isNoScript(error)) throw error;
    return send(key, ['EVAL', script.source, '1', key, ...args]);
  }
}

/** Whether an error is Redis saying it has not cached a script (EVALSHA before EVAL). */
export const isNoScript = (error: unknown) => String((error as Error)?.message).startsWith('NOSCRIPT');

/**
 * Runs a one-key script once per entry of `calls`, in batches, with EVALSHA and then EVAL for the
 * entries a node answered NOSCRIPT. Resolves with one reply per entry; any other error throws.
 */
export async function runScriptBatch(
  batch: RedisSendBatch,
  script: RedisScript,
  calls: ReadonlyArray<{ key: string; args: readonly string[] }>,
): Promise<unknown[]> {
  const sha = script.sha ?? (await shaOf(script));
  const replies = await batch(calls.map(({ key, args }) => ['EVALSHA', sha, '1', key, ...args]));
  const missing = calls.flatMap((_, i) => (isNoScript(replies[i]) ? [i] : []));
  if (missing.length > 0) {
    const again = await batch(
      missing.map((i) => {
        const { key, args } = calls[i] as { key: string; args: readonly string[] };
        return ['EVAL', script.source, '1', key, ...args];
      }),
    );
    missing.forEach((at, i) => {
      replies[at] = again[i];
    });
  }
  for (const reply of replies) if (reply instanceof Error) throw reply;
  return replies;
}
