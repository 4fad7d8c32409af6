import { cryptoProvider } from '../core/crypto/index.js';
import { callStore } from '../core/store-call.js';
import type { SessionStore, StoreRecord } from '../core/types.js';

/** Where token state lives: any hallpass store, under a key prefix. */
export interface TokenStore {
  store: SessionStore;
  prefix: string;
  /** Milliseconds before a store call fails with `ERR_STORE_TIMEOUT`. */
  timeout: number;
}

/**
 * A store key for `value` of a kind. Values are hashed: the keys have one safe shape for every store
 * (Memcached included), and a leaked store holds no refresh token and no user name.
 */
export function tokenStoreKey(settings: TokenStore, kind: 'jti' | 'user' | 'rt' | 'rf', value: string): string {
  return `${settings.prefix}${kind}:${cryptoProvider().sha256Base64url(value)}`;
}

export function storeGet(settings: TokenStore, key: string): Promise<StoreRecord | null | undefined> {
  return callStore('get', () => settings.store.get(key), settings.timeout);
}

export function storeSet(settings: TokenStore, key: string, record: StoreRecord, ttlSeconds: number): Promise<void> {
  return callStore('set', () => settings.store.set(key, record, Math.max(1, Math.ceil(ttlSeconds))), settings.timeout);
}

/** The per-user cutoff: tokens (and refresh families) issued at or before it are refused. */
export function cutoffOf(record: StoreRecord | null | undefined): number | undefined {
  const value = record?.data.notBefore;
  return typeof value === 'number' ? value : undefined;
}

export interface Revocations {
  /**
   * True when the token's `jti` is revoked or its user was revoked after it was issued. Both keys
   * are read at once (two `get`s in parallel), so the cost is one store round trip of latency.
   */
  isRevoked(jti: string, sub: string | undefined, iat: number): Promise<boolean>;
  /** Keeps `jti` until `untilSeconds` (the token's `exp` plus the leeway). */
  revokeJti(jti: string, untilSeconds: number, now: number): Promise<void>;
  /** Refuses everything issued to `sub` up to `now`, for `ttlSeconds` (the longest any token lives). */
  revokeUser(sub: string, now: number, ttlSeconds: number): Promise<void>;
  /** The user's cutoff, if any. */
  userCutoff(sub: string): Promise<number | undefined>;
}

export function createRevocations(settings: TokenStore): Revocations {
  const marker = (now: number, data: StoreRecord['data'] = {}): StoreRecord => ({ data, createdAt: now, lastSeenAt: now });
  const userCutoff = async (sub: string) => cutoffOf(await storeGet(settings, tokenStoreKey(settings, 'user', sub)));
  return {
    async isRevoked(jti, sub, iat) {
      const [revoked, cutoff] = await Promise.all([
        storeGet(settings, tokenStoreKey(settings, 'jti', jti)),
        sub === undefined ? undefined : userCutoff(sub),
      ]);
      // `iat` has whole seconds: a token from the same second as "log out everywhere" is refused too.
      return revoked != null || (cutoff !== undefined && iat <= cutoff);
    },
    revokeJti: (jti, untilSeconds, now) => storeSet(settings, tokenStoreKey(settings, 'jti', jti), marker(now), untilSeconds - now),
    revokeUser: (sub, now, ttlSeconds) =>
      storeSet(settings, tokenStoreKey(settings, 'user', sub), marker(now, { notBefore: now }), ttlSeconds),
    userCutoff,
  };
}
