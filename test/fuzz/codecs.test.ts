/**
 * Property-based tests of every cookie codec (sealed, signed, secretbox, Starlette) and of cookie-mode loading:
 * no input throws, decode(encode(x)) gives back x for any JSON object, and no input the server did
 * not produce ever opens (random strings, strings shaped like real cookies, and real cookies with
 * random edits). Case counts are in each test's name.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { type Codec, createSessions, type Envelope, type Json, sealedCodec, secretboxCodec, signedCodec } from 'hallpass';
import { starletteCodec } from 'hallpass/starlette';
import sodium from 'sodium-native';
import { SECRET } from '../support/core-fixtures.js';
import { keyIdFor } from '../support/forge.js';

const NOW = 1_750_000_000;
const CODECS: Array<[string, Codec]> = [
  ['sealed', sealedCodec([SECRET])],
  ['signed', signedCodec([SECRET])],
  ['secretbox', secretboxCodec(sodium, [SECRET])],
  ['starlette', starletteCodec({ secret_key: SECRET, max_age: 3600 })],
];
const B64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const b64url = (min: number, max: number) =>
  fc.array(fc.constantFrom(...B64URL), { minLength: min, maxLength: max }).map((a) => a.join(''));

/** JSON objects as sessions hold them. */
const sessionData = fc.dictionary(fc.string({ maxLength: 12 }), fc.jsonValue({ maxDepth: 3 }), { maxKeys: 6 }) as fc.Arbitrary<
  Record<string, Json>
>;
/** What JSON itself keeps of a value (it writes -0 as 0): the round trip is compared against this. */
const asJson = (value: unknown) => JSON.parse(JSON.stringify(value));

/** Strings shaped like each codec's cookies, with the real key id, but bytes the server never produced. */
const lookalikes: Record<string, fc.Arbitrary<string>> = {
  sealed: b64url(0, 300).map((blob) => `h1.${keyIdFor(SECRET, 'sealed')}.${blob}`),
  signed: fc.tuple(b64url(0, 200), b64url(43, 43)).map(([json, tag]) => `s1.${keyIdFor(SECRET, 'signed')}.${json}.${tag}`),
  secretbox: b64url(0, 300).map((blob) => `x1.${keyIdFor(SECRET, 'secretbox')}.${blob}`),
  starlette: fc
    .tuple(fc.base64String({ maxLength: 200 }), b64url(6, 6), b64url(27, 27))
    .map(([payload, stamp, signature]) => `${payload}.${stamp}.${signature}`),
};

/** One random edit: replace, insert or delete a character. */
const edit = fc.tuple(fc.nat(), fc.constantFrom('replace', 'insert', 'delete'), fc.constantFrom(...B64URL, '.', '=', '+', '/', ' '));
function applyEdit(value: string, [at, kind, char]: [number, string, string]): string {
  const i = at % (value.length + (kind === 'insert' ? 1 : 0));
  if (kind === 'insert') return value.slice(0, i) + char + value.slice(i);
  if (kind === 'delete') return value.slice(0, i) + value.slice(i + 1);
  return value.slice(0, i) + char + value.slice(i + 1);
}

const envelopeOf = (data: Record<string, Json>): Envelope => ({
  id: 'AAAAAAAAAAAAAAAAAAAAAA',
  createdAt: NOW - 10,
  lastSeenAt: NOW - 5,
  data,
});

for (const [name, codec] of CODECS) {
  describe(`fuzz: ${name} codec`, () => {
    it(`decode never throws on any string, and random strings never open (5,000 strings)`, () => {
      fc.assert(
        fc.property(fc.string({ unit: 'binary', maxLength: 400 }), (value) => {
          assert.equal(codec.decode(value, NOW).ok, false);
        }),
        { numRuns: 5000 },
      );
    });

    it(`strings shaped like its cookies, with the real key id, never open (3,000 strings)`, () => {
      fc.assert(
        fc.property(lookalikes[name] as fc.Arbitrary<string>, (value) => {
          assert.equal(codec.decode(value, NOW).ok, false);
        }),
        { numRuns: 3000 },
      );
    });

    it(`decode(encode(x)) gives x back for any JSON object (2,000 objects)`, () => {
      fc.assert(
        fc.property(sessionData, (data) => {
          const opened = codec.decode(codec.encode(envelopeOf(data)), NOW);
          assert.ok(opened.ok, JSON.stringify(opened));
          assert.deepStrictEqual({ ...opened.envelope.data }, asJson(data));
          if (name !== 'starlette') assert.equal(opened.envelope.id, 'AAAAAAAAAAAAAAAAAAAAAA');
        }),
        { numRuns: 2000 },
      );
    });

    it(`a real cookie with one random edit never opens${name === 'starlette' ? ' to anything but the same signed session' : ''} (2,000 edits)`, () => {
      fc.assert(
        fc.property(sessionData, edit, (data, change) => {
          const value = codec.encode(envelopeOf(data));
          const edited = applyEdit(value, change);
          fc.pre(edited !== value);
          const opened = codec.decode(edited, NOW);
          if (name === 'starlette' && opened.ok) {
            // itsdangerous decodes the signature leniently (unused low bits of its last character,
            // '+' for '-'), as Python does: such a variant is the same signature, so it can only
            // ever open the very session that was signed, never other data.
            assert.deepStrictEqual(opened, codec.decode(value, NOW));
            assert.equal(edited.slice(0, edited.lastIndexOf('.')), value.slice(0, value.lastIndexOf('.')));
          } else assert.equal(opened.ok, false, `${value} -> ${edited}`);
        }),
        { numRuns: 2000 },
      );
    });
  });
}

describe('fuzz: cookie-mode load', () => {
  it('any Cookie header loads a fresh, empty session without throwing (3,000 headers per codec)', async () => {
    for (const codec of ['sealed', 'signed', 'secretbox'] as const) {
      const sessions = createSessions({
        secret: SECRET,
        codec: codec === 'secretbox' ? secretboxCodec(sodium, [SECRET]) : codec,
        now: () => NOW * 1000,
      });
      await fc.assert(
        fc.asyncProperty(fc.string({ unit: 'binary', maxLength: 400 }), lookalikes[codec] as fc.Arbitrary<string>, async (raw, shaped) => {
          for (const header of [raw, `sid=${raw}`, `sid=${shaped}`, `a=1; sid=${shaped}; sid=${raw}`]) {
            const session = await sessions.load(header);
            assert.equal(session.isNew, true);
            assert.deepEqual(session.keys(), []);
            assert.equal((await sessions.commit(session)).setCookie, undefined);
          }
        }),
        { numRuns: 3000 },
      );
    }
  });
});
