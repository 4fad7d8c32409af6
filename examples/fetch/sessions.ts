/**
 * The demo's session manager, made from a runtime's environment: `SESSION_SECRET`, and, when
 * `UPSTASH_REDIS_REST_URL` and `UPSTASH_REDIS_REST_TOKEN` are set, logouts kept in that Redis over
 * HTTP (`hallpass/redis-http`, which needs only `fetch`), so every instance, isolate or runtime that
 * shares it refuses a logged-out cookie, not only the one that served the logout.
 *
 * @example
 * ```ts
 * const sessions = demoSessions((name) => process.env[name])
 * ```
 */
import { createSessions, type Sessions } from 'hallpass';
import { redisHttpStore } from 'hallpass/redis-http';
import type { Data } from './app.js';

export function demoSessions(env: (name: string) => string | undefined): Sessions<Data> {
  const url = env('UPSTASH_REDIS_REST_URL');
  const token = env('UPSTASH_REDIS_REST_TOKEN');
  if (Boolean(url) !== Boolean(token)) {
    throw new Error('Set both UPSTASH_REDIS_REST_URL and UPSTASH_REDIS_REST_TOKEN to share logouts, or neither to keep them in memory.');
  }
  const revocationStore = url && token ? redisHttpStore({ url, token }) : undefined;
  return createSessions<Data>({ secret: env('SESSION_SECRET'), revocationStore });
}
