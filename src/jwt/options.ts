import { ConfigError } from '../core/errors.js';
import type { SessionStore } from '../core/types.js';
import { createKeyring, type Keyring, TOKEN_ALGORITHMS, type TokenAlgorithm, type TokenKey } from './keyring.js';

/** Options of `createTokens`. Times are seconds, except `now` (milliseconds) and `storeTimeout`. */
export interface TokenOptions {
  /** The algorithms accepted, e.g. `['EdDSA']` or `['HS256']`. Required: there is no default and `none` is never allowed. */
  algorithms: TokenAlgorithm[];
  /** The keyring, newest first: the first key signs, every key verifies, each only with its own `alg`. */
  keys: TokenKey[];
  /** The `aud` tokens are issued for (the first) and the audiences accepted (any). Required. */
  audience: string | string[];
  /** The `iss` written into tokens and required on every token verified. */
  issuer?: string;
  /** The `typ` header written and required. Default `'at+jwt'` (RFC 9068), so a token minted for another purpose is refused. */
  type?: string;
  /** Access token lifetime. Default 900 (15 minutes); verification refuses tokens living longer. */
  lifetime?: number;
  /** Clock skew tolerated on `exp`, `nbf` and `iat`. Default 30, at most 60. */
  leeway?: number;
  /**
   * A hallpass store for revocation and refresh tokens. With it, each `verify` makes one store
   * round trip; without it, verification never leaves the process.
   *
   * It must declare `evicts: false` (an evicted revocation would bring a revoked token back):
   * `sqliteStore` (a file, or `":memory:"` for one process), `postgresStore`, or `redisStore` on a
   * Redis with `maxmemory-policy noeviction`. `memoryStore` and `memcachedStore` are refused. With
   * refresh tokens on, it must also implement `compareAndSet` (every bundled store does).
   *
   * @example
   * ```ts
   * createTokens({ ..., store: sqliteStore(new Database('tokens.db')) })
   * ```
   */
  store?: SessionStore;
  /**
   * Whether `issuePair`, `refresh` and `revokeRefresh` are available. Default `true` when a `store`
   * is given. Set `false` to keep a store only for revocation, with a store that has no
   * `compareAndSet`.
   */
  refreshTokens?: boolean;
  /** Prefix of every key written to `store`. Default `'jwt:'`. */
  storePrefix?: string;
  /** Milliseconds a store call may take before it fails with `ERR_STORE_TIMEOUT`. Default 500. */
  storeTimeout?: number;
  /** Absolute lifetime of a refresh-token family from login. Default 1209600 (14 days). */
  refreshLifetime?: number;
  /** The clock in milliseconds. Default `Date.now`; tests pass a frozen one. */
  now?: () => number;
}

export interface ResolvedTokenOptions {
  algorithms: readonly TokenAlgorithm[];
  ring: Keyring;
  audiences: readonly string[];
  issuer?: string;
  type: string;
  lifetime: number;
  leeway: number;
  store?: SessionStore;
  /** True when a store is given and `refreshTokens` is not `false`. */
  refreshTokens: boolean;
  storePrefix: string;
  storeTimeout: number;
  refreshLifetime: number;
  now: () => number;
}

export const DEFAULT_TOKEN_LIFETIME = 900;
export const DEFAULT_LEEWAY = 30;
export const MAX_LEEWAY = 60;
export const DEFAULT_REFRESH_LIFETIME = 14 * 24 * 3600;

function seconds(option: string, value: unknown, fallback: number, max = Number.MAX_SAFE_INTEGER, min = 1): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError('ERR_LIFETIME', `\`${option}\` must be a whole number of seconds from ${min} to ${max}, got ${String(value)}.`);
  }
  return value;
}

function text(option: string, value: unknown): string {
  if (typeof value !== 'string' || value.trim() === '') throw new ConfigError('ERR_OPTION', `\`${option}\` must be a non-empty string.`);
  return value;
}

/**
 * The store keeps revocations and refresh families, so it must never drop a record before its TTL,
 * and rotation needs an atomic compare-and-set. Both are checked here, at start-up.
 */
function checkTokenStore(store: SessionStore, refreshTokens: boolean): void {
  if (store.evicts !== false) {
    const declared = store.evicts === true ? 'declares evicts: true' : 'does not declare evicts: false';
    throw new ConfigError(
      'ERR_OPTION',
      `\`store\` ${declared}: it holds token revocations and refresh families, and a store that drops records to make room (memoryStore, memcachedStore) would bring a revoked token back. Use a store that keeps every record until its TTL: sqliteStore (a file, or ":memory:" in one process), postgresStore, or redisStore on a Redis with maxmemory-policy noeviction.`,
    );
  }
  if (refreshTokens && typeof store.compareAndSet !== 'function') {
    throw new ConfigError(
      'ERR_OPTION',
      '`store` has no compareAndSet, which refresh-token rotation needs so that of two refreshes with one token exactly one wins: use sqliteStore, postgresStore or redisStore, or set refreshTokens: false to keep the store for revocation only.',
    );
  }
}

/** Checks every option once, at start-up; each problem is a `ConfigError` naming the option and the fix. */
export function resolveTokenOptions(options: TokenOptions): ResolvedTokenOptions {
  if (options === null || typeof options !== 'object')
    throw new ConfigError('ERR_OPTION', 'createTokens(options) needs an options object.');
  const { algorithms } = options;
  if (!Array.isArray(algorithms) || algorithms.length === 0) {
    throw new ConfigError(
      'ERR_OPTION',
      '`algorithms` is required: list the algorithms you accept, e.g. algorithms: ["EdDSA"] or ["HS256"].',
    );
  }
  for (const alg of algorithms) {
    if (typeof alg === 'string' && alg.toLowerCase() === 'none') {
      throw new ConfigError('ERR_OPTION', '`algorithms` lists "none": unsigned tokens are never accepted. Use HS256, EdDSA or ES256.');
    }
    if (!TOKEN_ALGORITHMS.includes(alg)) {
      throw new ConfigError('ERR_OPTION', `\`algorithms\` lists ${JSON.stringify(alg)}; hallpass supports ${TOKEN_ALGORITHMS.join(', ')}.`);
    }
  }
  const audience = options.audience;
  const audiences = Array.isArray(audience) ? audience : audience === undefined ? [] : [audience];
  if (audiences.length === 0) {
    throw new ConfigError(
      'ERR_OPTION',
      '`audience` is required: name the API these tokens are for (e.g. audience: "https://api.example.com"), so a token minted for another service is refused.',
    );
  }
  for (const [index, item] of audiences.entries()) text(Array.isArray(audience) ? `audience[${index}]` : 'audience', item);
  const storeTimeout = options.storeTimeout ?? 500;
  if (typeof storeTimeout !== 'number' || !(storeTimeout > 0) || storeTimeout > 2 ** 31 - 1) {
    throw new ConfigError('ERR_OPTION', `\`storeTimeout\` must be a positive number of milliseconds, got ${String(storeTimeout)}.`);
  }
  const store = options.store;
  if (
    store !== undefined &&
    (store === null || typeof store.get !== 'function' || typeof store.set !== 'function' || typeof store.patch !== 'function')
  ) {
    throw new ConfigError('ERR_OPTION', '`store` must be a hallpass store (an object with get, set, destroy, touch and patch).');
  }
  if (options.refreshTokens !== undefined && typeof options.refreshTokens !== 'boolean') {
    throw new ConfigError('ERR_OPTION', `\`refreshTokens\` must be true or false, got ${typeof options.refreshTokens}.`);
  }
  const refreshTokens = store !== undefined && options.refreshTokens !== false;
  if (store !== undefined) checkTokenStore(store, refreshTokens);
  if (options.now !== undefined && typeof options.now !== 'function')
    throw new ConfigError('ERR_OPTION', '`now` must be a function returning milliseconds.');
  return {
    algorithms: [...algorithms],
    ring: createKeyring(options.keys, algorithms),
    audiences,
    issuer: options.issuer === undefined ? undefined : text('issuer', options.issuer),
    type: options.type === undefined ? 'at+jwt' : text('type', options.type),
    lifetime: seconds('lifetime', options.lifetime, DEFAULT_TOKEN_LIFETIME),
    leeway: seconds('leeway', options.leeway, DEFAULT_LEEWAY, MAX_LEEWAY, 0),
    store,
    refreshTokens,
    storePrefix: options.storePrefix === undefined ? 'jwt:' : text('storePrefix', options.storePrefix),
    storeTimeout,
    refreshLifetime: seconds('refreshLifetime', options.refreshLifetime, DEFAULT_REFRESH_LIFETIME),
    now: options.now ?? Date.now,
  };
}
