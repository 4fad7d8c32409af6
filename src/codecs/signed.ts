import { createHmac, timingSafeEqual } from 'node:crypto';
import { type DerivedKey, deriveKeyring } from '../core/keys.js';
import type { Codec, Envelope, OpenResult } from '../core/types.js';
import { builtInCodecs, type CodecOptions, decodeBase64urlStrict, envelopeFromJson, envelopeToJson } from './envelope.js';

const VERSION = 's1';
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
  const bound = `${options.name ?? 'hallpass'}=`;
  const keyring = deriveKeyring(secrets, 'signed/v1');
  const newest = keyring[0] as DerivedKey;
  const sign = (key: DerivedKey, signedPart: string) => createHmac('sha256', key.key).update(bound).update(signedPart).digest();

  const codec: Codec = {
    kind: 'signed',
    encode(envelope: Envelope): string {
      const signedPart = `${VERSION}.${newest.id}.${Buffer.from(envelopeToJson(envelope)).toString('base64url')}`;
      return `${signedPart}.${sign(newest, signedPart).toString('base64url')}`;
    },
    decode(value: string): OpenResult {
      const parts = value.split('.');
      if (parts.length !== 4) return { ok: false, reason: 'malformed' };
      const [version, keyId, payload, tagText] = parts as [string, string, string, string];
      if (version !== VERSION) return { ok: false, reason: /^s\d+$/.test(version) ? 'unsupported-version' : 'malformed' };
      const index = keyring.findIndex((entry) => entry.id === keyId);
      if (index === -1) return { ok: false, reason: 'unknown-key' };
      const tag = decodeBase64urlStrict(tagText);
      if (!tag || tag.length !== TAG_BYTES) return { ok: false, reason: 'tampered' };
      const expected = sign(keyring[index] as DerivedKey, value.slice(0, value.length - tagText.length - 1));
      if (!timingSafeEqual(tag, expected)) return { ok: false, reason: 'tampered' };
      // The tag covers the payload text itself, so any other spelling of it already failed above:
      // the lenient (and faster) decoder is safe here.
      const envelope = envelopeFromJson(Buffer.from(payload, 'base64url').toString('utf8'));
      if (!envelope) return { ok: false, reason: 'malformed' };
      return { ok: true, envelope, stale: index !== 0 };
    },
  };
  builtInCodecs.add(codec);
  return codec;
}
