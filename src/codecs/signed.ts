import { createHmac, timingSafeEqual } from 'node:crypto';
import { type DerivedKey, deriveKeyring } from '../core/keys.js';
import type { Codec, Envelope, OpenResult } from '../core/types.js';
import {
  builtInCodecs,
  type CodecOptions,
  decodeBase64urlStrict,
  envelopeFromJson,
  envelopeToJson,
  MALFORMED,
  wrongVersion,
} from './envelope.js';

const VERSION = 's1';
const PREFIX = `${VERSION}.`;
const TAG_BYTES = 32;

/**
 * A readable, tamper-proof codec: the session JSON travels base64url-encoded (anyone holding the
 * cookie can read it) with an HMAC-SHA256 tag compared in constant time. Choose it when the
 * client may see the data and you want the smallest CPU cost; choose `sealed` (the default)
 * otherwise.
 *
 * Format: `s1.<key id>.<base64url(json)>.<base64url(tag)>`. The tag covers
 * `<cookie name>=s1.<key id>.<base64url(json)>`, so a value moved to another cookie name does not verify.
 *
 * @example
 * ```ts
 * createSessions({ secret: process.env.SESSION_SECRET, codec: 'signed' })
 * ```
 */
export function signedCodec(secrets: readonly string[], options: CodecOptions = {}): Codec {
  const name = options.name ?? 'sid';
  const bound = `${name}=`;
  const keyring = deriveKeyring(secrets, 'signed/v1');
  const newest = keyring[0] as DerivedKey;
  // id -> position of its first key (the same secret listed twice opens as the newer one).
  const keyIndex = new Map<string, number>();
  keyring.forEach((entry, index) => {
    if (!keyIndex.has(entry.id)) keyIndex.set(entry.id, index);
  });
  const sign = (key: DerivedKey, signedPart: string) =>
    createHmac('sha256', key.key)
      .update(bound + signedPart)
      .digest();

  const codec: Codec = {
    kind: 'signed',
    carriesLifetime: true,
    encode(envelope: Envelope): string {
      const signedPart = `${VERSION}.${newest.id}.${Buffer.from(envelopeToJson(envelope)).toString('base64url')}`;
      return `${signedPart}.${sign(newest, signedPart).toString('base64url')}`;
    },
    decode(value: string): OpenResult {
      // s1.<key id>.<payload>.<tag>, sliced by position: no array, no intermediate parts.
      if (!value.startsWith(PREFIX)) return wrongVersion(value, VERSION);
      const keyEnd = value.indexOf('.', PREFIX.length);
      const tagStart = value.lastIndexOf('.');
      if (keyEnd === -1 || tagStart <= keyEnd || value.indexOf('.', keyEnd + 1) !== tagStart) return MALFORMED;
      const index = keyIndex.get(value.slice(PREFIX.length, keyEnd));
      if (index === undefined) return { ok: false, reason: 'unknown-key' };
      const tag = decodeBase64urlStrict(value.slice(tagStart + 1));
      if (!tag || tag.length !== TAG_BYTES) return { ok: false, reason: 'tampered' };
      const expected = sign(keyring[index] as DerivedKey, value.slice(0, tagStart));
      if (!timingSafeEqual(tag, expected)) return { ok: false, reason: 'tampered' };
      // The tag covers the payload text itself, so any other spelling of it already failed above:
      // the lenient (and faster) decoder is safe here.
      const envelope = envelopeFromJson(Buffer.from(value.slice(keyEnd + 1, tagStart), 'base64url').toString('utf8'));
      if (!envelope) return MALFORMED;
      return { ok: true, envelope, stale: index !== 0 };
    },
  };
  builtInCodecs.set(codec, name);
  return codec;
}
