/**
 * The session store conformance suite: the tests every bundled store passes, for your own store too.
 * It runs on `node:test`; call it from a test file and run that file with `node --test`.
 *
 * @example
 * ```ts
 * import { describeSessionsOverStore, describeStoreConformance } from 'hallpass/testing'
 * import { myStore } from './my-store.js'
 *
 * const factory = async () => {
 *   const client = await connect()
 *   return { store: myStore(client), close: () => client.quit() }
 * }
 * describeStoreConformance('myStore', factory)
 * describeSessionsOverStore('myStore', factory)
 * ```
 * @module
 */
import { describe } from 'node:test';
import { basicsTests } from './contract-basics.js';
import { compareAndSetTests } from './contract-cas.js';
import { expiryTests } from './contract-expiry.js';
import { patchTests } from './contract-patch.js';
import { raceTests } from './contract-races.js';
import { userIndexTests } from './contract-user-index.js';
import type { StoreFactory } from './fixtures.js';
import { sessionsOverStoreTests } from './sessions-over-store.js';

export type { StoreFactory } from './fixtures.js';
export { withStoreLatency } from './fixtures.js';

/** Options of the suites. */
export interface ConformanceOptions {
  /** A reason to skip the whole suite (for example, its server is not running), or `false` to run it. */
  skip?: string | false;
}

/**
 * Declares the store contract's tests: get/set/destroy round trips and what `destroy` resolves, the
 * `evicts` declaration, TTLs, `touch` (resolves whether the record was there, never creates one),
 * `patch` (merge, unset, replace, userId, missing records, 50 concurrent patches that must all
 * survive), `compareAndSet` (exact string compare, nothing on a missing record, exactly one winner
 * of 12 concurrent calls), the per-user index, values that must round-trip (unicode, nesting,
 * `__proto__` keys), and the races a logout must win, run through `createSessions` over the store
 * with every call delayed by a few milliseconds: a late patch or touch creates nothing, and a
 * regenerate after a logout leaves no session under either key.
 *
 * Each test takes a fresh store from `factory` and closes it afterwards; keys and user IDs are
 * random, so runs against a shared server never collide. One test waits 1.3 s of real time, because
 * store servers keep their own clocks. Tests of an optional method the store lacks are reported as
 * skipped, with the reason.
 *
 * @example
 * ```ts
 * import { describeStoreConformance } from 'hallpass/testing'
 * import { memoryStore } from 'hallpass'
 *
 * describeStoreConformance('memoryStore', async () => ({ store: memoryStore(), close: async () => {} }))
 * ```
 */
export function describeStoreConformance(name: string, factory: StoreFactory, options: ConformanceOptions = {}): void {
  describe(`${name}: store contract`, { skip: options.skip || false }, () => {
    describe('get, set and destroy', () => basicsTests(factory));
    describe('TTL and touch', () => expiryTests(factory));
    describe('patch', () => patchTests(factory));
    describe('compareAndSet', () => compareAndSetTests(factory));
    describe('per-user index', () => userIndexTests(factory));
    describe('races with a logout (createSessions over the store)', () => raceTests(factory));
  });
}

/**
 * Declares tests that run `createSessions({ store })` behind a real `node:http` server: login
 * regenerates (new cookie, old record deleted), 50 parallel requests setting distinct keys on one
 * session all survive, logout ends the session, "log out other devices" works, and the store only
 * ever sees `sha256(token)` keys, never a cookie token.
 *
 * @example
 * ```ts
 * import { describeSessionsOverStore } from 'hallpass/testing'
 *
 * describeSessionsOverStore('myStore', async () => ({ store: myStore(client), close: async () => {} }))
 * ```
 */
export function describeSessionsOverStore(name: string, factory: StoreFactory, options: ConformanceOptions = {}): void {
  describe(`${name}: sessions over HTTP`, { skip: options.skip || false }, () => sessionsOverStoreTests(factory));
}
