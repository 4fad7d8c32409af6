import assert from 'node:assert/strict';
import type { SessionStore } from '../core/types.js';
import {
  assertGone,
  assertRecord,
  makeRecord,
  newKey,
  newUserId,
  plain,
  required,
  type StoreFactory,
  storeTest,
  withStoreLatency,
} from './fixtures.js';

const TTL = 600;
/** Enough callers that a read-then-write store lets several through. */
const CONCURRENT = 12;
const LATENCY_MS = 3;

/** `compareAndSet`: the patch lands only where the field holds exactly the expected string, atomically. */
export function compareAndSetTests(factory: StoreFactory): void {
  const test = storeTest(factory);
  const cas = (store: SessionStore) => required(store, 'compareAndSet');

  test('compareAndSet applies the patch where the field holds the expected string, and resolves true', ['compareAndSet'], async (store) => {
    const key = newKey();
    const record = makeRecord({ current: 'token-1', other: 1, gone: 2 }, newUserId());
    await store.set(key, record, TTL);
    const patch = { set: { current: 'token-2', jti: 'j2' }, unset: ['gone'], lastSeenAt: record.lastSeenAt + 5 };
    assert.equal(await cas(store)(key, 'current', 'token-1', patch, TTL), true);
    // Like a patch: listed keys written, unset keys removed, createdAt and userId kept.
    assertRecord(await store.get(key), {
      ...record,
      data: { current: 'token-2', other: 1, jti: 'j2' },
      lastSeenAt: record.lastSeenAt + 5,
    });
  });

  test(
    'compareAndSet changes nothing and resolves false when the field holds another value or type, or is missing',
    ['compareAndSet'],
    async (store) => {
      const key = newKey();
      const record = makeRecord({ current: 'token-1', count: 1, quoted: '"x"', object: { a: 1 }, nothing: null });
      await store.set(key, record, TTL);
      const patch = { set: { current: 'stolen' }, unset: [], lastSeenAt: record.lastSeenAt + 1 };
      const refused: Array<[string, string, string]> = [
        ['current', 'token-2', 'another string'],
        ['current', 'token-', 'a prefix of the value'],
        ['current', '"token-1"', 'the value JSON-encoded'],
        ['count', '1', 'the number 1 is not the string "1"'],
        ['quoted', 'x', 'the string "x" (with quotes) is not x'],
        ['object', '{"a":1}', 'an object is not its JSON text'],
        ['nothing', 'null', 'null is not the string "null"'],
        ['absent', 'token-1', 'a field that is not there'],
      ];
      for (const [field, expected, why] of refused) {
        assert.equal(await cas(store)(key, field, expected, patch, TTL), false, `${field} = ${JSON.stringify(expected)}: ${why}`);
      }
      assertRecord(await store.get(key), record, 'a refused compareAndSet must change nothing');
    },
  );

  test('compareAndSet on a missing or destroyed record resolves false and creates nothing', ['compareAndSet'], async (store) => {
    const missing = newKey();
    const patch = { set: { current: 'token-2' }, unset: [], lastSeenAt: 1 };
    assert.equal(await cas(store)(missing, 'current', 'token-1', patch, TTL), false);
    assertGone(await store.get(missing), 'compareAndSet must never create a record');
    const destroyed = newKey();
    await store.set(destroyed, makeRecord({ current: 'token-1' }), TTL);
    await store.destroy(destroyed);
    assert.equal(await cas(store)(destroyed, 'current', 'token-1', patch, TTL), false);
    assertGone(await store.get(destroyed), 'compareAndSet after destroy must not bring the record back');
  });

  test('once a patch unsets the field, no compareAndSet on it applies again', ['compareAndSet'], async (store) => {
    const key = newKey();
    await store.set(key, makeRecord({ current: 'token-1' }), TTL);
    assert.equal(await store.patch(key, { set: { revoked: true }, unset: ['current'], lastSeenAt: 1 }, TTL), true);
    assert.equal(
      await cas(store)(key, 'current', 'token-1', { set: { current: 'token-2', revoked: false }, unset: [], lastSeenAt: 2 }, TTL),
      false,
    );
    assert.deepEqual(plain((await store.get(key))?.data), { revoked: true });
  });

  test(
    `of ${CONCURRENT} concurrent compareAndSet calls expecting the same value, exactly one applies (store latency ${LATENCY_MS} ms)`,
    ['compareAndSet'],
    async (inner) => {
      const store = withStoreLatency(inner, LATENCY_MS);
      const key = newKey();
      const record = makeRecord({ current: 'token-0', spent: [] });
      await store.set(key, record, TTL);
      const results = await Promise.all(
        Array.from({ length: CONCURRENT }, (_, i) =>
          cas(store)(
            key,
            'current',
            'token-0',
            { set: { current: `token-${i + 1}`, winner: i }, unset: [], lastSeenAt: record.lastSeenAt + 1 },
            TTL,
          ),
        ),
      );
      const winners = results.flatMap((applied, i) => (applied ? [i] : []));
      assert.equal(winners.length, 1, `exactly one compareAndSet must apply, ${winners.length} did: ${winners.join(', ')}`);
      const got = await store.get(key);
      assert.deepEqual(plain(got?.data), { current: `token-${(winners[0] as number) + 1}`, spent: [], winner: winners[0] });
      assert.equal(await cas(store)(key, 'current', 'token-0', { set: { current: 'late' }, unset: [], lastSeenAt: 1 }, TTL), false);
    },
  );
}
