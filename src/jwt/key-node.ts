import type * as NodeCrypto from 'node:crypto';
import type { KeyObject, webcrypto } from 'node:crypto';
import { importJWK } from 'jose';
import { ConfigError } from '../core/errors.js';
import { MIN_SECRET_BYTES } from '../core/keys.js';
import { checkHmacString, isCryptoKey, mismatch, once, type ReadKey, type TokenAlgorithm, thumbprintInput } from './key-checks.js';

/**
 * Reads a key with node:crypto, which understands every form at once (PEM, JWK, `KeyObject`,
 * `CryptoKey`): the key's type is checked and its thumbprint computed at start-up.
 */
export function readNodeKey(crypto: typeof NodeCrypto, where: string, alg: TokenAlgorithm, key: unknown): ReadKey {
  const object = toKeyObject(crypto, where, alg, key);
  const thumbprint = crypto.hash('sha256', thumbprintInput(publicJwk(crypto, object)), 'base64url');
  if (alg === 'HS256') {
    // One non-extractable HMAC CryptoKey, imported once: jose would re-import raw bytes on every call.
    const hmac = once(() =>
      crypto.webcrypto.subtle.importKey('raw', object.export(), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign', 'verify']),
    );
    return { thumbprint, canSign: true, signingKey: hmac, verifyingKey: hmac };
  }
  const publicKey = object.type === 'private' ? crypto.createPublicKey(object) : object;
  const asCryptoKey = (from: KeyObject) =>
    once(() => importJWK(from.export({ format: 'jwk' }) as never, alg) as Promise<webcrypto.CryptoKey>);
  const verifyingKey = asCryptoKey(publicKey);
  return { thumbprint, canSign: object.type === 'private', signingKey: asCryptoKey(object), verifyingKey };
}

/** Turns any accepted key form into a node `KeyObject` and checks that it fits the algorithm. */
function toKeyObject(crypto: typeof NodeCrypto, where: string, alg: TokenAlgorithm, key: unknown): KeyObject {
  let object: KeyObject;
  try {
    if (key instanceof crypto.KeyObject) object = key;
    else if (isCryptoKey(key)) object = crypto.KeyObject.from(key);
    else if (typeof key === 'string') {
      if (alg === 'HS256') {
        checkHmacString(where, key);
        object = crypto.createSecretKey(new TextEncoder().encode(key));
      } else if (key.includes('-----BEGIN'))
        object = key.includes('PRIVATE KEY') ? crypto.createPrivateKey(key) : crypto.createPublicKey(key);
      else throw mismatch(where, alg, 'a string that is not a PEM key');
    } else if (key instanceof Uint8Array) {
      if (alg !== 'HS256') throw mismatch(where, alg, 'raw bytes');
      object = crypto.createSecretKey(Uint8Array.from(key));
    } else if (key !== null && typeof key === 'object' && typeof (key as webcrypto.JsonWebKey).kty === 'string') {
      const jwk = key as webcrypto.JsonWebKey;
      if (jwk.kty === 'oct') object = crypto.createSecretKey(jwk.k ?? '', 'base64url');
      else
        object =
          jwk.d === undefined
            ? crypto.createPublicKey({ key: jwk as never, format: 'jwk' })
            : crypto.createPrivateKey({ key: jwk as never, format: 'jwk' });
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

/** The JWK of the key's public part (the secret itself for HS256), which the thumbprint covers. */
function publicJwk(crypto: typeof NodeCrypto, key: KeyObject): webcrypto.JsonWebKey {
  return (key.type === 'private' ? crypto.createPublicKey(key) : key).export({ format: 'jwk' }) as webcrypto.JsonWebKey;
}
