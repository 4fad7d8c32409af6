import { createCipheriv, createDecipheriv } from 'node:crypto';
import { type DerivedKey, deriveKeyring } from '../core/keys.js';
import { randomBytesPooled } from '../core/random.js';
import type { Codec, Envelope, OpenResult } from '../core/types.js';
import { decodeBase64urlStrict, envelopeFromJson, envelopeToJson } from './envelope.js';

const VERSION = 'h1';
const IV_BYTES = 12;
const TAG_BYTES = 16;

/**
 * The default codec: the session is encrypted and authenticated with AES-256-GCM, so the browser
 * can neither read nor change it. Keys are derived per purpose with HKDF-SHA256 from each secret;
 * the first secret seals, every secret opens, and a cookie opened with an older key is marked
 * stale so the next write re-seals it with the newest.
 *
 * Format: `h1.<key id>.<base64url(iv ‖ ciphertext ‖ tag)>`; the version and key id are
 * authenticated as associated data.
 *
 * @example
 * ```ts
 * createSessions({ secret: process.env.SESSION_SECRET, codec: 'sealed' }) // the default
 * ```
 */
export function sealedCodec(secrets: readonly string[]): Codec {
  const keyring = deriveKeyring(secrets, 'sealed/v1');
  const newest = keyring[0] as DerivedKey;
  const newestAad = Buffer.from(`${VERSION}.${newest.id}`);

  return {
    kind: 'sealed',
    encode(envelope: Envelope): string {
      const iv = randomBytesPooled(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', newest.key, iv);
      cipher.setAAD(newestAad);
      const body = cipher.update(envelopeToJson(envelope), 'utf8');
      const final = cipher.final();
      const blob = Buffer.concat([iv, body, final, cipher.getAuthTag()]);
      return `${VERSION}.${newest.id}.${blob.toString('base64url')}`;
    },
    decode(value: string): OpenResult {
      const firstDot = value.indexOf('.');
      if (firstDot === -1) return { ok: false, reason: 'malformed' };
      if (value.slice(0, firstDot) !== VERSION) {
        return { ok: false, reason: /^h\d+$/.test(value.slice(0, firstDot)) ? 'unsupported-version' : 'malformed' };
      }
      const secondDot = value.indexOf('.', firstDot + 1);
      if (secondDot === -1) return { ok: false, reason: 'malformed' };
      const keyId = value.slice(firstDot + 1, secondDot);
      const index = keyring.findIndex((entry) => entry.id === keyId);
      if (index === -1) return { ok: false, reason: 'unknown-key' };
      const blob = decodeBase64urlStrict(value.slice(secondDot + 1));
      if (!blob || blob.length <= IV_BYTES + TAG_BYTES) return { ok: false, reason: 'malformed' };
      const key = keyring[index] as DerivedKey;
      let plaintext: string;
      try {
        const decipher = createDecipheriv('aes-256-gcm', key.key, blob.subarray(0, IV_BYTES));
        decipher.setAAD(Buffer.from(value.slice(0, secondDot)));
        decipher.setAuthTag(blob.subarray(blob.length - TAG_BYTES));
        plaintext = decipher.update(blob.subarray(IV_BYTES, blob.length - TAG_BYTES), undefined, 'utf8') + decipher.final('utf8');
      } catch {
        return { ok: false, reason: 'tampered' };
      }
      const envelope = envelopeFromJson(plaintext);
      if (!envelope) return { ok: false, reason: 'malformed' };
      return { ok: true, envelope, stale: index !== 0 };
    },
  };
}
