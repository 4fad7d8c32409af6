import { cryptoProvider } from './crypto/index.js';

// One CSPRNG call fills a pool that many nonces and IDs are cut from: a syscall per 4 KiB, not per request.
const POOL_SIZE = 4096;
const pool = new Uint8Array(POOL_SIZE);
let offset = POOL_SIZE;

/** `size` fresh random bytes from the pooled CSPRNG. The returned bytes are a copy the caller owns. */
export function randomBytesPooled(size: number): Uint8Array {
  if (size > POOL_SIZE) return cryptoProvider().randomFill(new Uint8Array(size));
  if (offset + size > POOL_SIZE) {
    cryptoProvider().randomFill(pool);
    offset = 0;
  }
  const out = pool.slice(offset, offset + size);
  // Wipe what was handed out so the pool never gives the same bytes twice.
  pool.fill(0, offset, offset + size);
  offset += size;
  return out;
}

/** A 128-bit random inner session ID, base64url (22 characters). */
export function newSessionId(): string {
  return cryptoProvider().base64urlEncode(randomBytesPooled(16));
}

/** A 256-bit random server-mode token, base64url (43 characters). */
export function newToken(): string {
  return cryptoProvider().base64urlEncode(randomBytesPooled(32));
}

const TOKEN_SHAPE = /^[A-Za-z0-9_-]{43}$/;

/** True when a cookie value has the exact shape of a token hallpass issues; checked before any store call. */
export function isTokenShaped(value: string): boolean {
  return value.length === 43 && TOKEN_SHAPE.test(value);
}
