import { createCipheriv, createDecipheriv } from 'node:crypto';
import { ConfigError } from '../core/errors.js';
import { type DerivedKey, deriveKeyring } from '../core/keys.js';
import { randomBytesPooled } from '../core/random.js';
import type { Codec, Envelope, OpenResult, SessionEvent } from '../core/types.js';
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
 * Random 96-bit nonces keep AES-GCM safe for about 2^32 seals per key, so the codec counts the
 * seals of each key in this process and reports `key-rotation-due` through `options.onEvent` once
 * a key reaches `options.sealWarning` (default 2^27), and again at each further multiple.
 *
 * @example
 * ```ts
 * createSessions({ secret: process.env.SESSION_SECRET, codec: 'sealed' }) // the default
 * sealedCodec([process.env.SESSION_SECRET], { name: 'sid' }) // the codec alone, for a cookie named "sid"
 * ```
 */
export function sealedCodec(secrets: readonly string[], options: CodecOptions = {}): Codec {
  const name = options.name ?? 'sid';
  const keyring = deriveKeyring(secrets, 'sealed/v1');
  // The associated data is fixed per key: computed once, not per request.
  const aads = keyring.map((entry) => Buffer.from(`${name}=${VERSION}.${entry.id}`));
  const keyIds = keyring.map((entry) => entry.id);
  const newest = keyring[0] as DerivedKey;
  const prefix = `${VERSION}.${newest.id}.`;
  const counted = sealCounter(newest, options);

  const codec: Codec = {
    kind: 'sealed',
    carriesLifetime: true,
    encode(envelope: Envelope): string {
      const iv = randomBytesPooled(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', newest.key, iv);
      cipher.setAAD(aads[0] as Buffer);
      const body = cipher.update(envelopeToJson(envelope), 'utf8');
      const final = cipher.final();
      counted();
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

/** 2^27 seals per key per process: see `CodecOptions.sealWarning` and docs/security.md. */
export const DEFAULT_SEAL_WARNING = 2 ** 27;

/**
 * Seals made with each key in this process. Keys are derived once per secret and purpose, so every
 * codec built from the same secret shares its key's count, as it shares the nonce space.
 */
const sealsByKey = new WeakMap<DerivedKey, { seals: number }>();

/** Counts one seal of `key` per call (an increment and a comparison) and reports each `sealWarning` multiple reached. */
function sealCounter(key: DerivedKey, options: CodecOptions): () => void {
  const every = options.sealWarning ?? DEFAULT_SEAL_WARNING;
  if (!Number.isSafeInteger(every) || every < 1 || every > 2 ** 32) {
    throw new ConfigError(
      'ERR_OPTION',
      `\`sealWarning\` must be a whole number of seals from 1 to 4294967296 (2^32), got ${String(options.sealWarning)}.`,
    );
  }
  const onEvent = options.onEvent;
  if (onEvent !== undefined && typeof onEvent !== 'function') {
    throw new ConfigError('ERR_OPTION', `\`onEvent\` must be a function, got ${typeof onEvent}.`);
  }
  let counter = sealsByKey.get(key);
  if (counter === undefined) {
    counter = { seals: 0 };
    sealsByKey.set(key, counter);
  }
  const count = counter;
  const nextAfter = (seals: number) => (Math.floor(seals / every) + 1) * every;
  let next = nextAfter(count.seals);
  return () => {
    if (++count.seals < next) return;
    next = nextAfter(count.seals);
    report(onEvent, { type: 'key-rotation-due', keyId: key.id, seals: count.seals });
  };
}

/** Events are for logs and metrics: a hook that throws must not fail the request that sealed. */
function report(onEvent: CodecOptions['onEvent'], event: SessionEvent): void {
  if (!onEvent) return;
  try {
    onEvent(event);
  } catch (error) {
    console.error('hallpass: the onEvent hook threw', error);
  }
}
