import assert from 'node:assert/strict';
import {
  assertGone,
  assertRecord,
  keysOfUser,
  makeRecord,
  newKey,
  newUserId,
  plain,
  type StoreFactory,
  sleep,
  storeTest,
} from './fixtures.js';

const TTL = 600;

/** TTLs and `touch`. Store servers keep real time, so exactly one test waits (1.3 s). */
export function expiryTests(factory: StoreFactory): void {
  const test = storeTest(factory);

  test('touch resolves true, updates lastSeenAt and keeps data, createdAt and userId', [], async (store) => {
    const key = newKey();
    const record = makeRecord({ cart: ['apple'], nested: { a: 1 } }, newUserId());
    await store.set(key, record, TTL);
    assert.equal(await store.touch(key, record.lastSeenAt + 20, TTL), true);
    assertRecord(await store.get(key), { ...record, lastSeenAt: record.lastSeenAt + 20 });
  });

  test('touch on a missing key resolves false and creates nothing', [], async (store) => {
    const key = newKey();
    assert.equal(await store.touch(key, 1_700_000_000, TTL), false);
    assertGone(await store.get(key), 'touch must not create a record');
  });

  test('touch after destroy resolves false and does not bring the record back', [], async (store) => {
    const key = newKey();
    await store.set(key, makeRecord({ a: 1 }), TTL);
    await store.destroy(key);
    assert.equal(await store.touch(key, 1_700_000_000, TTL), false);
    assertGone(await store.get(key));
  });

  test('a record set with a 1 s TTL is gone after 1.3 s; touch and patch extend a TTL (waits 1.3 s)', [], async (store) => {
    const user = newUserId();
    const expiring = newKey();
    const longLived = newKey();
    const touched = newKey();
    const patched = newKey();
    const patchedLate = newKey();
    const touchedLate = newKey();
    const destroyedLate = newKey();
    const comparedLate = newKey();
    // Not read back before the wait: a store with whole-second clocks may expire a 1 s record at any
    // point within that second, and the round trip is proven elsewhere.
    await store.set(expiring, makeRecord({ a: 1 }, user), 1);
    const kept = makeRecord({ b: 2 }, user);
    await store.set(longLived, kept, 60);
    assertRecord(await store.get(longLived), kept);
    const slid = makeRecord({ c: 3 });
    await store.set(touched, slid, 1);
    const touchApplied = await store.touch(touched, slid.lastSeenAt + 1, 60);
    await store.set(patched, makeRecord({ d: 4 }), 1);
    const patchApplied = await store.patch(patched, { set: { e: 5 }, unset: [], lastSeenAt: slid.lastSeenAt + 1 }, 60);
    await store.set(patchedLate, makeRecord({ f: 6 }), 1);
    await store.set(touchedLate, makeRecord({ g: 7 }), 1);
    await store.set(destroyedLate, makeRecord({ h: 8 }), 1);
    await store.set(comparedLate, makeRecord({ current: 'token-1' }), 1);

    await sleep(1300);

    // First, before any read sweeps it: the expired record must not count as destroyed.
    if (store.destroyByUser) assert.equal(await store.destroyByUser(user, [longLived]), 0, 'destroyByUser must not count expired records');
    assertGone(await store.get(expiring), 'a record past its TTL must not be returned');
    assertRecord(await store.get(longLived), kept);
    if (store.listByUser) assert.deepEqual(await keysOfUser(store, user), [longLived], 'listByUser must skip expired records');
    assert.equal(touchApplied, true);
    assertRecord(await store.get(touched), { ...slid, lastSeenAt: slid.lastSeenAt + 1 }, 'touch must extend the TTL');
    assert.equal(patchApplied, true);
    assert.deepEqual(plain((await store.get(patched))?.data), { d: 4, e: 5 }, 'patch must extend the TTL');
    const late = await store.patch(patchedLate, { set: { x: 1 }, unset: [], lastSeenAt: 1 }, 60);
    assert.equal(late, false, 'patch of an expired record must resolve false');
    assertGone(await store.get(patchedLate), 'patch must not revive an expired record');
    assert.equal(await store.touch(touchedLate, 1, 60), false, 'touch of an expired record must resolve false');
    assertGone(await store.get(touchedLate), 'touch must not revive an expired record');
    assert.equal(await store.destroy(destroyedLate), false, 'destroy of an expired record must resolve false: it was not live');
    if (store.compareAndSet) {
      const patch = { set: { current: 'token-2' }, unset: [], lastSeenAt: 1 };
      assert.equal(await store.compareAndSet(comparedLate, 'current', 'token-1', patch, 60), false, 'compareAndSet of an expired record');
      assertGone(await store.get(comparedLate), 'compareAndSet must not revive an expired record');
    }
  });
}
