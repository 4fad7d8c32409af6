import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { it, type TestContext } from 'node:test';
import type { SessionData, SessionStore, StoreRecord } from '../core/types.js';

/** Builds a store for one test; `close` releases whatever the factory opened (clients, pools, timers). */
export type StoreFactory = () => Promise<{ store: SessionStore; close: () => Promise<void> }>;

/** The optional parts of the contract a test may need. */
export type OptionalMethod = 'compareAndSet' | 'listByUser' | 'destroyByUser';

/**
 * A fresh store key shaped like the ones hallpass uses (base64url SHA-256, 43 characters). Random,
 * so runs against a shared server never collide with each other or with earlier runs.
 */
export function newKey(): string {
  return createHash('sha256').update(randomBytes(32)).digest('base64url');
}

/** A fresh user ID with a readable label. */
export function newUserId(label = 'user'): string {
  return `${label}-${randomBytes(6).toString('hex')}`;
}

/** Whole Unix seconds, as records carry them. */
export function unixNow(): number {
  return Math.floor(Date.now() / 1000);
}

/** A record with plausible times: created a minute ago, last seen half a minute ago. */
export function makeRecord(data: SessionData, userId?: string): StoreRecord {
  const now = unixNow();
  const record: StoreRecord = { data, createdAt: now - 60, lastSeenAt: now - 30 };
  if (userId !== undefined) record.userId = userId;
  return record;
}

/** A JSON round trip: compares values without caring about prototypes or key order. */
export function plain<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

/** Data parsed from JSON text, so keys such as `__proto__` become own properties, as in a real request. */
export function dataFromJson(json: string): SessionData {
  return JSON.parse(json) as SessionData;
}

/** Asserts a stored record equals the expected one: data, both times and the user link. */
export function assertRecord(actual: StoreRecord | null | undefined, expected: StoreRecord, message?: string): void {
  assert.ok(actual, message ?? 'expected a record, got none');
  assert.deepEqual(plain(actual.data), plain(expected.data), message);
  assert.equal(actual.createdAt, expected.createdAt, `createdAt ${message ?? ''}`);
  assert.equal(actual.lastSeenAt, expected.lastSeenAt, `lastSeenAt ${message ?? ''}`);
  assert.equal(actual.userId, expected.userId, `userId ${message ?? ''}`);
}

/** Asserts there is no record: stores may answer `null` or `undefined`. */
export function assertGone(actual: StoreRecord | null | undefined, message = 'expected no record'): void {
  assert.ok(actual === null || actual === undefined, `${message}, got ${JSON.stringify(actual)}`);
}

/** The store keys of `listByUser(userId)`, sorted. */
export async function keysOfUser(store: SessionStore, userId: string): Promise<string[]> {
  const sessions = await (store.listByUser as NonNullable<SessionStore['listByUser']>).call(store, userId);
  return sessions.map((session) => session.id).sort();
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

type StoreTestBody = (store: SessionStore, t: TestContext) => Promise<void>;

/**
 * Declares one test that gets a fresh store from the factory and always closes it. When the test
 * needs an optional method the store lacks, it is reported as skipped with the reason; a missing
 * required method (touch, patch) fails the tests that use it.
 */
export function storeTest(factory: StoreFactory) {
  return (name: string, needs: readonly OptionalMethod[], body: StoreTestBody) =>
    it(name, async (t) => {
      const { store, close } = await factory();
      try {
        const missing = needs.filter((method) => typeof store[method] !== 'function');
        if (missing.length > 0) {
          t.skip(`the store does not implement ${missing.join(', ')} (optional in the contract)`);
          return;
        }
        await body(store, t);
      } finally {
        await close();
      }
    });
}

/**
 * Wraps a store so that every call waits `ms` milliseconds before it reaches the store, as over a
 * network: concurrent requests then really overlap at the store, and a race between a logout and a
 * late write is decided by the store's own atomicity, not by the event loop running each call to
 * its end. Calls keep their order (equal delays), and `evicts` is passed through.
 *
 * @example
 * ```ts
 * const sessions = createSessions({ store: withStoreLatency(myStore(client), 3) })
 * ```
 */
export function withStoreLatency<S extends SessionStore>(store: S, ms: number): S {
  const wrapped: Record<string, unknown> = {};
  const methods = ['get', 'set', 'destroy', 'touch', 'patch', 'compareAndSet', 'listByUser', 'destroyByUser'] as const;
  for (const name of methods) {
    const method = store[name] as ((...args: unknown[]) => Promise<unknown>) | undefined;
    if (typeof method !== 'function') continue;
    wrapped[name] = async (...args: unknown[]) => {
      await sleep(ms);
      return method.apply(store, args);
    };
  }
  if (store.evicts !== undefined) wrapped.evicts = store.evicts;
  // Cast: `wrapped` has every method of `store` that exists, each with the same signature.
  return wrapped as unknown as S;
}

/** Calls an optional method the test has checked for. */
export function required<M extends OptionalMethod>(store: SessionStore, method: M): NonNullable<SessionStore[M]> {
  const fn = store[method];
  assert.equal(typeof fn, 'function', `the store has no ${method}`);
  return (fn as (...args: unknown[]) => unknown).bind(store) as NonNullable<SessionStore[M]>;
}
