/**
 * How deeply session data may nest (`MAX_NESTING`): `session.set` refuses a deeper value with a
 * `SessionValueError`, never a `RangeError` from the call stack, and a cookie whose data nests
 * deeper reads as no session (an `invalid` event), never a throw.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type Codec, type Json, SessionValueError, sealedCodec, signedCodec } from 'hallpass';
import { starletteCodec } from 'hallpass/starlette';
import { MAX_NESTING } from '../../src/core/json-value.js';
import { cookieValue } from '../support/cookies.js';
import { harness, SECRET } from '../support/core-fixtures.js';
import { envelopeJson, forge } from '../support/forge.js';

/** The harness's clock starts here too. */
const NOW = 1_750_000_000;

/** `levels` arrays, one inside the other, around `1`: `nested(2)` is `[[1]]`. */
function nested(levels: number): Json {
  let value: Json = 1;
  for (let i = 0; i < levels; i++) value = [value];
  return value;
}

/** `levels` objects, one inside the other: `nestedObjects(2)` is `{"a":{"a":1}}`. */
function nestedObjects(levels: number): Json {
  let value: Json = 1;
  for (let i = 0; i < levels; i++) value = { a: value };
  return value;
}

/** The envelope JSON of a session `{"deep": <levels arrays>}`, written as text (JSON.stringify overflows first). */
function deepEnvelopeJson(levels: number): string {
  const json = envelopeJson({ created: NOW, seen: NOW, data: { deep: 0 } });
  return json.replace('"deep":0', `"deep":${'['.repeat(levels)}1${']'.repeat(levels)}`);
}

describe('session.set and nesting', () => {
  it(`accepts arrays and objects nested ${MAX_NESTING} levels deep, and the next request reads them back`, async () => {
    const h = harness();
    const { result } = await h.request(undefined, (session) => {
      session.set('arrays', nested(MAX_NESTING));
      session.set('objects', nestedObjects(MAX_NESTING));
    });
    const { session } = await h.request(`sid=${cookieValue(result.setCookie)}`);
    assert.deepEqual(session.get('arrays'), nested(MAX_NESTING));
    assert.deepEqual(session.get('objects'), nestedObjects(MAX_NESTING));
    assert.deepEqual(h.log.invalid(), []);
  });

  for (const [what, make] of [
    ['arrays', nested],
    ['objects', nestedObjects],
  ] as const) {
    for (const levels of [MAX_NESTING + 1, 10_000]) {
      it(`refuses ${what} nested ${levels} levels deep with a SessionValueError naming the limit, not a RangeError`, async () => {
        const { sessions } = harness();
        const session = await sessions.load(undefined);
        assert.throws(
          () => session.set('deep', make(levels)),
          (error: unknown) =>
            error instanceof SessionValueError &&
            error.code === 'ERR_SESSION_VALUE' &&
            error.message.includes('session.set("deep")') &&
            error.message.includes(`nested more than ${MAX_NESTING} levels deep`),
        );
        assert.equal(session.has('deep'), false);
      });
    }
  }

  it('refuses the deep value inside an otherwise fine one', async () => {
    const { sessions } = harness();
    const session = await sessions.load(undefined);
    assert.throws(() => session.set('cart', { items: [1, 2], extra: nested(MAX_NESTING) }), SessionValueError);
    session.set('cart', { items: [1, 2], extra: nested(MAX_NESTING - 1) });
  });
});

describe('cookies whose data nests too deep', () => {
  const codecs: Array<[string, Codec, 'sealed' | 'signed']> = [
    ['sealed', sealedCodec([SECRET]), 'sealed'],
    ['signed', signedCodec([SECRET]), 'signed'],
  ];
  for (const [kind, codec, forgeAs] of codecs) {
    it(`${kind}: a valid cookie whose session nests ${MAX_NESTING} levels opens; one level more is malformed`, () => {
      const fine = codec.decode(forge(forgeAs, SECRET, deepEnvelopeJson(MAX_NESTING)), NOW);
      assert.ok(fine.ok, JSON.stringify(fine));
      assert.deepEqual(fine.envelope.data.deep, nested(MAX_NESTING));
      assert.deepEqual(codec.decode(forge(forgeAs, SECRET, deepEnvelopeJson(MAX_NESTING + 1)), NOW), { ok: false, reason: 'malformed' });
    });

    it(`${kind}: the walk finds a deep value inside objects and under an own "__proto__" key`, () => {
      for (const key of ['a', '__proto__']) {
        const deep = `{"${key}":${'['.repeat(MAX_NESTING)}1${']'.repeat(MAX_NESTING)}}`;
        const json = envelopeJson({ created: NOW, seen: NOW, data: { deep: 0 } }).replace('"deep":0', `"deep":${deep}`);
        assert.deepEqual(codec.decode(forge(forgeAs, SECRET, json), NOW), { ok: false, reason: 'malformed' }, key);
      }
    });

    it(`${kind}: a session nested 10,000 levels deep is malformed, and decoding it does not throw`, () => {
      assert.deepEqual(codec.decode(forge(forgeAs, SECRET, deepEnvelopeJson(10_000)), NOW), { ok: false, reason: 'malformed' });
    });

    it(`${kind}: through createSessions the cookie reads as an empty session with an invalid event, and nothing is written`, async () => {
      const h = harness({ codec: kind as 'sealed' | 'signed' });
      const value = forge(forgeAs, SECRET, deepEnvelopeJson(MAX_NESTING + 1));
      assert.ok(value.length < 4096, `${value.length} characters: a cookie browsers keep`);
      const { session, result } = await h.request(`sid=${value}`, (s) => s.get('deep'));
      assert.deepEqual(session.toJSON(), {});
      assert.deepEqual(h.log.invalid(), ['malformed']);
      assert.equal(result.setCookie, undefined);
    });
  }

  it(`starlette: a signed session nested ${MAX_NESTING + 1} levels is malformed`, () => {
    const codec = starletteCodec({ secret_key: SECRET, max_age: null });
    const envelope = { createdAt: NOW, lastSeenAt: NOW, data: Object.assign(Object.create(null), { deep: nested(MAX_NESTING + 1) }) };
    assert.deepEqual(codec.decode(codec.encode(envelope), NOW), { ok: false, reason: 'malformed' });
    const fine = { ...envelope, data: Object.assign(Object.create(null), { deep: nested(MAX_NESTING) }) };
    assert.equal(codec.decode(codec.encode(fine), NOW).ok, true);
  });
});
