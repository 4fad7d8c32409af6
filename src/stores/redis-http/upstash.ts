import type { RedisSend } from '../redis/command.js';

/**
 * What the store accepts of an `@upstash/redis` client (`new Redis({ url, token })`,
 * `Redis.fromEnv()`), typed by a public method so any version's `Redis` fits.
 */
export interface UpstashRedisLike {
  exec(args: [string, ...string[]]): Promise<unknown>;
}

/** The transport inside an `@upstash/redis` client: one request, one `{ result, error }`. */
interface UpstashRequester {
  request(request: { body: unknown }): Promise<{ result?: unknown; error?: string }>;
}

/** Upstash's client appends the whole command (session data included) to its error messages; logs get the Redis error only. */
const COMMAND_SUFFIX = ', command was: ';

function withoutCommand(error: unknown): unknown {
  const message = (error as Error)?.message;
  if (typeof message !== 'string' || !message.includes(COMMAND_SUFFIX)) return error;
  return new Error(message.slice(0, message.indexOf(COMMAND_SUFFIX)));
}

/**
 * Sends commands through the client's own transport, so its URL, token, base64 replies, retries and
 * read-your-writes token all apply. Not through `exec()`: that JSON-parses every reply it can
 * (`automaticDeserialization`), so a field holding the JSON `"1"` would come back as the number 1;
 * the store needs the strings Redis holds.
 */
export function upstashSender(client: UpstashRedisLike): RedisSend {
  const requester = (client as unknown as { client?: Partial<UpstashRequester> }).client;
  if (typeof requester?.request !== 'function') {
    throw new TypeError(
      'redisHttpStore needs an @upstash/redis client (new Redis({ url, token }), Redis.fromEnv()) or { url, token } of a Redis REST endpoint.',
    );
  }
  const transport = requester as UpstashRequester;
  return async (_key, args) => {
    let reply: { result?: unknown; error?: string };
    try {
      reply = await transport.request({ body: args });
    } catch (error) {
      throw withoutCommand(error);
    }
    if (typeof reply.error === 'string') throw new Error(reply.error);
    if (reply.result === undefined) throw new Error('The Redis REST endpoint answered without a `result`.');
    return reply.result;
  };
}
