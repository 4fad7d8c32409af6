import type { RedisSend, RedisSendBatch } from '../redis/command.js';
import { endpointText } from './reply-body.js';

/**
 * What the store accepts of an `@upstash/redis` client (`new Redis({ url, token })`,
 * `Redis.fromEnv()`), typed by a public method so any version's `Redis` fits.
 */
export interface UpstashRedisLike {
  exec(args: [string, ...string[]]): Promise<unknown>;
}

/** The transport inside an `@upstash/redis` client: one request, one `{ result, error }`. */
interface UpstashRequester {
  request(request: { body: unknown; path?: string[] }): Promise<unknown>;
}

/** Upstash's client appends the whole command (session data included) to its error messages; logs get the Redis error only. */
const COMMAND_SUFFIX = ', command was: ';

/**
 * The client's error without what it copied from the request or the reply: the command (session
 * data) after `, command was: `, and, for a body that is not JSON (`UpstashJSONParseError`), the
 * first 200 characters of that body, which may be session data too. What remains is bounded.
 */
function withoutCommand(error: unknown): unknown {
  const message = (error as Error)?.message;
  if (typeof message !== 'string') return error;
  if ((error as Error).name === 'UpstashJSONParseError') return new Error('The Redis REST endpoint answered a body that is not JSON.');
  if (!message.includes(COMMAND_SUFFIX)) return error;
  return new Error(endpointText(message.slice(0, message.indexOf(COMMAND_SUFFIX))));
}

/** The `result` of one `{ result, error }`; a Redis error as an Error, returned when `keepErrors`. */
function resultOf(reply: unknown, keepErrors: boolean): unknown {
  const { result, error } = (reply ?? {}) as { result?: unknown; error?: unknown };
  if (typeof error === 'string') {
    if (keepErrors) return new Error(endpointText(error));
    throw new Error(endpointText(error));
  }
  if (result === undefined) throw new Error('The Redis REST endpoint answered without a `result`.');
  return result;
}

/**
 * Sends commands through the client's own transport, so its URL, token, base64 replies, retries and
 * read-your-writes token all apply. Not through `exec()`: that JSON-parses every reply it can
 * (`automaticDeserialization`), so a field holding the JSON `"1"` would come back as the number 1;
 * the store needs the strings Redis holds.
 */
export function upstashClient(client: UpstashRedisLike): { send: RedisSend; batch: RedisSendBatch } {
  // Cast: the client's transport is a protected member in @upstash/redis's types; it is probed, then checked.
  const requester = (client as unknown as { client?: Partial<UpstashRequester> }).client;
  if (typeof requester?.request !== 'function') {
    throw new TypeError(
      'redisHttpStore needs an @upstash/redis client (new Redis({ url, token }), Redis.fromEnv()) or { url, token } of a Redis REST endpoint.',
    );
  }
  const transport = requester as UpstashRequester;
  // Given a fixed `signal` that has been aborted, the client answers every command with a made-up
  // reply (`{ result: "Aborted" }`, or nil) instead of failing: a revocation check would pass.
  const options = (requester as { options?: { signal?: unknown } }).options;
  const request = async (body: unknown, path?: string[]) => {
    const signal = options?.signal;
    if (typeof signal === 'object' && signal !== null && (signal as AbortSignal).aborted) {
      throw new Error('The @upstash/redis client was given a `signal` that is now aborted: it sends no command.');
    }
    try {
      return await transport.request(path ? { body, path } : { body });
    } catch (error) {
      throw withoutCommand(error);
    }
  };
  return {
    send: async (_key, args) => resultOf(await request(args), false),
    batch: async (commands) => {
      const replies = await request(commands, ['pipeline']);
      if (!Array.isArray(replies) || replies.length !== commands.length) {
        throw new Error('The Redis REST endpoint answered a pipeline with an unexpected reply (not one entry per command).');
      }
      return replies.map((reply) => resultOf(reply, true));
    },
  };
}
