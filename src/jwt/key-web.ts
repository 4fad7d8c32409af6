import type { webcrypto } from 'node:crypto';
import { exportJWK, importJWK, importPKCS8, importSPKI } from 'jose';
import { cryptoProvider } from '../core/crypto/index.js';
import { ConfigError } from '../core/errors.js';
import { MIN_SECRET_BYTES } from '../core/keys.js';
import { checkHmacString, isCryptoKey, mismatch, once, type ReadKey, type TokenAlgorithm, thumbprintInput } from './key-checks.js';

type CryptoKey = webcrypto.CryptoKey;
type Jwk = webcrypto.JsonWebKey;

/**
 * Reads a key with Web Crypto only. Secrets and JWKs are checked, and thumbprinted, at once; a PEM
 * or a `CryptoKey` can only be taken apart with a promise, so its type is checked when it is first
 * imported, and it needs an explicit `kid`.
 */
export function readWebKey(where: string, alg: TokenAlgorithm, key: unknown): ReadKey {
  if (alg === 'HS256') return hmacKey(where, key);
  if (isCryptoKey(key)) return fromCryptoKey(where, alg, key);
  if (typeof key === 'string') {
    if (!key.includes('-----BEGIN')) throw mismatch(where, alg, 'a string that is not a PEM key');
    if (!key.includes('PRIVATE KEY')) {
      const verifyingKey = once(() => importSPKI(key, alg).catch(unreadable(where)) as Promise<CryptoKey>);
      return { thumbprint: undefined, canSign: false, signingKey: verifyingKey, verifyingKey };
    }
    const signingKey = once(() => importPKCS8(key, alg, { extractable: true }).catch(unreadable(where)) as Promise<CryptoKey>);
    const verifyingKey = once(async () => importJWK(publicPart(await exportJWK(await signingKey())) as never, alg) as Promise<CryptoKey>);
    return { thumbprint: undefined, canSign: true, signingKey, verifyingKey };
  }
  if (key instanceof Uint8Array) throw mismatch(where, alg, 'raw bytes');
  if (key !== null && typeof key === 'object' && typeof (key as Jwk).kty === 'string') {
    const jwk = key as Jwk;
    const kind = describeJwk(jwk);
    if (alg === 'EdDSA' ? kind !== 'an Ed25519 key' : kind !== 'an EC P-256 key') throw mismatch(where, alg, kind);
    if (typeof jwk.x !== 'string' || (jwk.kty === 'EC' && typeof jwk.y !== 'string')) {
      throw new ConfigError('ERR_OPTION', `\`${where}.key\` could not be read as a key: the JWK lacks its public coordinates.`);
    }
    const verifyingKey = once(() => importJWK(publicPart(jwk) as never, alg).catch(unreadable(where)) as Promise<CryptoKey>);
    const signingKey = once(() => importJWK(jwk as never, alg).catch(unreadable(where)) as Promise<CryptoKey>);
    return { thumbprint: thumbprint(publicPart(jwk)), canSign: jwk.d !== undefined, signingKey, verifyingKey };
  }
  throw new ConfigError('ERR_SECRET_MISSING', `\`${where}.key\` is missing or not a key.`);
}

function hmacKey(where: string, key: unknown): ReadKey {
  const provider = cryptoProvider();
  let bytes: Uint8Array;
  if (isCryptoKey(key)) {
    if (key.type !== 'secret' || key.algorithm.name !== 'HMAC') throw mismatch(where, 'HS256', `a ${key.algorithm.name} CryptoKey`);
    const cryptoKey = () => Promise.resolve(key);
    return { thumbprint: undefined, canSign: true, signingKey: cryptoKey, verifyingKey: cryptoKey };
  }
  if (typeof key === 'string') {
    checkHmacString(where, key);
    bytes = new TextEncoder().encode(key);
  } else if (key instanceof Uint8Array) bytes = Uint8Array.from(key);
  else if (key !== null && typeof key === 'object' && (key as Jwk).kty === 'oct') bytes = provider.base64urlDecode((key as Jwk).k ?? '');
  else if (key !== null && typeof key === 'object' && typeof (key as Jwk).kty === 'string')
    throw mismatch(where, 'HS256', describeJwk(key as Jwk));
  else throw new ConfigError('ERR_SECRET_MISSING', `\`${where}.key\` is missing or not a key.`);
  if (bytes.length < MIN_SECRET_BYTES) {
    throw new ConfigError(
      'ERR_SECRET_TOO_SHORT',
      `\`${where}.key\` is ${bytes.length} bytes; HS256 keys need at least ${MIN_SECRET_BYTES}.`,
    );
  }
  const raw = bytes as Uint8Array<ArrayBuffer>;
  const hmac = once(() => globalThis.crypto.subtle.importKey('raw', raw, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign', 'verify']));
  return {
    thumbprint: thumbprint({ kty: 'oct', k: provider.base64urlEncode(bytes) }),
    canSign: true,
    signingKey: hmac,
    verifyingKey: hmac,
  };
}

function fromCryptoKey(where: string, alg: TokenAlgorithm, key: CryptoKey): ReadKey {
  const algorithm = key.algorithm as { name: string; namedCurve?: string };
  const kind =
    algorithm.name === 'Ed25519'
      ? 'an Ed25519 key'
      : algorithm.name === 'ECDSA'
        ? `an EC ${algorithm.namedCurve ?? ''} key`
        : `a ${algorithm.name} key`;
  if (alg === 'EdDSA' ? kind !== 'an Ed25519 key' : kind !== 'an EC P-256 key') throw mismatch(where, alg, kind);
  if (key.type !== 'private') {
    const verifyingKey = () => Promise.resolve(key);
    return { thumbprint: undefined, canSign: false, signingKey: verifyingKey, verifyingKey };
  }
  const verifyingKey = once(async () => {
    if (!key.extractable) {
      throw new ConfigError(
        'ERR_OPTION',
        `\`${where}.key\` is a non-extractable private CryptoKey: pass its public key as a second entry, or a JWK.`,
      );
    }
    return importJWK(publicPart(await exportJWK(key)) as never, alg) as Promise<CryptoKey>;
  });
  return { thumbprint: undefined, canSign: true, signingKey: () => Promise.resolve(key), verifyingKey };
}

function describeJwk(jwk: Jwk): string {
  if (jwk.kty === 'oct') return 'a shared secret';
  if (jwk.kty === 'OKP') return jwk.crv === 'Ed25519' ? 'an Ed25519 key' : `an ${jwk.crv ?? 'OKP'} key`;
  if (jwk.kty === 'EC') return `an EC ${jwk.crv ?? ''} key`;
  return `an ${String(jwk.kty).toUpperCase()} key`;
}

/** The public members of an asymmetric JWK. */
function publicPart(jwk: Jwk): Jwk {
  return jwk.kty === 'EC' ? { kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y } : { kty: jwk.kty, crv: jwk.crv, x: jwk.x };
}

const thumbprint = (jwk: Jwk) => cryptoProvider().sha256Base64url(thumbprintInput(jwk));

const unreadable = (where: string) => (error: unknown) => {
  throw new ConfigError('ERR_OPTION', `\`${where}.key\` could not be read as a key: ${(error as Error).message}`, { cause: error });
};
