import { after, all, cryptoProvider, lazily, type OpaqueKey } from '../core/crypto/index.js';
import { ConfigError } from '../core/errors.js';
import { type DerivedKey, deriveKeyring } from '../core/keys.js';
import { randomBytesPooled } from '../core/random.js';
import type { Codec, Envelope, OpenResult, SessionEvent } from '../core/types.js';
import { builtInCodecs, type CodecOptions, envelopeFromJson, envelopeToJson, MALFORMED, readKeyedBlob } from './envelope.js';

const VERSION = 'h1';
const IV_BYTES = 12;
const TAG_BYTES = 16;
const TAMPERED: OpenResult = Object.freeze({ ok: false, reason: 'tampered' });

/** The keyring, imported for AES-GCM, with what each seal and open needs precomputed. */
interface SealingKeys {
  keys: OpaqueKey[];
  ids: string[];
  /** The associated data is fixed per key: computed once, not per request. */
  aads: Uint8Array[];
  prefix: string;
  counted: () => void;
}

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
 * With node:crypto both directions are synchronous; with Web Crypto they answer with promises
 * (`codec.synchronous === false`), and keys are derived on first use.
 *
 * @example
 * ```ts
 * createSessions({ secret: process.env.SESSION_SECRET, codec: 'sealed' }) // the default
 * sealedCodec([process.env.SESSION_SECRET], { name: 'sid' }) // the codec alone, for a cookie named "sid"
 * ```
 */
export function sealedCodec(secrets: readonly string[], options: CodecOptions = {}): Codec {
  const name = options.name ?? 'sid';
  const provider = cryptoProvider();
  const counter = sealCounter(options);
  const encoder = new TextEncoder();
  const keys = lazily(() =>
    after(deriveKeyring(secrets, 'sealed/v1', provider), (keyring) =>
      after(all(keyring.map((entry) => provider.aesKey(entry.raw))), (imported): SealingKeys => {
        const newest = keyring[0] as DerivedKey;
        return {
          keys: imported,
          ids: keyring.map((entry) => entry.id),
          aads: keyring.map((entry) => encoder.encode(`${name}=${VERSION}.${entry.id}`)),
          prefix: `${VERSION}.${newest.id}.`,
          counted: counter(newest),
        };
      }),
    ),
  );
  // node:crypto derives at once, as it always did; Web Crypto waits for the first cookie.
  if (provider.synchronous) keys();

  function seal(sealing: SealingKeys, envelope: Envelope) {
    const iv = randomBytesPooled(IV_BYTES);
    return after(provider.seal(sealing.keys[0] as OpaqueKey, iv, sealing.aads[0] as Uint8Array, envelopeToJson(envelope)), (blob) => {
      sealing.counted();
      return sealing.prefix + provider.base64urlEncode(blob);
    });
  }

  function open(sealing: SealingKeys, value: string) {
    const read = readKeyedBlob(value, VERSION, sealing.ids, IV_BYTES + TAG_BYTES);
    if (!('blob' in read)) return read;
    const { index, blob } = read;
    return after(provider.open(sealing.keys[index] as OpaqueKey, blob, sealing.aads[index] as Uint8Array), (plaintext): OpenResult => {
      if (plaintext === undefined) return TAMPERED;
      const envelope = envelopeFromJson(plaintext);
      if (!envelope) return MALFORMED;
      return { ok: true, envelope, stale: index !== 0 };
    });
  }

  const codec = {
    kind: 'sealed',
    carriesLifetime: true,
    synchronous: provider.synchronous,
    encode: (envelope: Envelope) => after(keys(), (sealing) => seal(sealing, envelope)),
    decode: (value: string) => after(keys(), (sealing) => open(sealing, value)),
  };
  builtInCodecs.set(codec, name);
  // Synchronous on node:crypto; with Web Crypto an `AsyncCodec` (see `Codec`).
  return codec as Codec;
}

/** 2^27 seals per key per process: see `CodecOptions.sealWarning` and docs/security.md. */
export const DEFAULT_SEAL_WARNING = 2 ** 27;

/**
 * Seals made with each key in this process. Keys are derived once per secret and purpose, so every
 * codec built from the same secret shares its key's count, as it shares the nonce space.
 */
const sealsByKey = new WeakMap<DerivedKey, { seals: number }>();

/**
 * Checks `sealWarning` and `onEvent` now (at start-up), and returns what counts the seals of a key
 * once it is derived: one increment and a comparison per call, reporting each `sealWarning`
 * multiple reached.
 */
function sealCounter(options: CodecOptions): (key: DerivedKey) => () => void {
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
  return (key) => {
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
