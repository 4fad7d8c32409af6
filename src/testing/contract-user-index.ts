import assert from 'node:assert/strict';
import type { UserSession } from '../core/types.js';
import { assertGone, assertRecord, keysOfUser, makeRecord, newKey, newUserId, required, type StoreFactory, storeTest } from './fixtures.js';

const TTL = 600;

const byId = (a: UserSession, b: UserSession) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/** The per-user index behind "your devices" and "log out everywhere". */
export function userIndexTests(factory: StoreFactory): void {
  const test = storeTest(factory);

  test('listByUser lists the live sessions of one user with their times, and nobody else’s', ['listByUser'], async (store) => {
    const [alice, bob] = [newUserId('alice'), newUserId('bob')];
    const first = { key: newKey(), record: makeRecord({ device: 'phone' }, alice) };
    const second = { key: newKey(), record: makeRecord({ device: 'laptop' }, alice) };
    second.record.createdAt -= 100;
    await store.set(first.key, first.record, TTL);
    await store.set(second.key, second.record, TTL);
    await store.set(newKey(), makeRecord({ device: 'other' }, bob), TTL);
    await store.set(newKey(), makeRecord({ device: 'anonymous' }), TTL);
    const listed = (await required(store, 'listByUser')(alice))
      .map(({ id, createdAt, lastSeenAt }) => ({ id, createdAt, lastSeenAt }))
      .sort(byId);
    const expected = [first, second]
      .map(({ key, record }) => ({ id: key, createdAt: record.createdAt, lastSeenAt: record.lastSeenAt }))
      .sort(byId);
    assert.deepEqual(listed, expected);
  });

  test('listByUser of a user without sessions resolves an empty list', ['listByUser'], async (store) => {
    assert.deepEqual(await required(store, 'listByUser')(newUserId('nobody')), []);
  });

  test('destroyByUser ends every session of the user except the listed keys', ['destroyByUser', 'listByUser'], async (store) => {
    const [alice, bob] = [newUserId('alice'), newUserId('bob')];
    const [current, phone, tablet, bobs] = [newKey(), newKey(), newKey(), newKey()];
    const currentRecord = makeRecord({ device: 'current' }, alice);
    const bobRecord = makeRecord({ device: 'bob' }, bob);
    await store.set(current, currentRecord, TTL);
    await store.set(phone, makeRecord({ device: 'phone' }, alice), TTL);
    await store.set(tablet, makeRecord({ device: 'tablet' }, alice), TTL);
    await store.set(bobs, bobRecord, TTL);
    assert.equal(await required(store, 'destroyByUser')(alice, [current]), 2);
    assertGone(await store.get(phone));
    assertGone(await store.get(tablet));
    assertRecord(await store.get(current), currentRecord, 'the excepted session must survive');
    assertRecord(await store.get(bobs), bobRecord, 'another user must be untouched');
    assert.deepEqual(await keysOfUser(store, alice), [current]);
  });

  test('destroyByUser without exceptions ends them all; an unknown user resolves 0', ['destroyByUser', 'listByUser'], async (store) => {
    const alice = newUserId('alice');
    const keys = [newKey(), newKey(), newKey()];
    for (const key of keys) await store.set(key, makeRecord({ k: key }, alice), TTL);
    const destroyByUser = required(store, 'destroyByUser');
    assert.equal(await destroyByUser(alice), 3);
    for (const key of keys) assertGone(await store.get(key));
    assert.deepEqual(await keysOfUser(store, alice), []);
    assert.equal(await destroyByUser(alice, []), 0);
    assert.equal(await destroyByUser(newUserId('nobody'), [newKey()]), 0);
  });

  test('the index follows userId changes through set, patch and destroy', ['listByUser'], async (store) => {
    const [alice, bob, carol] = [newUserId('alice'), newUserId('bob'), newUserId('carol')];
    const key = newKey();
    await store.set(key, makeRecord({ a: 1 }, alice), TTL);
    assert.deepEqual(await keysOfUser(store, alice), [key]);
    await store.set(key, makeRecord({ a: 1 }, bob), TTL);
    assert.deepEqual(await keysOfUser(store, alice), [], 'set with another user must leave the old user’s index');
    assert.deepEqual(await keysOfUser(store, bob), [key]);
    await store.set(key, makeRecord({ a: 1 }), TTL);
    assert.deepEqual(await keysOfUser(store, bob), [], 'set without a user must leave the index');
    if (store.patch) {
      await store.patch(key, { set: {}, unset: [], lastSeenAt: 1, userId: carol }, TTL);
      assert.deepEqual(await keysOfUser(store, carol), [key]);
      await store.patch(key, { set: {}, unset: [], lastSeenAt: 1, userId: alice }, TTL);
      assert.deepEqual(await keysOfUser(store, carol), [], 'patch with another user must leave the old user’s index');
      assert.deepEqual(await keysOfUser(store, alice), [key]);
      await store.patch(key, { set: {}, unset: [], lastSeenAt: 1, userId: null }, TTL);
      assert.deepEqual(await keysOfUser(store, alice), [], 'patch with userId null must leave the index');
      await store.patch(key, { set: {}, unset: [], lastSeenAt: 1, userId: bob }, TTL);
    } else {
      await store.set(key, makeRecord({ a: 1 }, bob), TTL);
    }
    assert.deepEqual(await keysOfUser(store, bob), [key]);
    await store.destroy(key);
    assert.deepEqual(await keysOfUser(store, bob), [], 'destroy must leave the index');
  });

  test('user IDs are opaque strings: unicode, separators and braces are kept apart', ['listByUser'], async (store) => {
    const suffix = newUserId('');
    const users = [`ü@example.com${suffix}`, `a:b${suffix}`, `a{b}${suffix}`, `a b${suffix}`, `a:b:${suffix}`];
    const keys = new Map(users.map((user) => [user, newKey()]));
    for (const [user, key] of keys) await store.set(key, makeRecord({ user }, user), TTL);
    for (const [user, key] of keys) assert.deepEqual(await keysOfUser(store, user), [key], `index of ${JSON.stringify(user)}`);
  });
}
