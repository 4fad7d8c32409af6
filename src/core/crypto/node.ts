import type * as NodeCryptoModule from 'node:crypto';
import type { CryptoProvider, HmacHash } from './types.js';

type NodeCrypto = typeof NodeCryptoModule;
type NodeBuffer = typeof import('node:buffer').Buffer;
type KeyObject = NodeCryptoModule.KeyObject;

interface HmacKey {
  key: KeyObject;
  hash: 'sha256' | 'sha1';
}

/**
 * The provider over node:crypto: every operation is synchronous, so a cookie decodes on first use
 * and a commit writes without waiting a tick. It is handed the modules rather than importing them,
 * so that no bundle of a runtime-neutral entry carries a `node:` import (see index.ts).
 */
export function nodeProvider(crypto: NodeCrypto, NodeBuffer: NodeBuffer): CryptoProvider<KeyObject, HmacKey> {
  const bufferOf = (bytes: Uint8Array) =>
    bytes instanceof NodeBuffer ? bytes : NodeBuffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const hashName = (hash: HmacHash) => (hash === 'SHA-256' ? 'sha256' : 'sha1');
  return {
    name: 'node',
    synchronous: true,
    randomFill: (bytes) => crypto.randomFillSync(bytes),
    sha256: (data) => crypto.createHash('sha256').update(data).digest(),
    // `hash` (one call, no Hash object) where the runtime has it; the same digest otherwise.
    sha256Base64url:
      typeof crypto.hash === 'function'
        ? (text) => crypto.hash('sha256', text, 'base64url')
        : (text) => crypto.createHash('sha256').update(text).digest('base64url'),
    digest: (hash, data) => crypto.createHash(hashName(hash)).update(data).digest(),
    hkdfSha256: (secret, salt, info, length) => new Uint8Array(crypto.hkdfSync('sha256', secret, salt, info, length)),
    aesKey: (raw) => crypto.createSecretKey(raw),
    hmacKey: (raw, hash) => ({ key: crypto.createSecretKey(raw), hash: hashName(hash) }),
    seal(key, iv, aad, plaintext) {
      const cipher = crypto.createCipheriv('aes-256-gcm', key, iv);
      cipher.setAAD(aad);
      const body = cipher.update(plaintext, 'utf8');
      const final = cipher.final();
      return NodeBuffer.concat([iv, body, final, cipher.getAuthTag()]);
    },
    open(key, blob, aad) {
      // A 12-byte IV and a whole 16-byte tag, as Web Crypto insists: node:crypto would take a shorter tag.
      if (blob.length < 12 + 16) return undefined;
      try {
        const decipher = crypto.createDecipheriv('aes-256-gcm', key, blob.subarray(0, 12), { authTagLength: 16 });
        decipher.setAAD(aad);
        decipher.setAuthTag(blob.subarray(blob.length - 16));
        // Bytes out, then one UTF-8 decode: an output encoding makes node:crypto build a
        // StringDecoder for every cipher object, which costs a fifth of the whole open.
        const plaintext = decipher.update(blob.subarray(12, blob.length - 16));
        decipher.final();
        return plaintext.toString('utf8');
      } catch {
        return undefined;
      }
    },
    hmac(key, data) {
      const { key: secret, hash } = key;
      return crypto.createHmac(hash, secret).update(data).digest();
    },
    timingSafeEqual: (a, b) => a.length === b.length && crypto.timingSafeEqual(a, b),
    base64urlEncode: (bytes) => bufferOf(bytes).toString('base64url'),
    base64urlDecode: (text) => NodeBuffer.from(text, 'base64url'),
    textToBase64url: (text) => NodeBuffer.from(text, 'utf8').toString('base64url'),
    base64urlToText: (encoded) => NodeBuffer.from(encoded, 'base64url').toString('utf8'),
    utf8Encode: (text) => NodeBuffer.from(text, 'utf8'),
    utf8Decode: (bytes) => bufferOf(bytes).toString('utf8'),
    allocate: (size) => NodeBuffer.allocUnsafe(size),
  };
}
