import assert from 'node:assert/strict';
import { createCipheriv, createHmac, randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { type Codec, sealedCodec, signedCodec } from 'hallpass';
import { type DerivedKey, deriveKey } from '../../src/core/keys.js';
import { OLD_SECRET, OTHER_SECRET, SECRET } from '../support/core-fixtures.js';
import { assertRoundTrip, envelopeJson, forge, forgeSealed, keyIdFor, sampleEnvelope } from '../support/forge.js';

const NOW = 1_750_000_000;
const codecs = { sealed: sealedCodec, signed: signedCodec } as const;

const sample = () => sampleEnvelope(NOW);

/**
 * `h1.<id of secret's key>.<…>` sealed with that very key, but under the associated data given:
 * the key and the key id always agree, so only the associated data can make it fail to open.
 */
function sealUnder(secret: string, plaintext: string, aad: string): string {
  const { id, raw: key } = deriveKey(secret, 'sealed/v1') as DerivedKey;
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(aad));
  const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return `h1.${id}.${Buffer.concat([iv, body, cipher.getAuthTag()]).toString('base64url')}`;
}

/** `s1.<id of secret's key>.<payload>.<tag>`, the tag made with that very key over the text given. */
function signUnder(secret: string, plaintext: string, covered: (id: string, payload: string) => string): string {
  const { id, raw: key } = deriveKey(secret, 'signed/v1') as DerivedKey;
  const payload = Buffer.from(plaintext).toString('base64url');
  return `s1.${id}.${payload}.${createHmac('sha256', key).update(covered(id, payload)).digest('base64url')}`;
}

function refused(codec: Codec, value: string, reason?: string): void {
  const result = codec.decode(value, NOW);
  assert.equal(result.ok, false, `expected ${JSON.stringify(value.slice(0, 80))} to be refused`);
  if (reason && !result.ok) assert.equal(result.reason, reason, JSON.stringify(value.slice(0, 80)));
}

for (const [kind, make] of Object.entries(codecs)) {
  describe(`${kind} codec`, () => {
    const codec = make([SECRET]);
    const version = kind === 'sealed' ? 'h1' : 's1';

    it('round-trips an envelope', () => {
      assertRoundTrip(codec, sample(), NOW);
    });

    it('round-trips without a user', () => {
      const { userId: _, ...envelope } = sample();
      assertRoundTrip(codec, envelope, NOW);
    });

    it('writes only cookie-safe characters', () => {
      assert.match(codec.encode(sample()), /^[A-Za-z0-9_.-]+$/);
    });

    it(`writes ${version}.<key id>.… with the key id derived from the secret`, () => {
      const value = codec.encode(sample());
      const parts = value.split('.');
      assert.equal(parts.length, kind === 'sealed' ? 3 : 4);
      assert.equal(parts[0], version);
      assert.equal(parts[1], keyIdFor(SECRET, kind as 'sealed' | 'signed'));
    });

    it('opens a cookie built independently from the documented format', () => {
      const json = envelopeJson({ created: NOW, seen: NOW, data: { a: 1 } });
      const result = codec.decode(forge(kind as 'sealed' | 'signed', SECRET, json), NOW);
      assert.ok(result.ok);
      assert.deepEqual({ ...result.envelope.data }, { a: 1 });
    });

    it('binds a value to its cookie name: another name does not open it', () => {
      const named = make([SECRET], { name: 'other' });
      const value = named.encode(sample());
      assert.equal(named.decode(value, NOW).ok, true);
      refused(make([SECRET], { name: 'admin' }), value, 'tampered');
      refused(codec, value, 'tampered');
      const json = envelopeJson({ created: NOW, seen: NOW });
      assert.equal(named.decode(forge(kind as 'sealed' | 'signed', SECRET, json, 'other'), NOW).ok, true);
      refused(named, forge(kind as 'sealed' | 'signed', SECRET, json, 'sid2'), 'tampered');
    });

    it('refuses a cookie made with another secret as unknown-key', () => {
      refused(codec, make([OTHER_SECRET]).encode(sample()), 'unknown-key');
    });

    it('refuses a cookie made with another secret under our key id as tampered', () => {
      const foreign = make([OTHER_SECRET]).encode(sample());
      const ours = keyIdFor(SECRET, kind as 'sealed' | 'signed');
      const parts = foreign.split('.');
      parts[1] = ours;
      refused(codec, parts.join('.'), 'tampered');
    });

    it('refuses a newer format version as unsupported-version', () => {
      const value = codec.encode(sample());
      refused(codec, value.replace(/^[hs]1/, `${version[0]}2`), 'unsupported-version');
    });

    it('refuses malformed values without throwing', () => {
      for (const value of [
        '',
        '.',
        '..',
        '...',
        version,
        `${version}.`,
        `${version}..`,
        `${version}...`,
        'garbage',
        'a.b.c.d.e',
        '\u0000',
        'é',
        ' '.repeat(10),
        '%00',
      ]) {
        refused(codec, value);
      }
    });

    it('refuses base64 that is not canonical, even when it decodes to the same bytes', () => {
      const value = codec.encode(sample());
      const parts = value.split('.');
      // Find a base64 segment whose last character carries unused low bits, and set one of them.
      const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
      let checked = 0;
      for (let index = 2; index < parts.length; index++) {
        const segment = parts[index] as string;
        const spare = segment.length % 4 === 2 ? 0b1111 : segment.length % 4 === 3 ? 0b11 : 0;
        if (spare === 0) {
          // A whole number of groups: padding is the only non-canonical form.
          const padded = [...parts];
          padded[index] = `${segment}==`;
          refused(codec, padded.join('.'));
          continue;
        }
        const last = alphabet.indexOf(segment.at(-1) as string);
        const twin = alphabet[last | 1] as string;
        assert.deepEqual(
          Buffer.from(segment.slice(0, -1) + twin, 'base64url'),
          Buffer.from(segment, 'base64url'),
          'same bytes under a lenient decoder',
        );
        const altered = [...parts];
        altered[index] = segment.slice(0, -1) + twin;
        refused(codec, altered.join('.'));
        checked++;
      }
      // A standard-alphabet or padded rewrite of the same bytes is refused too.
      refused(codec, value.replace(/-/g, '+').replace(/_/g, '/'));
      refused(codec, `${value}=`);
      assert.ok(checked > 0, 'a segment with spare bits was altered');
    });

    it('never throws, whatever the input', () => {
      fc.assert(
        fc.property(fc.string({ maxLength: 300 }), (text) => {
          assert.equal(codec.decode(text, NOW).ok, false);
          assert.equal(codec.decode(`${version}.${keyIdFor(SECRET, kind as 'sealed' | 'signed')}.${text}`, NOW).ok, false);
        }),
        { numRuns: 1500 },
      );
    });

    describe('envelope shape', () => {
      const bad: Array<[string, string | Buffer]> = [
        ['not JSON', 'not json'],
        ['invalid UTF-8', Buffer.from([0xff, 0xfe, 0x7b, 0x7d])],
        ['null', 'null'],
        ['an array', '[]'],
        ['a number', '42'],
        ['a missing id', JSON.stringify({ created: NOW, seen: NOW, data: {} })],
        ['an empty id', envelopeJson({ id: '', created: NOW, seen: NOW })],
        ['a numeric id', envelopeJson({ id: 7, created: NOW, seen: NOW })],
        ['a string time', envelopeJson({ created: String(NOW), seen: NOW })],
        ['a fractional time', envelopeJson({ created: NOW, seen: NOW + 0.5 })],
        ['an unsafe time', envelopeJson({ created: 2 ** 60, seen: NOW })],
        ['a missing time', JSON.stringify({ id: 'x', seen: NOW, data: {} })],
        ['an empty user', envelopeJson({ created: NOW, seen: NOW, user: '' })],
        ['a numeric user', envelopeJson({ created: NOW, seen: NOW, user: 5 })],
        ['array data', envelopeJson({ created: NOW, seen: NOW, data: [] })],
        ['null data', envelopeJson({ created: NOW, seen: NOW, data: null })],
        ['string data', envelopeJson({ created: NOW, seen: NOW, data: 'x' })],
        ['required fields hidden in __proto__', `{"__proto__":{"id":"x","created":${NOW},"seen":${NOW},"data":{}}}`],
      ];
      for (const [what, plaintext] of bad) {
        it(`refuses ${what} as malformed`, () => {
          refused(codec, forge(kind as 'sealed' | 'signed', SECRET, plaintext), 'malformed');
        });
      }
    });
  });
}

describe('sealed codec confidentiality', () => {
  it('hides the data: nothing of the plaintext shows in the cookie', () => {
    const value = sealedCodec([SECRET]).encode(sample());
    const bytes = Buffer.from(value.split('.')[2] as string, 'base64url').toString('latin1');
    for (const fragment of ['alice', 'apple', 'user_id', 'user-42', '"data"']) assert.equal(bytes.includes(fragment), false, fragment);
  });

  it('uses a fresh IV per cookie: the same envelope seals differently each time', () => {
    const codec = sealedCodec([SECRET]);
    const ivs = new Set<string>();
    for (let i = 0; i < 500; i++) ivs.add((codec.encode(sample()).split('.')[2] as string).slice(0, 16));
    assert.equal(ivs.size, 500);
  });

  it('authenticates the cookie name, version and key id as associated data: with the right key, only the exact one opens', () => {
    const codec = sealedCodec([SECRET, OLD_SECRET]);
    const json = envelopeJson({ created: NOW, seen: NOW, data: { a: 1 } });
    const ours = keyIdFor(SECRET, 'sealed');
    const other = keyIdFor(OLD_SECRET, 'sealed');
    // The control: SECRET's key, its key id in the value, and the associated data naming both.
    const opened = codec.decode(sealUnder(SECRET, json, `sid=h1.${ours}`), NOW);
    assert.ok(opened.ok, JSON.stringify(opened));
    assert.deepEqual({ ...opened.envelope.data }, { a: 1 });
    // The same key and the same value layout; only the associated data names something else.
    refused(codec, sealUnder(SECRET, json, `sid=h1.${other}`), 'tampered');
    refused(codec, sealUnder(SECRET, json, `sid=h2.${ours}`), 'tampered');
    refused(codec, sealUnder(SECRET, json, `other=h1.${ours}`), 'tampered');
    refused(codec, sealUnder(SECRET, json, ''), 'tampered');
  });

  it('refuses a value moved under another key id of the ring', () => {
    const codec = sealedCodec([SECRET, OLD_SECRET]);
    const value = forgeSealed(SECRET, envelopeJson({ created: NOW, seen: NOW }));
    refused(codec, value.replace(keyIdFor(SECRET, 'sealed'), keyIdFor(OLD_SECRET, 'sealed')), 'tampered');
  });
});

describe('signed codec readability', () => {
  it('carries the data readable, as documented', () => {
    const value = signedCodec([SECRET]).encode(sample());
    const json = JSON.parse(Buffer.from(value.split('.')[2] as string, 'base64url').toString('utf8'));
    assert.equal(json.data.user_id, 'alice');
    assert.equal(json.user, 'user-42');
    assert.equal(json.created, NOW - 100);
    assert.equal(json.seen, NOW - 10);
  });

  it('signs the cookie name, version and key id with the payload: with the right key, only the exact text verifies', () => {
    const codec = signedCodec([SECRET, OLD_SECRET]);
    const json = envelopeJson({ created: NOW, seen: NOW, data: { a: 1 } });
    const other = keyIdFor(OLD_SECRET, 'signed');
    // The control: SECRET's key, its key id in the value, and the tag over exactly what the value says.
    const opened = codec.decode(
      signUnder(SECRET, json, (id, payload) => `sid=s1.${id}.${payload}`),
      NOW,
    );
    assert.ok(opened.ok, JSON.stringify(opened));
    assert.deepEqual({ ...opened.envelope.data }, { a: 1 });
    // The same key and the same value; only the signed text names something else.
    refused(
      codec,
      signUnder(SECRET, json, (_, payload) => `sid=s1.${other}.${payload}`),
      'tampered',
    );
    refused(
      codec,
      signUnder(SECRET, json, (id, payload) => `sid=s2.${id}.${payload}`),
      'tampered',
    );
    refused(
      codec,
      signUnder(SECRET, json, (id, payload) => `other=s1.${id}.${payload}`),
      'tampered',
    );
    refused(
      codec,
      signUnder(SECRET, json, (_, payload) => `sid=s1.${payload}`),
      'tampered',
    );
    refused(
      codec,
      signUnder(SECRET, json, (_, payload) => payload),
      'tampered',
    );
  });

  it('refuses a tag of the wrong length as tampered', () => {
    const value = signedCodec([SECRET]).encode(sample());
    refused(signedCodec([SECRET]), value.slice(0, -4), 'tampered');
    refused(signedCodec([SECRET]), `${value}AAAA`, 'tampered');
  });
});
