import { randomFillSync } from 'node:crypto';

// One CSPRNG call fills a pool that many nonces and IDs are cut from: a syscall per 4 KiB, not per request.
const POOL_SIZE = 4096;
const pool = Buffer.allocUnsafe(POOL_SIZE);
let offset = POOL_SIZE;

/** `size` fresh random bytes from the pooled CSPRNG. The returned buffer is a copy the caller owns. */
export function randomBytesPooled(size: number): Buffer {
  if (size > POOL_SIZE) return randomFillSync(Buffer.allocUnsafe(size));
  if (offset + size > POOL_SIZE) {
    randomFillSync(pool);
    offset = 0;
  }
  const out = Buffer.allocUnsafe(size);
  pool.copy(out, 0, offset, offset + size);
  // Wipe what was handed out so the pool never gives the same bytes twice.
  pool.fill(0, offset, offset + size);
  offset += size;
  return out;
}

/** A 128-bit random inner session ID, base64url (22 characters). */
export function newSessionId(): string {
  return randomBytesPooled(16).toString('base64url');
}

/** A 256-bit random server-mode token, base64url (43 characters). */
export function newToken(): string {
  return randomBytesPooled(32).toString('base64url');
}

const TOKEN_SHAPE = /^[A-Za-z0-9_-]{43}$/;

/** True when a cookie value has the exact shape of a token hallpass issues; checked before any store call. */
export function isTokenShaped(value: string): boolean {
  return value.length === 43 && TOKEN_SHAPE.test(value);
}
