import type { webcrypto } from 'node:crypto';
import { ConfigError } from '../core/errors.js';
import { checkSecrets } from '../core/keys.js';

/** The signing algorithms hallpass accepts. `none` is not one of them, in any spelling. */
export type TokenAlgorithm = 'HS256' | 'EdDSA' | 'ES256';
export const TOKEN_ALGORITHMS: readonly TokenAlgorithm[] = ['HS256', 'EdDSA', 'ES256'];

/** A key read by one runtime's reader: its thumbprint when it can be had at once. `signingKey` is only called when `canSign`. */
export interface ReadKey {
  canSign: boolean;
  signingKey(): Promise<webcrypto.CryptoKey>;
  verifyingKey(): Promise<webcrypto.CryptoKey>;
  thumbprint: string | undefined;
}

export function mismatch(where: string, alg: TokenAlgorithm, detail: string): ConfigError {
  const wanted =
    alg === 'HS256' ? 'a random secret of at least 32 bytes' : alg === 'EdDSA' ? 'an Ed25519 key' : 'a P-256 (prime256v1) EC key';
  return new ConfigError('ERR_OPTION', `\`${where}.key\` is ${detail}, but ${alg} needs ${wanted}.`);
}

/** The core's secret checks (length, samples, repetition), with the fix worded for JWT keys. */
export function checkHmacSecret(where: string, key: string): void {
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

/** A PEM or JWK text as an HMAC secret is how algorithm confusion attacks start: refuse it. */
export function checkHmacString(where: string, key: string): void {
  if (/-----BEGIN|^\s*\{/.test(key)) throw mismatch(where, 'HS256', 'a PEM or JSON key');
  checkHmacSecret(where, key);
}

export function isCryptoKey(value: unknown): value is webcrypto.CryptoKey {
  return typeof value === 'object' && value !== null && (value as { [Symbol.toStringTag]?: string })[Symbol.toStringTag] === 'CryptoKey';
}

/** RFC 7638's members of a JWK's public part, in lexicographic order, as the thumbprint hashes them. */
export function thumbprintInput(jwk: webcrypto.JsonWebKey): string {
  const members =
    jwk.kty === 'oct'
      ? { k: jwk.k, kty: jwk.kty }
      : jwk.kty === 'EC'
        ? { crv: jwk.crv, kty: jwk.kty, x: jwk.x, y: jwk.y }
        : { crv: jwk.crv, kty: jwk.kty, x: jwk.x };
  return JSON.stringify(members);
}

export function once<T>(make: () => Promise<T>): () => Promise<T> {
  let value: Promise<T> | undefined;
  return () => (value ??= make());
}
