import { ConfigError, StoreError } from '../../core/errors.js';
import type { RedisSend, RedisSendBatch } from '../redis/command.js';
import { endpointText, readCapped } from './reply-body.js';

/** Where Redis's HTTP protocol is served and the token it wants, as Upstash's console gives them. */
export interface RedisRestConfig {
  /** The REST URL, e.g. `UPSTASH_REDIS_REST_URL` (`https://<name>.upstash.io`). No credentials in it: the token goes in `token`. */
  url: string;
  /** The bearer token, e.g. `UPSTASH_REDIS_REST_TOKEN`. */
  token: string;
  /** The `fetch` to use. Default `globalThis.fetch`. */
  fetch?: typeof fetch;
  /**
   * Milliseconds after which a request is aborted and its connection released. Default 500, the
   * session layer's default `storeTimeout`: set it to your `storeTimeout`.
   */
  timeout?: number;
  /** Allow plain `http:` to a host other than loopback (the token would cross the network in clear). Default `false`. */
  allowInsecureHttp?: boolean;
}

/** The header Upstash uses to give one client read-your-writes across its read replicas. */
const SYNC_TOKEN = 'upstash-sync-token';
const LOOPBACK = /^(localhost|127(\.\d{1,3}){3}|\[::1\])$/;

function checked(config: RedisRestConfig): { endpoint: string; token: string; timeout: number } {
  let endpoint: URL | undefined;
  try {
    endpoint = new URL(config.url);
  } catch {}
  if (!endpoint || (endpoint.protocol !== 'https:' && endpoint.protocol !== 'http:')) {
    throw new ConfigError(
      'ERR_OPTION',
      `redisHttpStore: \`url\` must be the http(s) URL of a Redis REST endpoint (UPSTASH_REDIS_REST_URL), got ${typeof config.url === 'string' ? 'another string' : typeof config.url}.`,
    );
  }
  if (endpoint.username !== '' || endpoint.password !== '') {
    // fetch refuses such a URL on every request, with the URL (and so the password) in its message.
    throw new ConfigError(
      'ERR_OPTION',
      'redisHttpStore: `url` must not carry a username or password; pass the token as `token` and the URL without `user:password@`.',
    );
  }
  if (endpoint.protocol === 'http:' && !LOOPBACK.test(endpoint.hostname) && config.allowInsecureHttp !== true) {
    throw new ConfigError(
      'ERR_OPTION',
      `redisHttpStore: \`url\` is plain http to ${endpoint.hostname}, which would send the token in clear; use https, or set \`allowInsecureHttp: true\` for a trusted network.`,
    );
  }
  if (typeof config.token !== 'string' || config.token === '') {
    throw new ConfigError(
      'ERR_OPTION',
      'redisHttpStore: `token` must be the REST token (UPSTASH_REDIS_REST_TOKEN); it is missing or empty.',
    );
  }
  const timeout = config.timeout ?? 500;
  if (typeof timeout !== 'number' || !(timeout > 0) || timeout > 2 ** 31 - 1) {
    throw new ConfigError(
      'ERR_OPTION',
      `redisHttpStore: \`timeout\` must be a positive number of milliseconds (your storeTimeout), got ${String(timeout)}.`,
    );
  }
  return { endpoint: endpoint.href.replace(/\/$/, ''), token: config.token, timeout };
}

/** A Redis error as the endpoint sent it, bounded and stripped of control characters. */
const redisError = (message: string) => new Error(endpointText(message));

/**
 * Sends each command as one `POST /` with a JSON array body and reads `{"result": ...}` or
 * `{"error": "..."}`; `batch` sends several as one `POST /pipeline`. Replies stay JSON as sent (no
 * `Upstash-Encoding`): the store only ever reads back the UTF-8 text it wrote. The sync token
 * Upstash returns is sent back on the next command, so this client reads its own writes even when
 * a read replica answers. Each request is aborted at `timeout`, and a reply over the size cap is
 * cut off: an endpoint that stalls or floods holds no socket or memory past the request.
 */
export function restClient(config: RedisRestConfig): { send: RedisSend; batch: RedisSendBatch } {
  const { endpoint, token, timeout } = checked(config);
  // Called through a closure: some runtimes refuse a `fetch` detached from its global ("Illegal invocation").
  const fetchFn = config.fetch ?? ((input: RequestInfo | URL, init?: RequestInit) => fetch(input, init));
  let syncToken = '';

  async function post(path: string, payload: unknown): Promise<unknown> {
    const headers: Record<string, string> = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    if (syncToken !== '') headers[SYNC_TOKEN] = syncToken;
    const signal = AbortSignal.timeout(timeout);
    let response: Response;
    let text: string;
    try {
      response = await fetchFn(endpoint + path, { method: 'POST', headers, body: JSON.stringify(payload), signal });
      syncToken = response.headers.get(SYNC_TOKEN) ?? syncToken;
      text = await readCapped(response);
    } catch (error) {
      if (signal.aborted) throw new StoreError('ERR_STORE_TIMEOUT', `The Redis REST endpoint did not answer within ${timeout} ms.`);
      throw error;
    }
    if (response.status === 401 || response.status === 403) {
      throw new Error(`The Redis REST endpoint refused the token (HTTP ${response.status}): check \`token\`.`);
    }
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {}
    // A Redis error (NOSCRIPT, WRONGTYPE, OOM...) comes as `{"error"}`, with HTTP 400 from Upstash.
    const error = (body as { error?: unknown } | null)?.error;
    if (typeof error === 'string') throw redisError(error);
    if (!response.ok) throw new Error(`The Redis REST endpoint answered HTTP ${response.status}.`);
    return body;
  }

  /** The `result` of one `{"result"}` / `{"error"}` entry; a Redis error as an Error, returned when `keepErrors`. */
  const resultOf = (entry: unknown, keepErrors: boolean): unknown => {
    if (entry !== null && typeof entry === 'object' && !Array.isArray(entry)) {
      const { result, error } = entry as { result?: unknown; error?: unknown };
      if (typeof error === 'string') {
        if (keepErrors) return redisError(error);
        throw redisError(error);
      }
      if ('result' in entry) return result;
    }
    throw new Error('The Redis REST endpoint answered without a `result`.');
  };

  return {
    send: async (_key, args) => resultOf(await post('', args), false),
    batch: async (commands) => {
      const replies = await post('/pipeline', commands);
      if (!Array.isArray(replies) || replies.length !== commands.length) {
        throw new Error('The Redis REST endpoint answered a pipeline with an unexpected reply (not one entry per command).');
      }
      return replies.map((entry) => resultOf(entry, true));
    },
  };
}
