import { webcrypto } from 'node:crypto';
import { decodeJwt } from 'jose';
import { ConfigError } from '../../core/errors.js';
import { TokenError, type TokenErrorCode } from '../../jwt/errors.js';
import type { RingKey } from '../../jwt/keyring.js';
import { verifyCompact } from '../../jwt/verify.js';
import type { InspectArgs, InspectResult } from './result.js';

/** The `reason` printed for each refusal, in the words the cookie formats use where they overlap. */
const REASONS: Record<TokenErrorCode, string> = {
  ERR_JWT_INVALID: 'malformed',
  ERR_JWT_OVERSIZED: 'oversized',
  ERR_JWT_ALGORITHM: 'algorithm',
  ERR_JWT_KID: 'unknown-key',
  ERR_JWT_SIGNATURE: 'tampered',
  ERR_JWT_CLAIMS: 'claims',
  ERR_JWT_EXPIRED: 'expired',
  ERR_JWT_NOT_YET_VALID: 'not-yet-valid',
  ERR_JWT_ISSUED_IN_FUTURE: 'future',
  ERR_JWT_LIFETIME: 'lifetime',
  ERR_JWT_ISSUER: 'issuer',
  ERR_JWT_AUDIENCE: 'audience',
  ERR_JWT_TYPE: 'type',
  ERR_JWT_REVOKED: 'revoked',
  ERR_JWT_REFRESH: 'refresh',
  ERR_JWT_REFRESH_REUSED: 'refresh-reused',
};

/** Refusals that happen after the signature checked out, so the claims are genuine and worth showing. */
const SIGNED_BUT_REFUSED = new Set<string>([
  'ERR_JWT_CLAIMS',
  'ERR_JWT_EXPIRED',
  'ERR_JWT_NOT_YET_VALID',
  'ERR_JWT_ISSUED_IN_FUTURE',
  'ERR_JWT_ISSUER',
  'ERR_JWT_AUDIENCE',
  'ERR_JWT_TYPE',
]);

function hmacKey(secret: string, index: number): RingKey {
  const key = webcrypto.subtle.importKey('raw', Buffer.from(secret, 'utf8'), { name: 'HMAC', hash: 'SHA-256' }, false, ['verify']);
  const verifyingKey = () => key;
  return { kid: String(index), alg: 'HS256', canSign: false, signingKey: verifyingKey, verifyingKey };
}

const time = (value: unknown) => (typeof value === 'number' && Number.isFinite(value) ? value : null);

/**
 * `hallpass inspect --format jwt`: verifies an HS256 token from any issuer (hallpass, python-jose,
 * ...) offline with the given secrets (each tried; also `$JWT_SECRET`). Always checks the
 * signature, the algorithm, `exp` (required) and `nbf`, with no leeway at `--now`; `iss`, `aud` and
 * `typ` only when `--issuer`, `--audience` or `--type` name them.
 */
export async function inspectJwt(value: string, args: InspectArgs): Promise<InspectResult> {
  const secrets = [...args.secrets];
  const fromEnv = process.env.JWT_SECRET;
  if (fromEnv && !secrets.includes(fromEnv)) secrets.push(fromEnv);
  const usable = secrets.filter((secret) => typeof secret === 'string' && secret !== '');
  if (usable.length === 0)
    throw new ConfigError('ERR_SECRET_MISSING', 'inspect --format jwt needs the HS256 secret: --secret S (or $JWT_SECRET).');
  const keys = usable.map(hmacKey);
  const { issuer, audience, type } = args.flags;
  try {
    const { claims } = await verifyCompact(value.trim(), {
      algorithms: ['HS256'],
      keysFor: () => keys,
      type,
      issuer,
      audiences: audience === undefined ? undefined : [audience],
      required: ['exp'],
      leeway: 0,
      now: args.now,
    });
    return { valid: true, reason: null, format: 'jwt', claims, createdAt: time(claims.iat), lastSeenAt: null, expiresAt: time(claims.exp) };
  } catch (error) {
    if (!(error instanceof TokenError)) throw error;
    const claims = SIGNED_BUT_REFUSED.has(error.code) ? (decodeJwt(value.trim()) as Record<string, unknown>) : null;
    return {
      valid: false,
      reason: REASONS[error.tokenCode],
      format: 'jwt',
      claims,
      createdAt: time(claims?.iat),
      lastSeenAt: null,
      expiresAt: time(claims?.exp),
    };
  }
}
