import assert from 'node:assert/strict';
import type { SessionData } from '../core/types.js';
import { assertGone, assertRecord, keysOfUser, makeRecord, newKey, newUserId, plain, type StoreFactory, storeTest } from './fixtures.js';

const TTL = 600;

/** `patch`: only the listed keys change, atomically, and a missing record stays missing. */
export function patchTests(factory: StoreFactory): void {
  const test = storeTest(factory);

  test('patch writes only the listed keys and keeps the rest, createdAt and userId', [], async (store) => {
    const key = newKey();
    const record = makeRecord({ a: 1, b: 2, nested: { x: 1, y: 2 }, keep: 'me' }, newUserId());
    await store.set(key, record, TTL);
    const applied = await store.patch.bind(store)(
      key,
      { set: { b: 3, c: 4, nested: { x: 9 }, nil: null }, unset: [], lastSeenAt: record.lastSeenAt + 7 },
      TTL,
    );
    assert.equal(applied, true);
    // A listed key is replaced whole (no deep merge), and null is a value, not a deletion.
    assertRecord(await store.get(key), {
      ...record,
      data: { a: 1, b: 3, c: 4, nested: { x: 9 }, nil: null, keep: 'me' },
      lastSeenAt: record.lastSeenAt + 7,
    });
  });

  test('patch unsets keys, and unsetting a key that is not there is harmless', [], async (store) => {
    const key = newKey();
    const record = makeRecord({ a: 1, b: 2, c: 3 });
    await store.set(key, record, TTL);
    assert.equal(
      await store.patch.bind(store)(key, { set: { d: 4 }, unset: ['a', 'c', 'never-there'], lastSeenAt: record.lastSeenAt }, TTL),
      true,
    );
    assertRecord(await store.get(key), { ...record, data: { b: 2, d: 4 } });
  });

  test('patch with replace: true replaces the whole data', [], async (store) => {
    const key = newKey();
    const record = makeRecord({ a: 1, b: 2 }, newUserId());
    await store.set(key, record, TTL);
    const patch = { set: { fresh: true }, unset: ['b'], replace: true, lastSeenAt: record.lastSeenAt + 1 };
    assert.equal(await store.patch.bind(store)(key, patch, TTL), true);
    assertRecord(await store.get(key), { ...record, data: { fresh: true }, lastSeenAt: record.lastSeenAt + 1 });
    assert.equal(await store.patch.bind(store)(key, { set: {}, unset: [], replace: true, lastSeenAt: record.lastSeenAt + 2 }, TTL), true);
    assertRecord(await store.get(key), { ...record, data: {}, lastSeenAt: record.lastSeenAt + 2 }, 'replace with nothing empties the data');
  });

  test('patch sets, changes and clears userId, and leaves it alone when undefined', [], async (store) => {
    const key = newKey();
    const record = makeRecord({ a: 1 });
    const [alice, bob] = [newUserId('alice'), newUserId('bob')];
    const patch = store.patch.bind(store);
    await store.set(key, record, TTL);
    assert.equal(await patch(key, { set: {}, unset: [], lastSeenAt: record.lastSeenAt, userId: alice }, TTL), true);
    assert.equal((await store.get(key))?.userId, alice);
    assert.equal(await patch(key, { set: { b: 2 }, unset: [], lastSeenAt: record.lastSeenAt }, TTL), true);
    assert.equal((await store.get(key))?.userId, alice, 'an undefined userId in a patch means unchanged');
    assert.equal(await patch(key, { set: {}, unset: [], lastSeenAt: record.lastSeenAt, userId: bob }, TTL), true);
    assert.equal((await store.get(key))?.userId, bob);
    assert.equal(await patch(key, { set: {}, unset: [], lastSeenAt: record.lastSeenAt, userId: null }, TTL), true);
    const cleared = await store.get(key);
    assert.equal(cleared?.userId, undefined, 'userId null in a patch removes the link (read back as undefined)');
    assert.deepEqual(plain(cleared?.data), { a: 1, b: 2 });
  });

  test('patch on a missing key resolves false and creates nothing', [], async (store) => {
    const key = newKey();
    const user = newUserId();
    const applied = await store.patch.bind(store)(key, { set: { a: 1 }, unset: [], lastSeenAt: 1, userId: user }, TTL);
    assert.equal(applied, false);
    assertGone(await store.get(key), 'patch must never create a record');
    if (store.listByUser) assert.deepEqual(await keysOfUser(store, user), []);
  });

  test('patch after destroy resolves false: a slow request cannot bring a session back', [], async (store) => {
    const key = newKey();
    await store.set(key, makeRecord({ a: 1 }), TTL);
    await store.destroy(key);
    assert.equal(await store.patch.bind(store)(key, { set: { b: 2 }, unset: [], lastSeenAt: 1 }, TTL), false);
    assertGone(await store.get(key));
  });

  test('50 concurrent patches on one record, each setting its own key and unsetting another, all survive', [], async (store) => {
    const key = newKey();
    const initial: SessionData = { shared: 'kept' };
    for (let i = 0; i < 50; i++) initial[`old${i}`] = i;
    const record = makeRecord(initial);
    await store.set(key, record, TTL);
    const patch = store.patch.bind(store);
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        patch(key, { set: { [`k${i}`]: { i, text: `value ${i}` } }, unset: [`old${i}`], lastSeenAt: record.lastSeenAt + 1 }, TTL),
      ),
    );
    assert.deepEqual(results, Array(50).fill(true));
    const expected: SessionData = { shared: 'kept' };
    for (let i = 0; i < 50; i++) expected[`k${i}`] = { i, text: `value ${i}` };
    const got = await store.get(key);
    const lost = Object.keys(expected).filter((k) => !got || !Object.hasOwn(got.data, k));
    assert.deepEqual(lost, [], `lost updates: ${lost.join(', ')}`);
    assertRecord(got, { ...record, data: expected, lastSeenAt: record.lastSeenAt + 1 });
  });
}
