import { ConfigError } from '../../core/errors.js';
import type { RedisSend } from '../redis/command.js';

/** Where Redis's HTTP protocol is served and the token it wants, as Upstash's console gives them. */
export interface RedisRestConfig {
  /** The REST URL, e.g. `UPSTASH_REDIS_REST_URL` (`https://<name>.upstash.io`). */
  url: string;
  /** The bearer token, e.g. `UPSTASH_REDIS_REST_TOKEN`. */
  token: string;
  /** The `fetch` to use. Default `globalThis.fetch`. */
  fetch?: typeof fetch;
}

/** The header Upstash uses to give one client read-your-writes across its read replicas. */
const SYNC_TOKEN = 'upstash-sync-token';

function checked(config: RedisRestConfig): { endpoint: string; token: string } {
  let endpoint: URL | undefined;
  try {
    endpoint = new URL(config.url);
  } catch {}
  if (!endpoint || (endpoint.protocol !== 'https:' && endpoint.protocol !== 'http:')) {
    throw new ConfigError(
      'ERR_OPTION',
      `redisHttpStore: \`url\` must be the http(s) URL of a Redis REST endpoint (UPSTASH_REDIS_REST_URL), got ${JSON.stringify(config.url)}.`,
    );
  }
  if (typeof config.token !== 'string' || config.token === '') {
    throw new ConfigError(
      'ERR_OPTION',
      'redisHttpStore: `token` must be the REST token (UPSTASH_REDIS_REST_TOKEN); it is missing or empty.',
    );
  }
  return { endpoint: endpoint.href.replace(/\/$/, ''), token: config.token };
}

/**
 * Sends each command as one `POST /` with a JSON array body and reads `{"result": ...}` or
 * `{"error": "..."}`. Replies stay JSON as sent (no `Upstash-Encoding`): the store only ever reads
 * back the UTF-8 text it wrote. The sync token Upstash returns is sent back on the next command,
 * so this client reads its own writes even when a read replica answers.
 */
export function restSender(config: RedisRestConfig): RedisSend {
  const { endpoint, token } = checked(config);
  // Called through a closure: some runtimes refuse a `fetch` detached from its global ("Illegal invocation").
  const fetchFn = config.fetch ?? ((input: RequestInfo | URL, init?: RequestInit) => fetch(input, init));
  let syncToken = '';
  return async (_key, args) => {
    const headers: Record<string, string> = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    if (syncToken !== '') headers[SYNC_TOKEN] = syncToken;
    const response = await fetchFn(endpoint, { method: 'POST', headers, body: JSON.stringify(args) });
    syncToken = response.headers.get(SYNC_TOKEN) ?? syncToken;
    const text = await response.text();
    if (response.status === 401 || response.status === 403) {
      throw new Error(`The Redis REST endpoint refused the token (HTTP ${response.status}): check \`token\`.`);
    }
    let body: { result?: unknown; error?: unknown } | undefined;
    try {
      body = JSON.parse(text);
    } catch {}
    // A Redis error (NOSCRIPT, WRONGTYPE, OOM...) comes as `{"error"}`, with HTTP 400 from Upstash.
    if (typeof body?.error === 'string') throw new Error(body.error);
    if (!response.ok) throw new Error(`The Redis REST endpoint answered HTTP ${response.status}.`);
    if (body === null || typeof body !== 'object' || !('result' in body)) {
      throw new Error('The Redis REST endpoint answered without a `result`.');
    }
    return body.result;
  };
}
