import { CompactSign } from 'jose';
import { newSessionId } from '../core/random.js';
import { TokenError } from './errors.js';
import type { Keyring } from './keyring.js';
import type { TokenClaims } from './verify.js';

/** Claims `issue` sets itself; passing them is a mistake it reports rather than silently overrides. */
const RESERVED = ['iat', 'exp', 'jti', 'iss', 'aud', 'nbf'] as const;

export interface IssueSettings {
  ring: Keyring;
  type: string;
  issuer?: string;
  /** The `aud` written into tokens (the first of the accepted audiences). */
  audience: string;
  /** Seconds. */
  lifetime: number;
}

const encoder = new TextEncoder();

/** A 128-bit random token id, base64url (22 characters). */
export function newJti(): string {
  return newSessionId();
}

/**
 * Signs `claims` with the keyring's first key, adding `iss`, `aud`, `iat`, `exp` and a fresh `jti`;
 * the header carries `alg`, `kid` and `typ`. `now` is Unix seconds.
 */
export async function issueToken(
  settings: IssueSettings,
  claims: Record<string, unknown>,
  now: number,
): Promise<{ token: string; claims: TokenClaims }> {
  if (claims === null || typeof claims !== 'object' || Array.isArray(claims)) {
    throw new TypeError('issue(claims) takes a plain object of claims, e.g. { sub: "alice" }.');
  }
  for (const name of RESERVED) {
    if (Object.hasOwn(claims, name)) throw new TypeError(`issue(claims): "${name}" is set by hallpass; remove it from the claims.`);
  }
  if (claims.sub !== undefined && typeof claims.sub !== 'string') throw new TypeError('issue(claims): "sub" must be a string.');
  const { ring, issuer, audience, lifetime } = settings;
  const full: TokenClaims = {
    ...(issuer === undefined ? {} : { iss: issuer }),
    aud: audience,
    ...claims,
    iat: now,
    exp: now + lifetime,
    jti: newJti(),
  };
  const key = ring.current;
  let payload: Uint8Array;
  try {
    payload = encoder.encode(JSON.stringify(full));
  } catch (error) {
    throw new TypeError(`issue(claims): the claims are not JSON: ${(error as Error).message}`);
  }
  const token = await new CompactSign(payload)
    .setProtectedHeader({ alg: key.alg, kid: key.kid, typ: settings.type })
    .sign(await key.signingKey());
  if (token.length > 8 * 1024) throw new TokenError('ERR_JWT_OVERSIZED');
  return { token, claims: full };
}
