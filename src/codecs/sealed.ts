import { createCipheriv, createDecipheriv } from 'node:crypto';
import { type DerivedKey, deriveKeyring } from '../core/keys.js';
import { randomBytesPooled } from '../core/random.js';
import type { Codec, Envelope, OpenResult } from '../core/types.js';
import { builtInCodecs, type CodecOptions, envelopeFromJson, envelopeToJson, MALFORMED, readKeyedBlob } from './envelope.js';

const VERSION = 'h1';
const IV_BYTES = 12;
const TAG_BYTES = 16;

/**
 * The default codec: the session is encrypted and authenticated with AES-256-GCM, so the browser
 * can neither read nor change it. Keys are derived per purpose with HKDF-SHA256 from each secret;
 * the first secret seals, every secret opens, and a cookie opened with an older key is marked
 * stale so the next write re-seals it with the newest.
 *
 * Format: `h1.<key id>.<base64url(iv ‖ ciphertext ‖ tag)>`. The associated data is
 * `<cookie name>=h1.<key id>`, so the version, the key id and the cookie's name are all
 * authenticated: a value moved to another cookie name does not open.
 *
 * @example
 * ```ts
 * createSessions({ secret: process.env.SESSION_SECRET, codec: 'sealed' }) // the default
 * sealedCodec([process.env.SESSION_SECRET], { name: 'sid' }) // the codec alone, for a cookie named "sid"
 * ```
 */
export function sealedCodec(secrets: readonly string[], options: CodecOptions = {}): Codec {
  const name = options.name ?? 'hallpass';
  const keyring = deriveKeyring(secrets, 'sealed/v1');
  // The associated data is fixed per key: computed once, not per request.
  const aads = keyring.map((entry) => Buffer.from(`${name}=${VERSION}.${entry.id}`));
  const keyIds = keyring.map((entry) => entry.id);
  const newest = keyring[0] as DerivedKey;
  const prefix = `${VERSION}.${newest.id}.`;

  const codec: Codec = {
    kind: 'sealed',
    encode(envelope: Envelope): string {
      const iv = randomBytesPooled(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', newest.key, iv);
      cipher.setAAD(aads[0] as Buffer);
      const body = cipher.update(envelopeToJson(envelope), 'utf8');
      const final = cipher.final();
      return prefix + Buffer.concat([iv, body, final, cipher.getAuthTag()]).toString('base64url');
    },
    decode(value: string): OpenResult {
      const read = readKeyedBlob(value, VERSION, keyIds, IV_BYTES + TAG_BYTES);
      if (!('blob' in read)) return read;
      const { index, blob } = read;
      let plaintext: string;
      try {
        const decipher = createDecipheriv('aes-256-gcm', (keyring[index] as DerivedKey).key, blob.subarray(0, IV_BYTES));
        decipher.setAAD(aads[index] as Buffer);
        decipher.setAuthTag(blob.subarray(blob.length - TAG_BYTES));
        plaintext = decipher.update(blob.subarray(IV_BYTES, blob.length - TAG_BYTES), undefined, 'utf8') + decipher.final('utf8');
      } catch {
        return { ok: false, reason: 'tampered' };
      }
      const envelope = envelopeFromJson(plaintext);
      if (!envelope) return MALFORMED;
      return { ok: true, envelope, stale: index !== 0 };
    },
  };
  builtInCodecs.set(codec, name);
  return codec;
}
