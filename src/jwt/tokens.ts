import { ConfigError } from '../core/errors.js';
import { TokenError } from './errors.js';
import { issueToken } from './issue.js';
import { resolveTokenOptions, type TokenOptions } from './options.js';
import { createRefresh, type TokenPair } from './refresh.js';
import { createRevocations, type TokenStore } from './revocation.js';
import { type TokenClaims, type VerifyPolicy, verifyCompact } from './verify.js';

/** What `createTokens` returns. */
export interface Tokens {
  /** Access token lifetime in seconds (what a token endpoint answers as `expires_in`). */
  readonly lifetime: number;
  /** Signs `claims` (e.g. `{ sub: 'alice' }`) with the first key, adding `iss`, `aud`, `iat`, `exp`, `jti` and `typ`. */
  issue(claims?: Record<string, unknown>): Promise<string>;
  /** Verifies a token and resolves its claims, or rejects with a `TokenError` (or a `StoreError` when the store fails). */
  verify(token: string): Promise<TokenClaims>;
  /** Refuses a token (or a `jti`) from now until it would have expired. Needs `store`. */
  revoke(tokenOrJti: string): Promise<void>;
  /** Refuses every token and refresh token issued to `sub` until now ("log out everywhere"). Needs `store`. */
  revokeAllForUser(sub: string): Promise<void>;
  /** An access token and a first refresh token for `claims`: a login. Needs `store`. */
  issuePair(claims: Record<string, unknown>): Promise<TokenPair>;
  /** Spends a refresh token for a new pair; reusing a spent one ends its family. Needs `store`. */
  refresh(refreshToken: string): Promise<TokenPair>;
  /** Ends the family of a refresh token and its latest access token (logout). Needs `store`. */
  revokeRefresh(refreshToken: string): Promise<void>;
}

const looksLikeJwt = (value: string) => value.split('.').length === 3;

/**
 * Stateless tokens (JWT) with an explicit algorithm allowlist, a keyring for rotation, claim checks
 * that cannot be forgotten, and, with a store, revocation and rotating refresh tokens. Options are
 * checked here, once: a short HMAC key, a key that does not fit its algorithm or a missing audience
 * is a `ConfigError`.
 *
 * @example
 * ```ts
 * import { createTokens } from 'hallpass/jwt'
 *
 * const tokens = createTokens({
 *   algorithms: ['HS256'],
 *   keys: [{ kid: '2025-06', alg: 'HS256', key: process.env.JWT_SECRET }],
 *   issuer: 'https://auth.example.com',
 *   audience: 'https://api.example.com',
 * })
 * const token = await tokens.issue({ sub: 'alice' })
 * const claims = await tokens.verify(token) // { sub: 'alice', iat, exp, jti, iss, aud }
 * ```
 */
export function createTokens(options: TokenOptions): Tokens {
  const resolved = resolveTokenOptions(options);
  const { ring, lifetime, leeway, refreshLifetime } = resolved;
  const nowSeconds = () => Math.floor(resolved.now() / 1000);
  const policy: Omit<VerifyPolicy, 'now'> = {
    algorithms: resolved.algorithms,
    keysFor: (kid) => {
      const key = ring.find(kid);
      return key ? [key] : [];
    },
    type: resolved.type,
    issuer: resolved.issuer,
    audiences: resolved.audiences,
    required: ['exp', 'iat', 'jti'],
    // Tokens never outlive `lifetime`, which bounds how long a revocation must be remembered.
    maxLifetime: lifetime,
    leeway,
  };
  const settings = { ring, type: resolved.type, issuer: resolved.issuer, audience: resolved.audiences[0]!, lifetime };
  const issueAccess = (claims: Record<string, unknown>, now: number) => issueToken(settings, claims, now);

  const tokenStore: TokenStore | undefined = resolved.store && {
    store: resolved.store,
    prefix: resolved.storePrefix,
    timeout: resolved.storeTimeout,
  };
  const revocations = tokenStore && createRevocations(tokenStore);
  const refresh =
    resolved.refreshTokens && tokenStore && revocations
      ? createRefresh({ store: tokenStore, revocations, issueAccess, lifetime, refreshLifetime, leeway, now: nowSeconds })
      : undefined;
  const needStore = (method: string): never => {
    throw new ConfigError(
      'ERR_OPTION',
      `tokens.${method}() keeps state and needs a store: createTokens({ ..., store: redisStore(client) }).`,
    );
  };
  const needRefresh = (method: string): never => {
    if (!tokenStore) return needStore(method);
    throw new ConfigError('ERR_OPTION', `tokens.${method}() needs refresh tokens, which are off (refreshTokens: false).`);
  };

  return {
    lifetime,
    async issue(claims = {}) {
      return (await issueAccess(claims, nowSeconds())).token;
    },
    async verify(token) {
      const { claims } = await verifyCompact(token, { ...policy, now: nowSeconds() });
      // Only a token that passed every offline check costs a store call.
      if (revocations && (await revocations.isRevoked(claims.jti, claims.sub, claims.iat))) throw new TokenError('ERR_JWT_REVOKED');
      return claims;
    },
    async revoke(tokenOrJti) {
      if (!revocations) return needStore('revoke');
      const now = nowSeconds();
      if (typeof tokenOrJti !== 'string' || tokenOrJti === '') throw new TypeError('revoke() takes a token or its jti.');
      if (!looksLikeJwt(tokenOrJti)) {
        // A bare jti: remember it as long as any token of ours can live.
        await revocations.revokeJti(tokenOrJti, now + lifetime + leeway, now);
        return;
      }
      let claims: TokenClaims;
      try {
        ({ claims } = await verifyCompact(tokenOrJti, { ...policy, now }));
      } catch (error) {
        if (error instanceof TokenError && error.code === ('ERR_JWT_EXPIRED' as string)) return; // already dead
        throw error;
      }
      await revocations.revokeJti(claims.jti, claims.exp + leeway, now);
    },
    async revokeAllForUser(sub) {
      if (!revocations) return needStore('revokeAllForUser');
      if (typeof sub !== 'string' || sub === '') throw new TypeError('revokeAllForUser() takes the user id (the tokens\' "sub").');
      await revocations.revokeUser(sub, nowSeconds(), Math.max(lifetime, refreshLifetime) + leeway);
    },
    async issuePair(claims) {
      return refresh ? refresh.issuePair(claims) : needRefresh('issuePair');
    },
    async refresh(refreshToken) {
      return refresh ? refresh.refresh(refreshToken) : needRefresh('refresh');
    },
    async revokeRefresh(refreshToken) {
      return refresh ? refresh.revokeRefresh(refreshToken) : needRefresh('revokeRefresh');
    },
  };
}
