import { isTokenShaped, newSessionId, newToken } from '../core/random.js';
import type { SessionData, StoreRecord } from '../core/types.js';
import { TokenError } from './errors.js';
import { type Revocations, storeGet, storeSet, type TokenStore, tokenStoreKey } from './revocation.js';
import type { TokenClaims } from './verify.js';

/** An access token and the refresh token that replaces it, as an OAuth-style token endpoint answers. */
export interface TokenPair {
  accessToken: string;
  /** Opaque, 256-bit random, single use. */
  refreshToken: string;
  tokenType: 'Bearer';
  /** Seconds until the access token expires. */
  expiresIn: number;
}

export interface RefreshSettings {
  store: TokenStore;
  revocations: Revocations;
  issueAccess(claims: Record<string, unknown>, now: number): Promise<{ token: string; claims: TokenClaims }>;
  /** Access token lifetime, seconds. */
  lifetime: number;
  /** Absolute lifetime of a refresh family from its first pair, seconds. */
  refreshLifetime: number;
  leeway: number;
  /** Unix seconds. */
  now(): number;
}

/**
 * Refresh tokens in families. A login starts a family; every refresh spends the presented token and
 * hands out the next one. The store keeps only hashes: `rt:<hash>` points at its family, and the
 * family record `rf:<id>` names the one live token. Presenting a spent token means two parties hold
 * the family (the standard theft signal), so the whole family and its latest access token end.
 */
export function createRefresh(settings: RefreshSettings) {
  const { store } = settings;
  const familyKey = (family: string) => `${store.prefix}rf:${family}`;

  async function handOut(family: string, createdAt: number, claims: SessionData, now: number): Promise<TokenPair> {
    const refreshToken = newToken();
    const hash = tokenStoreKey(store, 'rt', refreshToken);
    const access = await settings.issueAccess(claims, now);
    const ttl = createdAt + settings.refreshLifetime - now;
    const sub: SessionData = typeof claims.sub === 'string' ? { sub: claims.sub } : {};
    const familyRecord: StoreRecord = {
      data: { claims, current: hash, jti: access.claims.jti, exp: access.claims.exp, ...sub },
      createdAt,
      lastSeenAt: now,
    };
    await Promise.all([
      storeSet(store, hash, { data: { family, ...sub }, createdAt: now, lastSeenAt: now }, ttl),
      storeSet(store, familyKey(family), familyRecord, ttl),
    ]);
    return { accessToken: access.token, refreshToken, tokenType: 'Bearer', expiresIn: settings.lifetime };
  }

  /** Finds the family a refresh token belongs to; refuses unknown, ended and expired ones. */
  async function open(refreshToken: unknown, now: number) {
    // No store call for a value of the wrong shape.
    if (typeof refreshToken !== 'string' || !isTokenShaped(refreshToken)) throw new TokenError('ERR_JWT_REFRESH');
    const hash = tokenStoreKey(store, 'rt', refreshToken);
    const pointer = await storeGet(store, hash);
    const family = pointer?.data.family;
    if (typeof family !== 'string') throw new TokenError('ERR_JWT_REFRESH');
    const sub = typeof pointer?.data.sub === 'string' ? pointer.data.sub : undefined;
    const [record, cutoff] = await Promise.all([
      storeGet(store, familyKey(family)),
      sub === undefined ? undefined : settings.revocations.userCutoff(sub),
    ]);
    if (!record || record.data.revoked === true || record.createdAt + settings.refreshLifetime <= now)
      throw new TokenError('ERR_JWT_REFRESH');
    if (cutoff !== undefined && record.createdAt <= cutoff) throw new TokenError('ERR_JWT_REVOKED');
    return { hash, family, record };
  }

  async function endFamily(family: string, record: StoreRecord, now: number): Promise<void> {
    const { jti, exp } = record.data;
    await Promise.all([
      storeSet(
        store,
        familyKey(family),
        { ...record, data: { ...record.data, revoked: true } },
        record.createdAt + settings.refreshLifetime - now,
      ),
      typeof jti === 'string' && typeof exp === 'number' && exp + settings.leeway > now
        ? settings.revocations.revokeJti(jti, exp + settings.leeway, now)
        : undefined,
    ]);
  }

  return {
    /** Starts a family: an access token for `claims` and its first refresh token. */
    async issuePair(claims: Record<string, unknown>): Promise<TokenPair> {
      const now = settings.now();
      // Claims are kept as JSON so every refresh re-issues exactly what the login granted.
      return handOut(newSessionId(), now, JSON.parse(JSON.stringify(claims)) as SessionData, now);
    },

    /** Spends `refreshToken` and returns the next pair; a spent token ends its whole family. */
    async refresh(refreshToken: string): Promise<TokenPair> {
      const now = settings.now();
      const { hash, family, record } = await open(refreshToken, now);
      if (record.data.current !== hash) {
        await endFamily(family, record, now);
        throw new TokenError('ERR_JWT_REFRESH_REUSED');
      }
      return handOut(family, record.createdAt, record.data.claims as SessionData, now);
    },

    /** Ends the family of `refreshToken` (logout): no token of it refreshes again. */
    async revokeRefresh(refreshToken: string): Promise<void> {
      const now = settings.now();
      const { family, record } = await open(refreshToken, now);
      await endFamily(family, record, now);
    },
  };
}
