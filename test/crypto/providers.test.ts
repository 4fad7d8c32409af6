/**
 * The two crypto providers give the same bytes: every primitive the formats rest on is compared
 * between node:crypto and Web Crypto, on the same inputs.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { forceCryptoProvider } from '../../src/core/crypto/index.js';
import type { CryptoProvider } from '../../src/core/crypto/types.js';
import { webProvider } from '../../src/core/crypto/web.js';

const node: CryptoProvider = forceCryptoProvider('node');
const web: CryptoProvider = webProvider(globalThis.crypto);
const chosenOnNode = forceCryptoProvider(undefined);

describe('crypto providers', () => {
  it("picks Web Crypto where reading process.getBuiltinModule throws (Next.js's edge sandbox)", () => {
    const real = Object.getOwnPropertyDescriptor(globalThis, 'process') as PropertyDescriptor;
    const sandboxed = new Proxy(process, {
      get(target, key) {
        if (key === 'getBuiltinModule')
          throw new Error('A Node.js API is used (process.getBuiltinModule) which is not supported in the Edge Runtime.');
        return Reflect.get(target, key);
      },
    });
    Object.defineProperty(globalThis, 'process', { value: sandboxed, configurable: true, writable: true });
    let picked: string;
    try {
      picked = forceCryptoProvider(undefined).name;
    } finally {
      Object.defineProperty(globalThis, 'process', real);
      forceCryptoProvider(undefined);
    }
    assert.equal(picked, 'web');
  });

  it('falls back to Web Crypto where node:buffer lacks Buffer (a partial compatibility layer)', () => {
    const real = process.getBuiltinModule;
    const partial = ((id: string) => (id === 'node:buffer' ? {} : real.call(process, id))) as typeof process.getBuiltinModule;
    process.getBuiltinModule = partial;
    let picked: string;
    try {
      picked = forceCryptoProvider(undefined).name;
    } finally {
      process.getBuiltinModule = real;
      forceCryptoProvider(undefined);
    }
    assert.equal(picked, 'web');
  });

  it('opens only a whole 12-byte IV and 16-byte tag, on both providers', async () => {
    const raw = new Uint8Array(32).fill(7);
    for (const provider of [node, web]) {
      const key = await provider.aesKey(raw);
      const sealed = await provider.seal(key, new Uint8Array(12).fill(1), new Uint8Array(0), 'x');
      assert.equal(await provider.open(key, sealed, new Uint8Array(0)), 'x', provider.name);
      for (const cut of [sealed.subarray(0, 27), sealed.subarray(0, 12), sealed.subarray(0, sealed.length - 12)]) {
        assert.equal(await provider.open(key, cut, new Uint8Array(0)), undefined, `${provider.name}: ${cut.length} bytes`);
      }
    }
  });

  it('hallpass picks node:crypto on Node, without importing it', () => {
    assert.equal(chosenOnNode.name, 'node');
    assert.equal(node.name, 'node');
    assert.equal(node.synchronous, true);
    assert.equal(web.synchronous, false);
  });

  it('SHA-256 in JavaScript matches node:crypto on every length around the block boundaries', () => {
    for (let length = 0; length <= 200; length++) {
      const bytes = Uint8Array.from({ length }, (_, index) => (index * 31 + length) & 0xff);
      assert.deepEqual(Buffer.from(web.sha256(bytes)), createHash('sha256').update(bytes).digest(), `length ${length}`);
    }
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (text) => {
        assert.equal(web.sha256Base64url(text), node.sha256Base64url(text));
        assert.deepEqual(Buffer.from(web.sha256(text)), Buffer.from(node.sha256(text)));
      }),
    );
  });

  it('base64url encodes and decodes as Node does', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        const encoded = node.base64urlEncode(bytes);
        assert.equal(web.base64urlEncode(bytes), encoded);
        assert.deepEqual(Buffer.from(web.base64urlDecode(encoded)), Buffer.from(bytes));
      }),
    );
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (text) => {
        assert.equal(web.textToBase64url(text), node.textToBase64url(text));
        assert.deepEqual(Buffer.from(web.utf8Encode(text)), Buffer.from(node.utf8Encode(text)));
        assert.equal(web.utf8Decode(node.utf8Encode(text)), node.utf8Decode(node.utf8Encode(text)));
        assert.equal(web.base64urlToText(node.textToBase64url(text)), node.base64urlToText(node.textToBase64url(text)));
      }),
    );
  });

  it('HKDF-SHA256 derives the same key', async () => {
    const secret = 'kq7Zr1VbX9dT3mWf0LhPz5sYc2NjGu8eRaQ4oKiBtE6';
    const fromNode = node.hkdfSha256(secret, 'hallpass', 'hallpass/sealed/v1', 32) as Uint8Array;
    assert.deepEqual(Buffer.from(await web.hkdfSha256(secret, 'hallpass', 'hallpass/sealed/v1', 32)), Buffer.from(fromNode));
  });

  it('AES-256-GCM: what one seals the other opens, and a flipped bit opens nowhere', async () => {
    const raw = web.randomFill(new Uint8Array(32));
    const aad = new TextEncoder().encode('sid=h1.abcdef');
    const [nodeKey, webKey] = [node.aesKey(raw), await web.aesKey(raw)];
    const iv = web.randomFill(new Uint8Array(12));
    const fromNode = node.seal(nodeKey as never, iv, aad, 'héllo ✓') as Uint8Array;
    const fromWeb = await web.seal(webKey, iv, aad, 'héllo ✓');
    assert.deepEqual(Buffer.from(fromWeb), Buffer.from(fromNode), 'the same key and nonce give the same bytes');
    assert.equal(await web.open(webKey, fromNode, aad), 'héllo ✓');
    assert.equal(node.open(nodeKey as never, fromWeb, aad), 'héllo ✓');
    const flipped = Uint8Array.from(fromNode);
    flipped[20] = (flipped[20] as number) ^ 1;
    assert.equal(await web.open(webKey, flipped, aad), undefined);
    assert.equal(node.open(nodeKey as never, flipped, aad), undefined);
    assert.equal(await web.open(webKey, fromNode, new TextEncoder().encode('other=h1.abcdef')), undefined);
  });

  it('HMAC-SHA256 and HMAC-SHA1 give the same tags; compare is exact', async () => {
    const raw = web.randomFill(new Uint8Array(32));
    for (const hash of ['SHA-256', 'SHA-1'] as const) {
      const tag = node.hmac(node.hmacKey(raw, hash) as never, 'payload') as Uint8Array;
      assert.deepEqual(Buffer.from(await web.hmac(await web.hmacKey(raw, hash), 'payload')), Buffer.from(tag));
      assert.deepEqual(Buffer.from(await web.digest(hash, raw)), Buffer.from(node.digest(hash, raw) as Uint8Array));
    }
    for (const provider of [node, web]) {
      assert.equal(provider.timingSafeEqual(Uint8Array.of(1, 2, 3), Uint8Array.of(1, 2, 3)), true);
      assert.equal(provider.timingSafeEqual(Uint8Array.of(1, 2, 3), Uint8Array.of(1, 2, 4)), false);
      assert.equal(provider.timingSafeEqual(Uint8Array.of(1, 2, 3), Uint8Array.of(1, 2)), false);
    }
  });

  it('fills large buffers from the CSPRNG (Web Crypto takes at most 64 KiB a call)', () => {
    const bytes = web.randomFill(new Uint8Array(70_000));
    assert.ok(bytes.subarray(66_000).some((byte) => byte !== 0));
  });
});
