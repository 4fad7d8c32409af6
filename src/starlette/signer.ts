/**
 * itsdangerous's `TimestampSigner` as Starlette configures it: salt `itsdangerous.Signer`,
 * django-concat key derivation, HMAC-SHA1, `.` separators, whole-second timestamps.
 *
 * `value = payload "." base64url(timestamp) "." base64url(HMAC-SHA1(SHA1(salt "signer" secret), payload "." timestamp))`
 */
import { after, all, type CryptoProvider, cryptoProvider, lazily, type MaybePromise, type OpaqueKey } from '../core/crypto/index.js';
import { itsdangerousB64decode, itsdangerousB64encode } from './base64.js';

const SALT = 'itsdangerous.Signer';
const MAC_BYTES = 20;
const DOT = 0x2e;

/** A signed value taken apart, or why it was refused (the order of checks is itsdangerous's). */
export type Unsigned =
  | { ok: true; payload: Uint8Array; timestamp: number; keyIndex: number }
  | { ok: false; reason: 'malformed' | 'tampered' };

export interface TimestampSigner {
  /** Signs `payload` (ASCII) at `timestamp` (Unix seconds); a promise on Web Crypto. */
  sign(payload: string, timestamp: number): MaybePromise<string>;
  /** Verifies the MAC with every key and splits off the timestamp; the age check is the caller's. */
  unsign(value: string): MaybePromise<Unsigned>;
  /** `false` when `sign` and `unsign` answer with promises (Web Crypto). */
  readonly synchronous: boolean;
}

const utf8 = new TextEncoder();

/** `SHA1(salt + "signer" + secret)`: itsdangerous's default "django-concat" derivation, imported for HMAC-SHA1. */
function deriveKey(provider: CryptoProvider, secret: string): MaybePromise<OpaqueKey> {
  return after(provider.digest('SHA-1', utf8.encode(`${SALT}signer${secret}`)), (raw) => provider.hmacKey(raw, 'SHA-1'));
}

/** The big-endian integer with leading zero bytes removed (so 0 is the empty string), base64url. */
export function encodeTimestamp(seconds: number): string {
  if (!Number.isSafeInteger(seconds) || seconds < 0)
    throw new RangeError(`A Starlette timestamp must be whole non-negative seconds, got ${seconds}.`);
  const bytes: number[] = [];
  for (let rest = seconds; rest > 0; rest = Math.floor(rest / 256)) bytes.unshift(rest % 256);
  return itsdangerousB64encode(Uint8Array.from(bytes));
}

/** `bytes_to_int(base64_decode(ts))`; `undefined` where itsdangerous says "Malformed timestamp". */
export function decodeTimestamp(text: Uint8Array): number | undefined {
  const bytes = itsdangerousB64decode(text);
  if (!bytes || bytes.length > 8) return undefined; // struct.unpack(">Q") needs at most 8 bytes
  let value = 0n;
  for (const byte of bytes) value = (value << 8n) | BigInt(byte);
  // Beyond 2^53 only a forger's clock could be: refuse it rather than round it.
  return value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : undefined;
}

/**
 * A signer over `secrets`, given in itsdangerous's order: oldest first, the LAST one signs, and
 * verification tries the newest first.
 */
export function timestampSigner(secrets: readonly string[]): TimestampSigner {
  const provider = cryptoProvider();
  // Newest first from here on; node:crypto derives at once, Web Crypto on first use.
  const keys = lazily(() => all([...secrets].reverse().map((secret) => deriveKey(provider, secret))));
  if (provider.synchronous) keys();

  return {
    synchronous: provider.synchronous,
    sign(payload, timestamp) {
      const signed = `${payload}.${encodeTimestamp(timestamp)}`;
      return after(keys(), (ring) =>
        after(provider.hmac(ring[0] as OpaqueKey, signed), (mac) => `${signed}.${itsdangerousB64encode(mac)}`),
      );
    },
    unsign(value) {
      // Starlette hands itsdangerous the cookie as UTF-8 bytes; every split and MAC works on those.
      const bytes = utf8.encode(value);
      const sigDot = bytes.lastIndexOf(DOT);
      if (sigDot === -1) return { ok: false, reason: 'malformed' };
      const signed = bytes.subarray(0, sigDot);
      const signature = itsdangerousB64decode(bytes.subarray(sigDot + 1));
      // The signature is checked before anything it covers is looked at, as itsdangerous does.
      if (signature?.length !== MAC_BYTES) return { ok: false, reason: 'tampered' };
      return after(keys(), (ring) =>
        after(all(ring.map((key) => provider.hmac(key, signed))), (macs): Unsigned => {
          const keyIndex = macs.findIndex((mac) => provider.timingSafeEqual(signature, mac));
          if (keyIndex === -1) return { ok: false, reason: 'tampered' };
          const timeDot = signed.lastIndexOf(DOT);
          if (timeDot === -1) return { ok: false, reason: 'malformed' }; // "timestamp missing"
          const timestamp = decodeTimestamp(signed.subarray(timeDot + 1));
          if (timestamp === undefined) return { ok: false, reason: 'malformed' };
          return { ok: true, payload: signed.subarray(0, timeDot), timestamp, keyIndex };
        }),
      );
    },
  };
}

/**
 * itsdangerous's age rule for `max_age`: older than `maxAge` is expired, and so is a timestamp in
 * the future (age < 0, no leeway). `null` turns every time check off, as in Starlette.
 */
export function ageProblem(timestamp: number, now: number, maxAge: number | null): 'expired' | 'future' | undefined {
  if (maxAge === null) return undefined;
  const age = Math.floor(now) - timestamp;
  if (age > maxAge) return 'expired';
  if (age < 0) return 'future';
  return undefined;
}
