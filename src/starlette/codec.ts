/** The Starlette cookie codec: itsdangerous signing around a Python-JSON payload. */
import { after } from '../core/crypto/index.js';
import { ConfigError } from '../core/errors.js';
import type { Codec, Envelope, OpenResult } from '../core/types.js';
import { checkStarletteMaxAge, checkStarletteSecrets } from './options.js';
import { decodePayload, encodePayload } from './payload.js';
import { ageProblem, timestampSigner, type Unsigned } from './signer.js';

const MALFORMED: OpenResult = Object.freeze({ ok: false, reason: 'malformed' });

/** What `starletteCodec` needs: Starlette's `secret_key` and `max_age`. */
export interface StarletteCodecOptions {
  /**
   * The FastAPI app's `secret_key`. A list rotates keys in itsdangerous's order: oldest first, the
   * LAST one signs, every one verifies. (hallpass's own `secret` lists are the other way round.)
   */
  secret_key: string | readonly string[];
  /** Seconds a cookie stays valid after it was signed. Default 1209600 (14 days); `null`: no time check. */
  max_age?: number | null;
}

/** `SessionMiddleware`'s options, with its names and defaults. */
export interface StarletteOptions extends StarletteCodecOptions {
  /** Cookie name. Default `"session"`. */
  session_cookie?: string;
  /** Cookie `Path`. Default `"/"`. */
  path?: string;
  /** Cookie `SameSite`. Default `"lax"`. */
  same_site?: 'lax' | 'strict' | 'none';
  /** Adds `Secure`. Default `false`, as in Starlette. */
  https_only?: boolean;
  /** Cookie `Domain` (Starlette 0.32+). Default: none. */
  domain?: string;
}

/**
 * The codec for Starlette's cookies: Python-style JSON (spacing, `\uXXXX` escapes, float repr,
 * key order), standard padded base64, an itsdangerous timestamp and HMAC-SHA1 signature checked in
 * constant time, and `max_age` enforced the itsdangerous way (older than `max_age`, or dated in the
 * future, is refused). A session holding values JavaScript cannot keep exactly (an integer beyond
 * 2^53 - 1, NaN, Infinity) is refused as `malformed` rather than silently changed.
 *
 * Prefer `starletteSessionOptions`, which also sets the cookie attributes and Starlette's sliding
 * expiry. Use the codec alone for tools and tests.
 *
 * @example
 * ```ts
 * const codec = starletteCodec({ secret_key: process.env.SESSION_SECRET!, max_age: 1800 })
 * await codec.decode(cookieValue, Math.floor(Date.now() / 1000)) // { ok: true, envelope: { data, ... } }
 * ```
 */
export function starletteCodec(options: StarletteCodecOptions): Codec {
  if (options === null || typeof options !== 'object') {
    throw new ConfigError(
      'ERR_OPTION',
      'starletteCodec(options) needs an options object, e.g. { secret_key: process.env.SESSION_SECRET }.',
    );
  }
  const signer = timestampSigner(checkStarletteSecrets(options.secret_key));
  const maxAge = checkStarletteMaxAge(options.max_age);
  // Synchronous on node:crypto; with Web Crypto an `AsyncCodec` (see `Codec`).
  return {
    kind: 'starlette',
    checksOwnExpiry: true,
    synchronous: signer.synchronous,
    // One timestamp only: the write time. The envelope's inner ID and user link have no place in
    // Starlette's format, so they live for the request only.
    encode: (envelope: Envelope) => signer.sign(encodePayload(envelope.data), envelope.lastSeenAt),
    decode(value: string, now: number) {
      try {
        return after(signer.unsign(value), (unsigned) => opened(unsigned, now));
      } catch {
        return MALFORMED; // the contract: bad input is data, never an exception
      }
    },
  } as Codec;

  function opened(unsigned: Unsigned, now: number): OpenResult {
    if (!unsigned.ok) return unsigned;
    const problem = ageProblem(unsigned.timestamp, now, maxAge);
    if (problem) return { ok: false, reason: problem };
    const data = decodePayload(unsigned.payload);
    if (!data) return { ok: false, reason: 'malformed' };
    const { timestamp } = unsigned;
    return { ok: true, envelope: { createdAt: timestamp, lastSeenAt: timestamp, data }, stale: unsigned.keyIndex !== 0 };
  }
}
