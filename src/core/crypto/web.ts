import { decodeBase64url, encodeBase64url } from './base64url.js';
import { sha256 } from './sha256.js';
import type { CryptoProvider } from './types.js';

const encoder = new TextEncoder();
const decoder = new TextDecoder();
/** `getRandomValues` fills at most 65536 bytes a call. */
const RANDOM_CHUNK = 65536;

// Web Crypto's types want an ArrayBuffer-backed view; every view here is one.
type Source = Uint8Array<ArrayBuffer>;
const source = (bytes: Uint8Array) => bytes as Source;
const utf8 = (text: string | Uint8Array) => (typeof text === 'string' ? encoder.encode(text) : source(text));

/**
 * The provider over Web Crypto (`globalThis.crypto`): what edge runtimes, Workers, Deno and browsers
 * all have. Keyed operations answer with promises; SHA-256 is computed in JavaScript so that the
 * synchronous APIs built on it work here too.
 */
export function webProvider(crypto: Crypto): CryptoProvider<CryptoKey, CryptoKey> {
  const subtle = crypto.subtle;
  return {
    name: 'web',
    synchronous: false,
    randomFill(bytes) {
      for (let start = 0; start < bytes.length; start += RANDOM_CHUNK) {
        crypto.getRandomValues(bytes.subarray(start, Math.min(bytes.length, start + RANDOM_CHUNK)));
      }
      return bytes;
    },
    sha256: (data) => sha256(utf8(data)),
    sha256Base64url: (text) => encodeBase64url(sha256(encoder.encode(text))),
    digest: async (hash, data) => new Uint8Array(await subtle.digest(hash, source(data))),
    async hkdfSha256(secret, salt, info, length) {
      const key = await subtle.importKey('raw', encoder.encode(secret), 'HKDF', false, ['deriveBits']);
      const params = { name: 'HKDF', hash: 'SHA-256', salt: encoder.encode(salt), info: encoder.encode(info) };
      return new Uint8Array(await subtle.deriveBits(params, key, length * 8));
    },
    aesKey: async (raw) => await subtle.importKey('raw', source(raw), 'AES-GCM', false, ['encrypt', 'decrypt']),
    hmacKey: async (raw, hash) => await subtle.importKey('raw', source(raw), { name: 'HMAC', hash }, false, ['sign']),
    async seal(key, iv, aad, plaintext) {
      const params = { name: 'AES-GCM', iv: source(iv), additionalData: source(aad), tagLength: 128 };
      const sealed = new Uint8Array(await subtle.encrypt(params, key, encoder.encode(plaintext)));
      const out = new Uint8Array(iv.length + sealed.length);
      out.set(iv);
      out.set(sealed, iv.length);
      return out;
    },
    async open(key, blob, aad) {
      const params = { name: 'AES-GCM', iv: source(blob.subarray(0, 12)), additionalData: source(aad), tagLength: 128 };
      try {
        return decoder.decode(await subtle.decrypt(params, key, source(blob.subarray(12))));
      } catch {
        return undefined;
      }
    },
    hmac: async (key, data) => new Uint8Array(await subtle.sign('HMAC', key, utf8(data))),
    timingSafeEqual(a, b) {
      if (a.length !== b.length) return false;
      let difference = 0;
      for (let i = 0; i < a.length; i++) difference |= (a[i] as number) ^ (b[i] as number);
      return difference === 0;
    },
    base64urlEncode: encodeBase64url,
    base64urlDecode: decodeBase64url,
    textToBase64url: (text) => encodeBase64url(encoder.encode(text)),
    base64urlToText: (encoded) => decoder.decode(decodeBase64url(encoded)),
    utf8Encode: (text) => encoder.encode(text),
    utf8Decode: (bytes) => decoder.decode(bytes),
    allocate: (size) => new Uint8Array(size),
  };
}
