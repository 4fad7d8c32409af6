import { isTokenShaped, newSessionId, newToken } from '../core/random.js';
import { callStore } from '../core/store-call.js';
import type { SessionData, StorePatch, StoreRecord } from '../core/types.js';
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

/** The family record's data key naming its one live refresh token (by hash); absent once the family ended. */
const CURRENT = 'current';

/**
 * Refresh tokens in families. A login starts a family; every refresh spends the presented token and
 * hands out the next one. The store keeps only hashes: `rt:<hash>` points at its family, and the
 * family record `rf:<id>` names the one live token in `current`.
 *
 * Rotation is a compare-and-set on `current`: of any number of refreshes presenting one token,
 * exactly one moves `current` on. Presenting a spent token, or losing that compare-and-set, means two
 * parties hold the family (the standard theft signal), so the whole family and its latest access
 * token end. Ending is sticky: the family is patched `revoked: true` with `current` removed, so no
 * later compare-and-set can apply, and no refresh ever rewrites the whole record.
 */
export function createRefresh(settings: RefreshSettings) {
  const { store } = settings;
  const familyKey = (family: string) => `${store.prefix}rf:${family}`;
  const ttlOf = (createdAt: number, now: number) => Math.max(1, Math.ceil(createdAt + settings.refreshLifetime - now));
  const storePatch = (key: string, patch: StorePatch, ttl: number) =>
    callStore('patch', () => store.store.patch(key, patch, ttl), store.timeout);
  const storeCompareAndSet = (key: string, expected: string, patch: StorePatch, ttl: number) => {
    const compareAndSet = store.store.compareAndSet?.bind(store.store);
    // createTokens refuses a store without compareAndSet when refresh tokens are on.
    if (!compareAndSet) throw new TypeError('refresh-token rotation needs a store with compareAndSet');
    return callStore('compareAndSet', () => compareAndSet(key, CURRENT, expected, patch, ttl), store.timeout);
  };

  /** A new refresh token and the record pointing it at its family; the token is not handed out yet. */
  async function pointer(family: string, sub: SessionData, now: number, ttl: number) {
    const refreshToken = newToken();
    const hash = tokenStoreKey(store, 'rt', refreshToken);
    // Written before the family names it: a token handed out always finds its family.
    await storeSet(store, hash, { data: { family, ...sub }, createdAt: now, lastSeenAt: now }, ttl);
    return { refreshToken, hash };
  }

  const pairOf = (accessToken: string, refreshToken: string): TokenPair => ({
    accessToken,
    refreshToken,
    tokenType: 'Bearer',
    expiresIn: settings.lifetime,
  });
  const subOf = (claims: SessionData): SessionData => (typeof claims.sub === 'string' ? { sub: claims.sub } : {});

  /** Finds the family a refresh token belongs to; refuses unknown, ended and expired ones. */
  async function open(refreshToken: unknown, now: number) {
    // No store call for a value of the wrong shape.
    if (typeof refreshToken !== 'string' || !isTokenShaped(refreshToken)) throw new TokenError('ERR_JWT_REFRESH');
    const hash = tokenStoreKey(store, 'rt', refreshToken);
    const pointed = await storeGet(store, hash);
    const family = pointed?.data.family;
    if (typeof family !== 'string') throw new TokenError('ERR_JWT_REFRESH');
    const sub = typeof pointed?.data.sub === 'string' ? pointed.data.sub : undefined;
    const [record, cutoff] = await Promise.all([
      storeGet(store, familyKey(family)),
      sub === undefined ? undefined : settings.revocations.userCutoff(sub),
    ]);
    if (!record || record.createdAt + settings.refreshLifetime <= now) throw new TokenError('ERR_JWT_REFRESH');
    if (record.data.revoked === true) {
      // Ended already. Its latest access token is revoked again (idempotent): if that write failed
      // when the family ended, any later use of one of its refresh tokens finishes the job.
      await revokeLatestAccess(record, now);
      throw new TokenError('ERR_JWT_REFRESH');
    }
    if (cutoff !== undefined && record.createdAt <= cutoff) throw new TokenError('ERR_JWT_REVOKED');
    return { hash, family, record };
  }

  /**
   * Ends a family for good, then revokes its latest access token. The patch comes first: once
   * `current` is gone no rotation can land, so the access token read afterwards is the last one.
   */
  async function endFamily(family: string, record: StoreRecord, now: number): Promise<void> {
    const key = familyKey(family);
    const ended = await storePatch(key, { set: { revoked: true }, unset: [CURRENT], lastSeenAt: now }, ttlOf(record.createdAt, now));
    if (!ended) return; // expired meanwhile: nothing left to refresh
    await revokeLatestAccess((await storeGet(store, key)) ?? record, now);
  }

  async function revokeLatestAccess(record: StoreRecord, now: number): Promise<void> {
    const { jti, exp } = record.data;
    if (typeof jti === 'string' && typeof exp === 'number' && exp + settings.leeway > now) {
      await settings.revocations.revokeJti(jti, exp + settings.leeway, now);
    }
  }

  return {
    /** Starts a family: an access token for `claims` and its first refresh token. */
    async issuePair(claims: Record<string, unknown>): Promise<TokenPair> {
      const now = settings.now();
      // Claims are kept as JSON so every refresh re-issues exactly what the login granted.
      const kept = JSON.parse(JSON.stringify(claims)) as SessionData;
      const family = newSessionId();
      const ttl = ttlOf(now, now);
      const [access, next] = await Promise.all([settings.issueAccess(kept, now), pointer(family, subOf(kept), now, ttl)]);
      const data: SessionData = { claims: kept, [CURRENT]: next.hash, jti: access.claims.jti, exp: access.claims.exp, ...subOf(kept) };
      await storeSet(store, familyKey(family), { data, createdAt: now, lastSeenAt: now }, ttl);
      return pairOf(access.token, next.refreshToken);
    },

    /** Spends `refreshToken` and returns the next pair; a spent token, or a lost race for it, ends its whole family. */
    async refresh(refreshToken: string): Promise<TokenPair> {
      const now = settings.now();
      const { hash, family, record } = await open(refreshToken, now);
      if (record.data[CURRENT] !== hash) {
        await endFamily(family, record, now);
        throw new TokenError('ERR_JWT_REFRESH_REUSED');
      }
      const claims = record.data.claims as SessionData;
      const ttl = ttlOf(record.createdAt, now);
      const [access, next] = await Promise.all([settings.issueAccess(claims, now), pointer(family, subOf(claims), now, ttl)]);
      const rotation: StorePatch = {
        set: { [CURRENT]: next.hash, jti: access.claims.jti, exp: access.claims.exp },
        unset: [],
        lastSeenAt: now,
      };
      if (!(await storeCompareAndSet(familyKey(family), hash, rotation, ttl))) {
        // Another refresh spent this token first (or a logout ended the family): two holders.
        await endFamily(family, record, now);
        throw new TokenError('ERR_JWT_REFRESH_REUSED');
      }
      return pairOf(access.token, next.refreshToken);
    },

    /** Ends the family of `refreshToken` (logout): no token of it refreshes again. */
    async revokeRefresh(refreshToken: string): Promise<void> {
      const now = settings.now();
      const { family, record } = await open(refreshToken, now);
      await endFamily(family, record, now);
    },
  };
}
