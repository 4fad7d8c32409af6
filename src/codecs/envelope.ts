import { cryptoProvider } from '../core/crypto/index.js';
import { adoptData } from '../core/json-value.js';
import { lifetimeFromJson, lifetimeToJson } from '../core/lifetime.js';
import type { Envelope, OpenResult, SessionEvent } from '../core/types.js';

/** Options of `sealedCodec`, `signedCodec` and `secretboxCodec`. */
export interface CodecOptions {
  /**
   * The cookie name the values travel under; it is authenticated with them, so a value moved to
   * another cookie name does not open. Default `"sid"`. `createSessions` passes its `name`
   * to the codecs it builds, and refuses a codec object bound to another name than its own.
   */
  name?: string;
  /**
   * Receives the codec's events: `sealedCodec` reports `{ type: "key-rotation-due", keyId, seals }`
   * when its sealing key has sealed `sealWarning` cookies in this process, and again at each further
   * multiple. A hook that throws is logged, never thrown into a request.
   */
  onEvent?: (event: SessionEvent) => void;
  /**
   * `sealedCodec` only: how many cookies one key may seal in this process before `onEvent` hears
   * `key-rotation-due`. Default 134217728 (2^27): AES-GCM with random 96-bit nonces is safe for
   * about 2^32 seals per key across every instance, and 16 instances each at 2^27 have used half
   * of that. Lower it when more instances share the secret (2^31 divided by the instance count).
   * See docs/security.md for a rotation cadence.
   *
   * @example
   * ```ts
   * sealedCodec([process.env.SESSION_SECRET], { name: 'sid', sealWarning: 2 ** 31 / 64, onEvent: log })
   * ```
   */
  sealWarning?: number;
}

/**
 * The codecs hallpass itself built, each with the cookie name it is bound to: their output is
 * base64url and dots by construction, so the core skips the cookie-value check it applies to a
 * codec object the app supplies, and `createSessions` checks the name matches its own.
 */
export const builtInCodecs = new WeakMap<object, string>();

/**
 * The JSON hallpass's codecs carry: `{"id","created","seen","user"?,"life"?,"data"}`, times in Unix
 * seconds. `life` (`[persistent 0|1, maxAge]`) is written only for a session whose app chose its
 * lifetime, so cookies from before it existed open unchanged, under the same format version.
 */
export function envelopeToJson(envelope: Envelope): string {
  const user = envelope.userId === undefined ? '' : `"user":${JSON.stringify(envelope.userId)},`;
  const life = envelope.lifetime === undefined ? '' : `"life":${lifetimeToJson(envelope.lifetime)},`;
  return `{"id":${JSON.stringify(envelope.id ?? '')},"created":${envelope.createdAt},"seen":${envelope.lastSeenAt},${user}${life}"data":${JSON.stringify(envelope.data)}}`;
}

/** Parses and shape-checks an envelope; `undefined` for anything that is not one. Never throws. */
export function envelopeFromJson(text: string): Envelope | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (parsed === null || typeof parsed !== 'object') return undefined;
  const { id, created, seen, user, life, data } = parsed as Record<string, unknown>;
  if (typeof id !== 'string' || id.length === 0 || !Number.isSafeInteger(created) || !Number.isSafeInteger(seen)) {
    return undefined;
  }
  if (user !== undefined && (typeof user !== 'string' || user.length === 0)) return undefined;
  const lifetime = life === undefined ? undefined : lifetimeFromJson(life);
  if (life !== undefined && lifetime === undefined) return undefined;
  const adopted = adoptData(data);
  if (!adopted) return undefined;
  const envelope: Envelope = { id, createdAt: created as number, lastSeenAt: seen as number, data: adopted };
  if (user !== undefined) envelope.userId = user as string;
  if (lifetime !== undefined) envelope.lifetime = lifetime;
  return envelope;
}

/**
 * Decodes base64url only in its canonical form: the one spelling that encoding the bytes gives
 * back. Decoders are lenient in different ways (Node's skips stray characters, reads `+` and `/`
 * as `-` and `_`, reads a character above U+00FF by its low byte, and ignores the unused low bits
 * of the last character), so two different cookie strings could open to the same bytes. Encoding
 * the result again and comparing refuses every such spelling, on every provider, in one check.
 */
export function decodeBase64urlStrict(text: string): Uint8Array | undefined {
  if (text.length % 4 === 1) return undefined;
  const provider = cryptoProvider();
  const bytes = provider.base64urlDecode(text);
  return provider.base64urlEncode(bytes) === text ? bytes : undefined;
}

/** Why a cookie could not be opened. */
type Refusal = Extract<OpenResult, { ok: false }>;

export const MALFORMED: Refusal = Object.freeze({ ok: false, reason: 'malformed' });
const UNSUPPORTED_VERSION: Refusal = Object.freeze({ ok: false, reason: 'unsupported-version' });

/**
 * Why a value that does not start with `<version>.` is refused: the same letter with another
 * number (`h2.` for `h1`) is `unsupported-version`, anything else `malformed`.
 */
export function wrongVersion(value: string, version: string): Refusal {
  const head = value.slice(0, Math.max(0, value.indexOf('.')));
  return head.length > 1 && head[0] === version[0] && /^\d+$/.test(head.slice(1)) ? UNSUPPORTED_VERSION : MALFORMED;
}

/**
 * Reads `<version>.<key id>.<base64url blob>`, the shape of the sealed and secretbox cookies: the
 * position of the key named in `keyIds` and the decoded blob (longer than `overheadBytes`), or why
 * the value cannot be opened. A value of the same letter and another number is
 * `unsupported-version`, anything else that does not fit `malformed`.
 */
export function readKeyedBlob(
  value: string,
  version: string,
  keyIds: readonly string[],
  overheadBytes: number,
): { index: number; blob: Uint8Array } | Refusal {
  const firstDot = value.indexOf('.');
  if (firstDot !== version.length || !value.startsWith(version)) return wrongVersion(value, version);
  const secondDot = value.indexOf('.', firstDot + 1);
  if (secondDot === -1) return MALFORMED;
  const index = keyIds.indexOf(value.slice(firstDot + 1, secondDot));
  if (index === -1) return { ok: false, reason: 'unknown-key' };
  const blob = decodeBase64urlStrict(value.slice(secondDot + 1));
  if (!blob || blob.length <= overheadBytes) return MALFORMED;
  return { index, blob };
}
