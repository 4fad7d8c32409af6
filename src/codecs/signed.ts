import { after, all, cryptoProvider, lazily, type OpaqueKey } from '../core/crypto/index.js';
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
const TAMPERED: OpenResult = Object.freeze({ ok: false, reason: 'tampered' });

interface SigningKeys {
  keys: OpaqueKey[];
  newestId: string;
  /** id -> position of its first key (the same secret listed twice opens as the newer one). */
  index: Map<string, number>;
}

/**
 * A readable, tamper-proof codec: the session JSON travels base64url-encoded (anyone holding the
 * cookie can read it) with an HMAC-SHA256 tag compared in constant time. Choose it when the
 * client may see the data and you want the smallest CPU cost; choose `sealed` (the default)
 * otherwise.
 *
 * Format: `s1.<key id>.<base64url(json)>.<base64url(tag)>`. The tag covers
 * `<cookie name>=s1.<key id>.<base64url(json)>`, so a value moved to another cookie name does not verify.
 *
 * Synchronous with node:crypto; with Web Crypto both directions answer with promises.
 *
 * @example
 * ```ts
 * createSessions({ secret: process.env.SESSION_SECRET, codec: 'signed' })
 * ```
 */
export function signedCodec(secrets: readonly string[], options: CodecOptions = {}): Codec {
  const name = options.name ?? 'sid';
  const bound = `${name}=`;
  const provider = cryptoProvider();
  const keys = lazily(() =>
    after(deriveKeyring(secrets, 'signed/v1', provider), (keyring) =>
      after(all(keyring.map((entry) => provider.hmacKey(entry.raw, 'SHA-256'))), (imported): SigningKeys => {
        const index = new Map<string, number>();
        keyring.forEach((entry, position) => {
          if (!index.has(entry.id)) index.set(entry.id, position);
        });
        return { keys: imported, newestId: (keyring[0] as DerivedKey).id, index };
      }),
    ),
  );
  // node:crypto derives at once, as it always did; Web Crypto waits for the first cookie.
  if (provider.synchronous) keys();
  const sign = (key: OpaqueKey, signedPart: string) => provider.hmac(key, bound + signedPart);

  function encode(signing: SigningKeys, envelope: Envelope) {
    const signedPart = `${VERSION}.${signing.newestId}.${provider.textToBase64url(envelopeToJson(envelope))}`;
    return after(sign(signing.keys[0] as OpaqueKey, signedPart), (tag) => `${signedPart}.${provider.base64urlEncode(tag)}`);
  }

  function decode(signing: SigningKeys, value: string) {
    // s1.<key id>.<payload>.<tag>, sliced by position: no array, no intermediate parts.
    if (!value.startsWith(PREFIX)) return wrongVersion(value, VERSION);
    const keyEnd = value.indexOf('.', PREFIX.length);
    const tagStart = value.lastIndexOf('.');
    if (keyEnd === -1 || tagStart <= keyEnd || value.indexOf('.', keyEnd + 1) !== tagStart) return MALFORMED;
    const index = signing.index.get(value.slice(PREFIX.length, keyEnd));
    if (index === undefined) return { ok: false, reason: 'unknown-key' } as OpenResult;
    const tag = decodeBase64urlStrict(value.slice(tagStart + 1));
    if (!tag || tag.length !== TAG_BYTES) return TAMPERED;
    return after(sign(signing.keys[index] as OpaqueKey, value.slice(0, tagStart)), (expected): OpenResult => {
      if (!provider.timingSafeEqual(tag, expected)) return TAMPERED;
      // The tag covers the payload text itself, so any other spelling of it already failed above:
      // the lenient (and faster) decoder is safe here.
      const envelope = envelopeFromJson(provider.base64urlToText(value.slice(keyEnd + 1, tagStart)));
      if (!envelope) return MALFORMED;
      return { ok: true, envelope, stale: index !== 0 };
    });
  }

  const codec = {
    kind: 'signed',
    carriesLifetime: true,
    synchronous: provider.synchronous,
    encode: (envelope: Envelope) => after(keys(), (signing) => encode(signing, envelope)),
    decode: (value: string) => after(keys(), (signing) => decode(signing, value)),
  };
  builtInCodecs.set(codec, name);
  // Synchronous on node:crypto; with Web Crypto an `AsyncCodec` (see `Codec`).
  return codec as Codec;
}
