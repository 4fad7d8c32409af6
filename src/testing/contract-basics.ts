import assert from 'node:assert/strict';
import type { SessionData } from '../core/types.js';
import { assertGone, assertRecord, dataFromJson, makeRecord, newKey, newUserId, plain, type StoreFactory, storeTest } from './fixtures.js';

const TTL = 600;

/** A value of every JSON kind, nested, with text from several scripts and odd key names. */
const RICH_DATA = dataFromJson(
  JSON.stringify({
    greeting: 'héllo wörld, 日本語, שלום, Ελληνικά, e\u0301',
    emoji: '🎉 👩‍👩‍👧 🏳️‍🌈',
    'ключ 🔑': 'значение',
    '': 'empty key',
    'dots.and:colons$ {braces}': true,
    numbers: [0, -1, 1.5, 1e21, Number.MAX_SAFE_INTEGER, -273.15],
    flags: [true, false, null],
    nested: { a: { b: { c: { d: [{ e: ['deep'] }, [], {}] } } } },
    quote: 'she said "hi" \\ then left\n\ttab',
    nothing: null,
  }),
);

/** Get, set, overwrite, destroy, copies and the values that must survive a round trip. */
export function basicsTests(factory: StoreFactory): void {
  const test = storeTest(factory);

  test('get of a missing key resolves null or undefined', [], async (store) => {
    assertGone(await store.get(newKey()));
  });

  test('set then get round-trips data, createdAt, lastSeenAt and userId', [], async (store) => {
    const key = newKey();
    const record = makeRecord({ cart: ['apple', 'pear'], count: 2 }, newUserId());
    await store.set(key, record, TTL);
    assertRecord(await store.get(key), record);
  });

  test('a record saved without userId has no userId (not null) when read back', [], async (store) => {
    const key = newKey();
    const record = makeRecord({ theme: 'dark' });
    await store.set(key, record, TTL);
    const got = await store.get(key);
    assertRecord(got, record);
    assert.equal(got?.userId, undefined);
  });

  test('set overwrites the whole record, dropping old keys and an old userId', [], async (store) => {
    const key = newKey();
    await store.set(key, makeRecord({ a: 1, b: 2 }, newUserId()), TTL);
    const second = makeRecord({ c: 3 });
    second.lastSeenAt += 5;
    await store.set(key, second, TTL);
    assertRecord(await store.get(key), second);
  });

  test('destroy removes the record and resolves true; destroying it again or a missing key resolves false', [], async (store) => {
    const key = newKey();
    const other = newKey();
    const neighbour = makeRecord({ b: 2 });
    await store.set(key, makeRecord({ a: 1 }), TTL);
    await store.set(other, neighbour, TTL);
    assert.equal(await store.destroy(key), true, 'destroy of a live record must resolve true');
    assertGone(await store.get(key));
    assertRecord(await store.get(other), neighbour, 'a neighbouring record must survive');
    assert.equal(await store.destroy(key), false, 'a second destroy must resolve false: the record was already gone');
    assert.equal(await store.destroy(newKey()), false, 'destroy of a key never written must resolve false');
  });

  test('of two concurrent destroys of one record, exactly one resolves true', [], async (store) => {
    const key = newKey();
    await store.set(key, makeRecord({ a: 1 }), TTL);
    const results = await Promise.all([store.destroy(key), store.destroy(key)]);
    assert.deepEqual(results.sort(), [false, true]);
  });

  test('the store declares whether it evicts (evicts is a boolean)', [], async (store) => {
    assert.equal(
      typeof store.evicts,
      'boolean',
      'declare evicts: true when the store may drop a record before its TTL (an LRU, a cache), false when it never does',
    );
  });

  test('set keeps a copy: changing the object afterwards changes nothing stored', [], async (store) => {
    const key = newKey();
    const data: SessionData = { list: [1, 2], inner: { x: 1 } };
    const record = makeRecord(data);
    await store.set(key, record, TTL);
    (data.list as number[]).push(3);
    data.added = true;
    const got = await store.get(key);
    assert.ok(got);
    assert.deepEqual(plain(got.data), { list: [1, 2], inner: { x: 1 } });
    (got.data.list as number[]).push(99);
    assert.deepEqual(plain((await store.get(key))?.data), { list: [1, 2], inner: { x: 1 } }, 'get must hand out a copy');
  });

  test('unicode text, odd key names and nested JSON values round-trip exactly', [], async (store) => {
    const key = newKey();
    const record = makeRecord(RICH_DATA, 'ü@example.com: {x}');
    await store.set(key, record, TTL);
    assertRecord(await store.get(key), record);
    const patched = newKey();
    await store.set(patched, makeRecord({}), TTL);
    assert.equal(await store.patch(patched, { set: RICH_DATA, unset: [], lastSeenAt: record.lastSeenAt }, TTL), true);
    assert.deepEqual(plain((await store.get(patched))?.data), plain(RICH_DATA), 'the same values written by patch');
  });

  test('a 64 KiB value round-trips', [], async (store) => {
    const key = newKey();
    const record = makeRecord({ blob: 'x€'.repeat(64 * 512) });
    await store.set(key, record, TTL);
    assertRecord(await store.get(key), record);
  });

  test('keys named __proto__ and constructor round-trip as data without polluting any prototype', [], async (store) => {
    const key = newKey();
    const data = dataFromJson('{"__proto__":{"polluted":"yes"},"constructor":{"prototype":{"polluted":"yes"}},"toString":"x"}');
    await store.set(key, makeRecord(data), TTL);
    const got = await store.get(key);
    assert.ok(got);
    assert.ok(Object.hasOwn(got.data, '__proto__'), '__proto__ must come back as an own key');
    assert.deepEqual(plain(got.data), plain(data));
    const patch = { set: dataFromJson('{"__proto__":{"polluted":"again"},"constructor":"c"}'), unset: ['toString'], lastSeenAt: 1 };
    assert.equal(await store.patch(key, patch, TTL), true);
    const patched = await store.get(key);
    assert.ok(patched && Object.hasOwn(patched.data, '__proto__'));
    assert.deepEqual(plain(patched.data), plain(dataFromJson('{"__proto__":{"polluted":"again"},"constructor":"c"}')));
    assert.equal(({} as Record<string, unknown>).polluted, undefined, 'Object.prototype was polluted');
    assert.equal((Object.prototype as Record<string, unknown>).polluted, undefined);
  });
}
