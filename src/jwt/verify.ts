import { compactVerify, errors } from 'jose';
import { cryptoProvider } from '../core/crypto/index.js';
import { TokenError } from './errors.js';
import type { RingKey, TokenAlgorithm } from './keyring.js';

/** The largest token looked at: anything longer is refused before it is decoded. */
export const MAX_TOKEN_BYTES = 8 * 1024;

/** Verified claims. `exp`, `iat` and `jti` are always there in tokens `createTokens` accepts. */
export interface TokenClaims {
  sub?: string;
  iss?: string;
  aud?: string | string[];
  exp: number;
  iat: number;
  jti: string;
  nbf?: number;
  [claim: string]: unknown;
}

/** What one verification checks; `createTokens` and `hallpass inspect` each build one. */
export interface VerifyPolicy {
  algorithms: readonly TokenAlgorithm[];
  /** The keys a header's `kid` may be verified with (more than one only for the CLI's list of secrets). */
  keysFor(kid: unknown): readonly RingKey[];
  /** Expected `typ` header (compared as media types); not checked when absent. */
  type?: string;
  issuer?: string;
  audiences?: readonly string[];
  required: readonly ('exp' | 'iat' | 'jti')[];
  /** Longest `exp - iat` accepted, in seconds. */
  maxLifetime?: number;
  /** Seconds of clock skew tolerated on `exp`, `nbf` and `iat`. */
  leeway: number;
  /** Unix seconds. */
  now: number;
}

const SEGMENT = /^[A-Za-z0-9_-]*$/;
const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/** `application/at+jwt` and `at+jwt` name the same type (RFC 7515, section 4.1.9). */
export function normalizeType(type: string): string {
  const lower = type.toLowerCase();
  return lower.startsWith('application/') ? lower.slice('application/'.length) : lower;
}

/**
 * Verifies a compact JWS and its claims. The algorithm comes from our key, never from the header
 * alone; keys inside the header (`jwk`, `jku`, `x5u`, `x5c`) are never read. Rejects with a
 * `TokenError` whose message never holds the token.
 */
export async function verifyCompact(
  token: unknown,
  policy: VerifyPolicy,
): Promise<{ header: Record<string, unknown>; claims: TokenClaims }> {
  if (typeof token !== 'string' || token.length === 0) throw new TokenError('ERR_JWT_INVALID');
  if (token.length > MAX_TOKEN_BYTES) throw new TokenError('ERR_JWT_OVERSIZED');
  const parts = token.split('.');
  if (parts.length !== 3 || !parts.every((part) => SEGMENT.test(part))) throw new TokenError('ERR_JWT_INVALID');
  const header = parseObject(parts[0]!);
  const alg = header.alg;
  if (typeof alg !== 'string' || !policy.algorithms.includes(alg as TokenAlgorithm)) throw new TokenError('ERR_JWT_ALGORITHM');
  const found = policy.keysFor(header.kid);
  if (found.length === 0) throw new TokenError('ERR_JWT_KID');
  const candidates = found.filter((key) => key.alg === alg);
  // The key named by kid is for another algorithm: an HS256 token "signed" with our public key lands here.
  if (candidates.length === 0) throw new TokenError('ERR_JWT_ALGORITHM');
  let payload: Uint8Array | undefined;
  for (const key of candidates) {
    try {
      payload = (await compactVerify(token, await key.verifyingKey(), { algorithms: [key.alg] })).payload;
      break;
    } catch (error) {
      if (!(error instanceof errors.JWSSignatureVerificationFailed)) throw new TokenError('ERR_JWT_INVALID', { cause: error });
    }
  }
  if (!payload) throw new TokenError('ERR_JWT_SIGNATURE');
  let claims: unknown;
  try {
    claims = JSON.parse(strictUtf8.decode(payload));
  } catch {
    throw new TokenError('ERR_JWT_INVALID');
  }
  if (claims === null || typeof claims !== 'object' || Array.isArray(claims)) throw new TokenError('ERR_JWT_INVALID');
  checkClaims(header, claims as Record<string, unknown>, policy);
  return { header, claims: claims as TokenClaims };
}

function parseObject(segment: string): Record<string, unknown> {
  try {
    const value = JSON.parse(strictUtf8.decode(cryptoProvider().base64urlDecode(segment)));
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) return value;
  } catch {}
  throw new TokenError('ERR_JWT_INVALID');
}

const isTime = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value);

function checkClaims(header: Record<string, unknown>, claims: Record<string, unknown>, policy: VerifyPolicy): void {
  const { exp, nbf, iat, jti, sub, iss, aud } = claims;
  const shapeOk =
    (exp === undefined || isTime(exp)) &&
    (iat === undefined || isTime(iat)) &&
    (jti === undefined || (typeof jti === 'string' && jti.length > 0 && jti.length <= 256)) &&
    (nbf === undefined || isTime(nbf)) &&
    (sub === undefined || typeof sub === 'string') &&
    (iss === undefined || typeof iss === 'string') &&
    (aud === undefined || typeof aud === 'string' || (Array.isArray(aud) && aud.every((item) => typeof item === 'string')));
  if (!shapeOk) throw new TokenError('ERR_JWT_CLAIMS');
  if (policy.type !== undefined && (typeof header.typ !== 'string' || normalizeType(header.typ) !== normalizeType(policy.type))) {
    throw new TokenError('ERR_JWT_TYPE');
  }
  if (policy.issuer !== undefined && iss !== policy.issuer) throw new TokenError('ERR_JWT_ISSUER');
  if (policy.audiences !== undefined) {
    const given = typeof aud === 'string' ? [aud] : ((aud as string[] | undefined) ?? []);
    if (!given.some((item) => policy.audiences!.includes(item))) throw new TokenError('ERR_JWT_AUDIENCE');
  }
  const { now, leeway } = policy;
  // RFC 7519: the token is valid only *before* exp, so exp === now is already expired.
  if (isTime(exp) && exp <= now - leeway) throw new TokenError('ERR_JWT_EXPIRED');
  if (isTime(nbf) && nbf > now + leeway) throw new TokenError('ERR_JWT_NOT_YET_VALID');
  if (isTime(iat) && iat > now + leeway) throw new TokenError('ERR_JWT_ISSUED_IN_FUTURE');
  if (policy.maxLifetime !== undefined && isTime(exp) && isTime(iat) && exp - iat > policy.maxLifetime) {
    throw new TokenError('ERR_JWT_LIFETIME');
  }
  // Missing claims last, so a token that is also refused for a stated reason reports that reason.
  if (policy.required.some((name) => claims[name] === undefined)) throw new TokenError('ERR_JWT_CLAIMS');
}
