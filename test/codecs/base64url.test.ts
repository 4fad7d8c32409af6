import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { decodeBase64urlStrict } from '../../src/codecs/envelope.js';
import { forceCryptoProvider } from '../../src/core/crypto/index.js';

const asBuffer = (bytes: Uint8Array | undefined) => (bytes === undefined ? undefined : Buffer.from(bytes));

/** Canonical base64url, by its definition: the alphabet only, no padding, no stray low bits. */
function isCanonical(text: string): boolean {
  return /^[A-Za-z0-9_-]*$/.test(text) && text.length % 4 !== 1 && Buffer.from(text, 'base64url').toString('base64url') === text;
}

for (const provider of ['node', 'web'] as const) {
  describe(`decodeBase64urlStrict (${provider} provider)`, () => {
    before(() => forceCryptoProvider(provider));
    after(() => forceCryptoProvider(undefined));

    it('opens exactly the canonical base64url strings, to the bytes they encode', () => {
      // Mostly the alphabet, with the characters a lenient decoder would skip, stop at or read as another.
      const char = fc.oneof(
        { weight: 12, arbitrary: fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_') },
        { weight: 1, arbitrary: fc.constantFrom('+', '/', '=', ' ', '.', '%', '\n', 'é', '\u0100', 'ő', 'ŭ', '\u{1F600}', '\0') },
      );
      fc.assert(
        fc.property(fc.array(char, { maxLength: 40 }), (chars) => {
          const text = chars.join('');
          const bytes = decodeBase64urlStrict(text);
          if (!isCanonical(text)) return bytes === undefined;
          return bytes !== undefined && Buffer.from(bytes).toString('base64url') === text;
        }),
        { numRuns: 20_000 },
      );
    });

    it('opens what Buffer encodes, at every length', () => {
      fc.assert(
        fc.property(fc.uint8Array({ maxLength: 64 }), (raw) => {
          const text = Buffer.from(raw).toString('base64url');
          assert.deepEqual(asBuffer(decodeBase64urlStrict(text)), Buffer.from(raw));
        }),
      );
    });

    it('refuses the alternate alphabet, padding and stray characters even where the bytes would match', () => {
      const text = Buffer.from([0xfb, 0xff, 0xbf]).toString('base64url'); // "-_-_"
      // 'ő' (U+0151) has the low byte of 'Q': Node's decoder reads it as 'Q'.
      for (const bad of ['+_-_', '-/-_', `${text}==`, ` ${text}`, `${text.slice(0, 2)}\n${text.slice(2)}`, `${text}A`, 'őUJD']) {
        assert.equal(decodeBase64urlStrict(bad), undefined, JSON.stringify(bad));
      }
      assert.deepEqual(asBuffer(decodeBase64urlStrict(text)), Buffer.from([0xfb, 0xff, 0xbf]));
    });
  });
}
