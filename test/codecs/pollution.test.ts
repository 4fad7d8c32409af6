import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { memoryStore } from 'hallpass';
import { cookiePair } from '../support/cookies.js';
import { harness, SECRET } from '../support/core-fixtures.js';
import { envelopeJson, forge } from '../support/forge.js';

const HOSTILE = '{"__proto__":{"polluted":"yes"},"constructor":{"prototype":{"polluted":"yes"}},"prototype":{"polluted":"yes"},"safe":1}';

function assertClean(): void {
  const probe = {} as Record<string, unknown>;
  assert.equal(probe.polluted, undefined, 'Object.prototype was polluted');
  assert.equal(Object.hasOwn(Object.prototype, 'polluted'), false);
  assert.equal(typeof probe.constructor, 'function');
  assert.equal(([] as unknown as Record<string, unknown>).polluted, undefined);
}

describe('prototype pollution', () => {
  after(assertClean);

  for (const codec of ['sealed', 'signed'] as const) {
    it(`${codec}: __proto__, constructor and prototype keys in a decoded payload stay plain data`, async () => {
      const h = harness({ codec });
      const now = h.clock.seconds;
      const json = envelopeJson({ created: now, seen: now }).replace('"data":{}', `"data":${HOSTILE}`);
      const session = await h.sessions.load(`sid=${forge(codec, SECRET, json)}`);
      assert.equal(session.isNew, false);
      assert.deepEqual(session.get('__proto__'), { polluted: 'yes' });
      assert.deepEqual(session.get('constructor'), { prototype: { polluted: 'yes' } });
      assert.deepEqual(session.get('prototype'), { polluted: 'yes' });
      assert.equal(session.get('safe'), 1);
      assert.equal(session.get('polluted' as string), undefined, 'nothing reachable through a prototype');
      assert.deepEqual(session.keys().sort(), ['__proto__', 'constructor', 'prototype', 'safe']);
      const copy = session.toJSON() as Record<string, unknown>;
      assert.equal(Object.getPrototypeOf(copy), Object.prototype);
      assert.equal((copy as { polluted?: unknown }).polluted, undefined);
      assertClean();

      // Written back and read again, the keys survive as data and still pollute nothing.
      session.set('safe', 2);
      const next = await h.sessions.load(cookiePair((await h.sessions.commit(session)).setCookie));
      assert.deepEqual(next.get('__proto__'), { polluted: 'yes' });
      assert.equal(next.get('safe'), 2);
      assertClean();
    });

    it(`${codec}: set('__proto__') on a decoded session stores data, never a prototype`, async () => {
      const h = harness({ codec });
      const first = await h.request(undefined, (s) => s.set('safe', 1));
      const { result, session } = await h.request(cookiePair(first.result.setCookie), (s) => {
        s.set('__proto__', { polluted: 'yes' });
      });
      assert.deepEqual(session.get('__proto__'), { polluted: 'yes' });
      assert.equal(session.get('polluted' as string), undefined);
      assert.deepEqual(session.keys().sort(), ['__proto__', 'safe']);
      const next = await h.sessions.load(cookiePair(result.setCookie));
      assert.deepEqual(next.get('__proto__'), { polluted: 'yes' });
      assertClean();
    });

    it(`${codec}: a top-level __proto__ in the envelope changes nothing`, async () => {
      const h = harness({ codec });
      const now = h.clock.seconds;
      const json = `{"__proto__":{"user":"admin","polluted":"yes"},"id":"AAAAAAAAAAAAAAAAAAAAAA","created":${now},"seen":${now},"data":{"a":1}}`;
      const session = await h.sessions.load(`sid=${forge(codec, SECRET, json)}`);
      assert.equal(session.get('a'), 1);
      assert.equal(session.userId, undefined, 'a user hidden in __proto__ is not picked up');
      assertClean();
    });

    it(`${codec}: get('constructor') and friends are undefined when absent`, async () => {
      const h = harness({ codec });
      const now = h.clock.seconds;
      const session = await h.sessions.load(`sid=${forge(codec, SECRET, envelopeJson({ created: now, seen: now, data: { a: 1 } }))}`);
      assert.equal(session.isNew, false);
      for (const key of ['constructor', '__proto__', 'prototype', 'toString', 'hasOwnProperty', '__defineGetter__']) {
        assert.equal(session.get(key), undefined, key);
        assert.equal(session.has(key), false, key);
      }
    });
  }

  it('server mode: hostile keys from a store record stay plain data', async () => {
    const store = memoryStore();
    const h = harness({ store });
    const first = await h.request(undefined, (s) => s.set('safe', 1));
    // Write the hostile data the way a store hands it back: parsed JSON with own __proto__ keys.
    const session = await h.sessions.load(cookiePair(first.result.setCookie));
    const record = await store.get(session.id);
    assert.ok(record);
    await store.set(session.id, { ...record, data: JSON.parse(HOSTILE) }, 3600);
    const loaded = await h.sessions.load(cookiePair(first.result.setCookie));
    assert.deepEqual(loaded.get('__proto__'), { polluted: 'yes' });
    assert.equal(loaded.get('polluted' as string), undefined);
    assert.equal(loaded.get('toString'), undefined);
    loaded.set('__proto__', { replaced: true });
    assert.deepEqual(loaded.get('__proto__'), { replaced: true });
    assert.equal(loaded.get('replaced' as string), undefined);
    assertClean();
  });
});
