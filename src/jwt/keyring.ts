import type { KeyObject, webcrypto } from 'node:crypto';
import { nodeCryptoModule } from '../core/crypto/index.js';
import { ConfigError } from '../core/errors.js';
import type { TokenAlgorithm } from './key-checks.js';
import { readNodeKey } from './key-node.js';
import { readWebKey } from './key-web.js';

export { TOKEN_ALGORITHMS, type TokenAlgorithm } from './key-checks.js';

/** A key as the caller gives it. */
export interface TokenKey {
  /** The key id written into each token's header; default: the key's RFC 7638 JWK thumbprint. */
  kid?: string;
  /** The one algorithm this key is used with; it must match the key type. */
  alg: TokenAlgorithm;
  /**
   * HS256: the shared secret, a string or bytes of at least 32 bytes (random, not a PEM key).
   * EdDSA (Ed25519) and ES256 (P-256): a private key, which signs and verifies, or a public key,
   * which only verifies; as a `KeyObject`, `CryptoKey`, PEM string or JWK. Without node:crypto
   * (edge runtimes, Workers) a PEM or `CryptoKey` needs an explicit `kid`, and its type is checked
   * when it is first used; a JWK is checked at once, everywhere.
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
  // node:crypto reads every key form at once; Web Crypto reads what it can without a promise.
  const node = nodeCryptoModule();
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
    const read = node ? readNodeKey(node, where, alg, key) : readWebKey(where, alg, key);
    const chosenKid = kid === undefined ? read.thumbprint : kid;
    if (chosenKid === undefined) {
      throw new ConfigError(
        'ERR_OPTION',
        `\`${where}.kid\` is needed for a PEM or CryptoKey key where node:crypto is not available: give the key an id, e.g. { kid: "2025-06", alg: "${alg}", key }, or pass the key as a JWK.`,
      );
    }
    const signingKey = read.canSign
      ? read.signingKey
      : () =>
          Promise.reject(
            new ConfigError(
              'ERR_OPTION',
              `The signing key ${JSON.stringify(chosenKid)} is a public key; put a private key first in \`keys\` to issue tokens.`,
            ),
          );
    const ringKey: RingKey = { kid: chosenKid, alg, canSign: read.canSign, signingKey, verifyingKey: read.verifyingKey };
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
