import { createHash, createPrivateKey, createPublicKey, createSecretKey, KeyObject, webcrypto } from 'node:crypto';
import { importJWK } from 'jose';
import { ConfigError } from '../core/errors.js';
import { checkSecrets, MIN_SECRET_BYTES } from '../core/keys.js';

/** The signing algorithms hallpass accepts. `none` is not one of them, in any spelling. */
export type TokenAlgorithm = 'HS256' | 'EdDSA' | 'ES256';
export const TOKEN_ALGORITHMS: readonly TokenAlgorithm[] = ['HS256', 'EdDSA', 'ES256'];

/** A key as the caller gives it. */
export interface TokenKey {
  /** The key id written into each token's header; default: the key's RFC 7638 JWK thumbprint. */
  kid?: string;
  /** The one algorithm this key is used with; it must match the key type. */
  alg: TokenAlgorithm;
  /**
   * HS256: the shared secret, a string or bytes of at least 32 bytes (random, not a PEM key).
   * EdDSA (Ed25519) and ES256 (P-256): a private key, which signs and verifies, or a public key,
   * which only verifies; as a `KeyObject`, `CryptoKey`, PEM string or JWK.
   */
  key: string | Uint8Array | KeyObject | webcrypto.CryptoKey | webcrypto.JsonWebKey;
}

/** A checked key, with its WebCrypto forms imported once (lazily, since importing is async). */
export interface RingKey {
  kid: string;
  alg: TokenAlgorithm;
  canSign: boolean;
  signingKey(): Promise<webcrypto.CryptoKey>;
  verifyingKey(): Promise<webcrypto.CryptoKey>;
}

export interface Keyring {
  /** The key that signs: the first one. */
  readonly current: RingKey;
  /** The key the header's `kid` names, or the only key when there is one and the header names none. */
  find(kid: unknown): RingKey | undefined;
  readonly size: number;
}

const KID = /^[\x21-\x7e]{1,128}$/;

/** Checks every key against its algorithm and builds the keyring: the first key signs, all verify. */
export function createKeyring(keys: unknown, algorithms: readonly TokenAlgorithm[]): Keyring {
  if (!Array.isArray(keys) || keys.length === 0) {
    throw new ConfigError(
      'ERR_SECRET_MISSING',
      '`keys` is required: a list of { alg, key, kid? }, newest first, e.g. keys: [{ alg: "HS256", key: process.env.JWT_SECRET }].',
    );
  }
  const byKid = new Map<string, RingKey>();
  keys.forEach((entry, index) => {
    const where = `keys[${index}]`;
    if (entry === null || typeof entry !== 'object')
      throw new ConfigError('ERR_OPTION', `\`${where}\` must be an object { alg, key, kid? }.`);
    const { alg, key, kid } = entry as TokenKey;
    if (!algorithms.includes(alg)) {
      throw new ConfigError(
        'ERR_OPTION',
        `\`${where}.alg\` is ${JSON.stringify(alg)}, which is not in \`algorithms\` (${algorithms.join(', ')}). Add it there, or give the key the algorithm it is for.`,
      );
    }
    const keyObject = toKeyObject(where, alg, key);
    const ringKey = buildRingKey(alg, keyObject, kid === undefined ? thumbprint(keyObject) : kid);
    if (typeof ringKey.kid !== 'string' || !KID.test(ringKey.kid)) {
      throw new ConfigError('ERR_OPTION', `\`${where}.kid\` must be 1-128 visible ASCII characters.`);
    }
    if (byKid.has(ringKey.kid))
      throw new ConfigError('ERR_OPTION', `\`${where}.kid\` repeats the key id ${JSON.stringify(ringKey.kid)}; key ids must be unique.`);
    byKid.set(ringKey.kid, ringKey);
  });
  const ring = [...byKid.values()];
  const only = ring.length === 1 ? ring[0] : undefined;
  return {
    current: ring[0]!,
    size: ring.length,
    // A Map lookup only: a kid is never a path, a URL or a query, whatever it contains.
    find: (kid) => (typeof kid === 'string' ? byKid.get(kid) : kid === undefined ? only : undefined),
  };
}

function mismatch(where: string, alg: TokenAlgorithm, detail: string): ConfigError {
  const wanted =
    alg === 'HS256' ? 'a random secret of at least 32 bytes' : alg === 'EdDSA' ? 'an Ed25519 key' : 'a P-256 (prime256v1) EC key';
  return new ConfigError('ERR_OPTION', `\`${where}.key\` is ${detail}, but ${alg} needs ${wanted}.`);
}

/** Turns any accepted key form into a node `KeyObject` and checks that it fits the algorithm. */
function toKeyObject(where: string, alg: TokenAlgorithm, key: unknown): KeyObject {
  let object: KeyObject;
  try {
    if (key instanceof KeyObject) object = key;
    else if (isCryptoKey(key)) object = KeyObject.from(key);
    else if (typeof key === 'string') {
      if (alg === 'HS256') {
        // A PEM or JWK text as an HMAC secret is how algorithm confusion attacks start: refuse it.
        if (/-----BEGIN|^\s*\{/.test(key)) throw mismatch(where, alg, 'a PEM or JSON key');
        checkHmacSecret(where, key);
        object = createSecretKey(Buffer.from(key, 'utf8'));
      } else if (key.includes('-----BEGIN')) object = key.includes('PRIVATE KEY') ? createPrivateKey(key) : createPublicKey(key);
      else throw mismatch(where, alg, 'a string that is not a PEM key');
    } else if (key instanceof Uint8Array) {
      if (alg !== 'HS256') throw mismatch(where, alg, 'raw bytes');
      object = createSecretKey(Buffer.from(key));
    } else if (key !== null && typeof key === 'object' && typeof (key as webcrypto.JsonWebKey).kty === 'string') {
      const jwk = key as webcrypto.JsonWebKey;
      if (jwk.kty === 'oct') object = createSecretKey(Buffer.from(jwk.k ?? '', 'base64url'));
      else
        object =
          jwk.d === undefined
            ? createPublicKey({ key: jwk as never, format: 'jwk' })
            : createPrivateKey({ key: jwk as never, format: 'jwk' });
    } else throw new ConfigError('ERR_SECRET_MISSING', `\`${where}.key\` is missing or not a key.`);
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    throw new ConfigError('ERR_OPTION', `\`${where}.key\` could not be read as a key: ${(error as Error).message}`, { cause: error });
  }
  const kind = describeKey(object);
  if (alg === 'HS256') {
    if (object.type !== 'secret') throw mismatch(where, alg, kind);
    if ((object.symmetricKeySize ?? 0) < MIN_SECRET_BYTES) {
      throw new ConfigError(
        'ERR_SECRET_TOO_SHORT',
        `\`${where}.key\` is ${object.symmetricKeySize} bytes; HS256 keys need at least ${MIN_SECRET_BYTES}.`,
      );
    }
  } else if (alg === 'EdDSA' ? kind !== 'an Ed25519 key' : kind !== 'an EC P-256 key') throw mismatch(where, alg, kind);
  return object;
}

function describeKey(key: KeyObject): string {
  if (key.type === 'secret') return 'a shared secret';
  const type = key.asymmetricKeyType ?? 'unknown';
  if (type === 'ed25519') return 'an Ed25519 key';
  if (type === 'ec') {
    const curve = key.asymmetricKeyDetails?.namedCurve;
    return `an EC ${curve === 'prime256v1' ? 'P-256' : (curve ?? '')} key`;
  }
  return `an ${type.toUpperCase()} key`;
}

/** The core's secret checks (length, samples, repetition), with the fix worded for JWT keys. */
function checkHmacSecret(where: string, key: string): void {
  try {
    checkSecrets(`${where}.key`, key);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    throw new ConfigError(
      error.code,
      error.message.replace(/e\.g\. secret: process\.env\.SESSION_SECRET/, 'e.g. key: process.env.JWT_SECRET'),
    );
  }
}

function isCryptoKey(value: unknown): value is webcrypto.CryptoKey {
  return typeof value === 'object' && value !== null && (value as { [Symbol.toStringTag]?: string })[Symbol.toStringTag] === 'CryptoKey';
}

/** RFC 7638: SHA-256 over the key's required JWK members in lexicographic order (public part only). */
function thumbprint(key: KeyObject): string {
  const jwk = (key.type === 'private' ? createPublicKey(key) : key).export({ format: 'jwk' }) as webcrypto.JsonWebKey;
  const members =
    jwk.kty === 'oct'
      ? { k: jwk.k, kty: jwk.kty }
      : jwk.kty === 'EC'
        ? { crv: jwk.crv, kty: jwk.kty, x: jwk.x, y: jwk.y }
        : { crv: jwk.crv, kty: jwk.kty, x: jwk.x };
  return createHash('sha256').update(JSON.stringify(members)).digest('base64url');
}

function once<T>(make: () => Promise<T>): () => Promise<T> {
  let value: Promise<T> | undefined;
  return () => (value ??= make());
}

function buildRingKey(alg: TokenAlgorithm, key: KeyObject, kid: string): RingKey {
  if (alg === 'HS256') {
    // One non-extractable HMAC CryptoKey, imported once: jose would re-import raw bytes on every call.
    const hmac = once(() => webcrypto.subtle.importKey('raw', key.export(), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign', 'verify']));
    return { kid, alg, canSign: true, signingKey: hmac, verifyingKey: hmac };
  }
  const publicKey = key.type === 'private' ? createPublicKey(key) : key;
  const asCryptoKey = (object: KeyObject) =>
    once(() => importJWK(object.export({ format: 'jwk' }) as never, alg) as Promise<webcrypto.CryptoKey>);
  const verifyingKey = asCryptoKey(publicKey);
  const signingKey =
    key.type === 'private'
      ? asCryptoKey(key)
      : () =>
          Promise.reject(
            new ConfigError(
              'ERR_OPTION',
              `The signing key ${JSON.stringify(kid)} is a public key; put a private key first in \`keys\` to issue tokens.`,
            ),
          );
  return { kid, alg, canSign: key.type === 'private', signingKey, verifyingKey };
}
