/**
 * examples/fetch/sessions.ts, the examples' session set-up from the environment: a bad environment
 * stops the example at start-up with a message naming the variable, never at the first request.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError } from 'hallpass';
import { demoSessions } from '../../examples/fetch/sessions.js';
import { RUNTIME_SECRET } from './contract.js';

const from = (env: Record<string, string>) => (name: string) => env[name];

describe("the examples' sessions from the environment", () => {
  it('refuses a missing SESSION_SECRET, saying how to make one', () => {
    assert.throws(
      () => demoSessions(from({})),
      (error: unknown) => error instanceof ConfigError && /npx hallpass secret/.test(error.message),
    );
  });

  it('refuses half a Redis REST configuration, naming the variable that is missing', () => {
    assert.throws(
      () => demoSessions(from({ SESSION_SECRET: RUNTIME_SECRET, UPSTASH_REDIS_REST_URL: 'http://127.0.0.1:1' })),
      /UPSTASH_REDIS_REST_TOKEN/,
    );
    assert.throws(() => demoSessions(from({ SESSION_SECRET: RUNTIME_SECRET, UPSTASH_REDIS_REST_TOKEN: 't' })), /UPSTASH_REDIS_REST_URL/);
  });

  it('keeps logouts in memory without Redis, and in the shared store with it', () => {
    const memory = demoSessions(from({ SESSION_SECRET: RUNTIME_SECRET }));
    assert.deepEqual([memory.mode, memory.options.revocations?.durable], ['cookie', false]);
    const shared = demoSessions(
      from({ SESSION_SECRET: RUNTIME_SECRET, UPSTASH_REDIS_REST_URL: 'http://127.0.0.1:1', UPSTASH_REDIS_REST_TOKEN: 't' }),
    );
    assert.deepEqual([shared.mode, shared.options.revocations?.durable], ['cookie', true]);
  });
});
