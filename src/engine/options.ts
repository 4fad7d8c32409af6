import { builtInCodecs } from '../codecs/envelope.js';
import { sealedCodec } from '../codecs/sealed.js';
import { signedCodec } from '../codecs/signed.js';
import { type CookieAttributes, checkAttributeValue, checkCookieName } from '../core/cookie.js';
import { ConfigError } from '../core/errors.js';
import { checkSecrets } from '../core/keys.js';
import type { AsyncCodec, Codec, SessionEvent, SessionStore } from '../core/types.js';
import { checkRevocations, type Revocations, storeRevocations } from './revocations/index.js';
import { memoryRevocations } from './revocations/memory.js';

/** Options of `createSessions`. Every time is in seconds unless its name says otherwise. */
export interface SessionOptions {
  /**
   * The secret cookies are sealed or signed with: at least 32 random bytes, from the environment.
   * A list rotates keys: the first seals or signs, every one verifies. Required in cookie mode
   * (no default); unused in server mode, whose tokens are random. Generate one with `npx hallpass secret`.
   */
  secret?: string | readonly string[];
  /**
   * Cookie name. Default `"sid"`: generic, so the cookie does not tell an attacker which library (and
   * which version's weaknesses) to try. A `__Host-` name such as `"__Host-sid"` pins the cookie to this
   * host and stops sibling subdomains from planting one (recommended over HTTPS).
   */
  name?: string;
  /** Cookie `Path`. Default `"/"`. */
  path?: string;
  /** Cookie `Domain`. Default: none (host-only, the safest). */
  domain?: string;
  /** Cookie `SameSite`. Default `"lax"`. `"none"` requires `secure`. */
  sameSite?: 'lax' | 'strict' | 'none' | 'Lax' | 'Strict' | 'None';
  /** Cookie `Secure`. Default `true`; browsers accept Secure cookies on http://localhost too. Set `false` only for plain-HTTP development on other hosts. */
  secure?: boolean;
  /** Cookie `HttpOnly`. Default `true`: page scripts cannot read the session cookie. */
  httpOnly?: boolean;
  /** Cookie `Partitioned` (CHIPS). Default `false`. */
  partitioned?: boolean;
  /** Absolute lifetime from creation (or regeneration), enforced by the server. Default 14 days (1209600). */
  maxAge?: number;
  /**
   * Send `Max-Age` so the cookie outlives the browser session. Default `true`. One session can
   * choose otherwise with `session.setLifetime({ persistent, maxAge })` ("remember me").
   */
  persistent?: boolean;
  /** Idle timeout from the last recorded activity, enforced by the server. Default 1 day (86400); `false` turns it off. */
  idleTimeout?: number | false;
  /**
   * How often the idle timeout may slide for a session nobody changed, so a busy session does not
   * rewrite its cookie or store record on every request. Default one tenth of `idleTimeout`.
   */
  touchInterval?: number;
  /** Clock leeway for cookies dated in the future (clock skew between servers). Default 60. */
  clockLeeway?: number;
  /** Cookie mode codec: `"sealed"` (AES-256-GCM, default), `"signed"` (HMAC-SHA256) or a codec object (`Codec` or `AsyncCodec`). */
  codec?: 'sealed' | 'signed' | Codec | AsyncCodec;
  /**
   * Cookie mode: how many recently verified cookie values to remember, so a browser that sends the
   * same cookie again skips the decryption or HMAC (expiry and revocation are still checked on
   * every request). Bounded: at most this many entries, oldest out first. Default 1000; `0` turns
   * it off.
   */
  cookieCache?: number;
  /**
   * Cookie mode: let a session too large for one 4096-byte cookie travel in several, `<name>.0`,
   * `<name>.1`, ... (each within the browser's limit, prefixes such as `__Host-` on every one),
   * authenticated together as one value. Up to `maxBytes` in all (default 7680: with the app's other
   * cookies the `Cookie` header stays under the 8 KB per header line that nginx and many proxies
   * accept by default; servers answer 431 beyond their limit); a larger session still throws
   * `CookieTooLargeError`. A session that fits one cookie is written as the plain `<name>`. Default
   * `false`: one cookie, and a clear error past 4096 bytes.
   *
   * @example
   * ```ts
   * createSessions({ secret: process.env.SESSION_SECRET, chunked: true })
   * createSessions({ secret: process.env.SESSION_SECRET, chunked: { maxBytes: 12_000 } })
   * ```
   */
  chunked?: boolean | { maxBytes?: number };
  /** A server-side store: switches to server mode, where the cookie holds only a random token. */
  store?: SessionStore;
  /**
   * Cookie mode: where logged-out sessions are remembered until their cookies would have expired
   * anyway, so a copy of a cookie taken before the logout is refused. Only sessions that held a
   * user (`session.userId`) are recorded. Default `memoryRevocations()`: this process only,
   * forgotten on restart (production warns at start-up). `sqliteRevocations(db)` from
   * `hallpass/sqlite` keeps them in a file (survives restarts, shared by the host's processes).
   *
   * @example
   * ```ts
   * import Database from 'better-sqlite3'
   * import { sqliteRevocations } from 'hallpass/sqlite'
   * createSessions({ secret: process.env.SESSION_SECRET, revocations: sqliteRevocations(new Database('revocations.db')) })
   * ```
   */
  revocations?: Revocations;
  /**
   * Cookie mode: keep revocations in this shared store (Redis, PostgreSQL, SQLite), so every
   * instance refuses a logged-out cookie. The store must declare `evicts: false`; for Redis, set
   * `maxmemory-policy noeviction`. A request whose cookie holds a user makes one store call.
   */
  revocationStore?: SessionStore;
  /** Milliseconds a store call may take before it fails with `ERR_STORE_TIMEOUT`. Default 500. */
  storeTimeout?: number;
  /** Receives `invalid`, `created`, `regenerated`, `destroyed`, `resealed`, `conflict` and `store-error` events. */
  onEvent?: (event: SessionEvent) => void;
  /** The clock, in milliseconds. Default `Date.now`; tests pass a frozen one. */
  now?: () => number;
}

/** Options after validation, with every default filled in. */
export interface ResolvedOptions {
  name: string;
  cookie: CookieAttributes;
  maxAge: number;
  persistent: boolean;
  idleTimeout: number | false;
  touchInterval: number;
  clockLeeway: number;
  codec?: Codec | AsyncCodec;
  /** Chunked cookies and their cap, or `false` (one cookie). */
  chunked: false | { maxBytes: number };
  cookieCache: number;
  store?: SessionStore;
  /** Cookie mode only. */
  revocations?: Revocations;
  storeTimeout: number;
  onEvent?: (event: SessionEvent) => void;
  now: () => number;
}

export const DEFAULT_MAX_AGE = 14 * 24 * 3600;
export const DEFAULT_IDLE_TIMEOUT = 24 * 3600;
export const DEFAULT_CHUNKED_MAX_BYTES = 7680;

function positive(option: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new ConfigError('ERR_LIFETIME', `\`${option}\` must be a positive number of seconds, got ${String(value)}.`);
  }
  return value;
}

function flag(option: string, value: unknown, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  // A string such as "false" from the environment would otherwise read as true.
  if (typeof value !== 'boolean') throw new ConfigError('ERR_OPTION', `\`${option}\` must be true or false, got ${JSON.stringify(value)}.`);
  return value;
}

/** Browsers match the `__Host-` and `__Secure-` prefixes case-insensitively, so the rules must too. */
function hasPrefix(name: string, prefix: string): boolean {
  return name.slice(0, prefix.length).toLowerCase() === prefix.toLowerCase();
}

/** Validates every option once, at start-up, and fills in defaults. Throws `ConfigError`. */
export function resolveOptions(options: SessionOptions): ResolvedOptions {
  if (options === null || typeof options !== 'object') {
    throw new ConfigError('ERR_OPTION', 'createSessions(options) needs an options object, e.g. { secret: process.env.SESSION_SECRET }.');
  }
  const name = checkCookieName(options.name ?? 'sid');
  const path = options.path ?? '/';
  if (typeof path !== 'string' || !path.startsWith('/')) {
    throw new ConfigError('ERR_COOKIE_ATTRIBUTE', `\`path\` must start with "/", got ${JSON.stringify(path)}.`);
  }
  checkAttributeValue('path', path);
  if (options.domain !== undefined) checkAttributeValue('domain', options.domain);
  const sameSite = typeof options.sameSite === 'string' ? options.sameSite.toLowerCase() : (options.sameSite ?? 'lax');
  if (sameSite !== 'lax' && sameSite !== 'strict' && sameSite !== 'none') {
    throw new ConfigError('ERR_OPTION', `\`sameSite\` must be "lax", "strict" or "none", got ${JSON.stringify(options.sameSite)}.`);
  }
  const secure = flag('secure', options.secure, true);
  if (sameSite === 'none' && !secure) {
    throw new ConfigError(
      'ERR_SAMESITE_NONE_INSECURE',
      'Browsers refuse `sameSite: "none"` without `secure: true`. Set `secure: true` (and serve over HTTPS) or use `sameSite: "lax"`.',
    );
  }
  if (hasPrefix(name, '__Host-') && (!secure || options.domain !== undefined || path !== '/')) {
    throw new ConfigError(
      'ERR_HOST_PREFIX',
      'A `__Host-` cookie must have `secure: true`, `path: "/"` and no `domain`. Remove `domain` and `path`, or rename the cookie.',
    );
  }
  if (hasPrefix(name, '__Secure-') && !secure) {
    throw new ConfigError('ERR_SECURE_PREFIX', 'A `__Secure-` cookie must have `secure: true`. Set `secure: true`, or rename the cookie.');
  }
  const maxAge = positive('maxAge', options.maxAge, DEFAULT_MAX_AGE);
  const idleTimeout = options.idleTimeout === false ? false : positive('idleTimeout', options.idleTimeout, DEFAULT_IDLE_TIMEOUT);
  const touchInterval =
    options.touchInterval === undefined ? (idleTimeout === false ? 0 : Math.ceil(idleTimeout / 10)) : options.touchInterval;
  if (typeof touchInterval !== 'number' || !(touchInterval >= 0) || (idleTimeout !== false && touchInterval >= idleTimeout)) {
    throw new ConfigError(
      'ERR_LIFETIME',
      `\`touchInterval\` must be at least 0 and shorter than \`idleTimeout\`, got ${String(options.touchInterval)}.`,
    );
  }
  const clockLeeway = options.clockLeeway ?? 60;
  // A large leeway lets a cookie dated far ahead outlive its lifetime: keep skew allowances small.
  if (typeof clockLeeway !== 'number' || !Number.isFinite(clockLeeway) || clockLeeway < 0 || clockLeeway > 300) {
    throw new ConfigError(
      'ERR_LIFETIME',
      `\`clockLeeway\` must be 0 to 300 seconds (fix the servers' clocks beyond that), got ${String(options.clockLeeway)}.`,
    );
  }
  const storeTimeout = options.storeTimeout ?? 500;
  // Timers clamp anything past 2^31-1 ms to 1 ms, which would fail every store call at once.
  if (typeof storeTimeout !== 'number' || !(storeTimeout > 0) || storeTimeout > 2 ** 31 - 1) {
    throw new ConfigError('ERR_OPTION', `\`storeTimeout\` must be a positive number of milliseconds, got ${String(storeTimeout)}.`);
  }
  const cookieCache = options.cookieCache ?? 1000;
  if (typeof cookieCache !== 'number' || !Number.isSafeInteger(cookieCache) || cookieCache < 0 || cookieCache > 1_000_000) {
    throw new ConfigError(
      'ERR_OPTION',
      `\`cookieCache\` must be a whole number of entries from 0 (off) to 1000000, got ${String(options.cookieCache)}.`,
    );
  }
  for (const hook of ['now', 'onEvent'] as const) {
    if (options[hook] !== undefined && typeof options[hook] !== 'function') {
      throw new ConfigError('ERR_OPTION', `\`${hook}\` must be a function, got ${typeof options[hook]}.`);
    }
  }
  if (options.store !== undefined) checkStore('store', options.store, STORE_METHODS);
  if (options.revocationStore !== undefined) checkStore('revocationStore', options.revocationStore, ['get', 'set', 'destroy']);
  if (options.revocations !== undefined && options.revocationStore !== undefined) {
    throw new ConfigError(
      'ERR_OPTION',
      'Give `revocations` or `revocationStore`, not both: `revocationStore: store` is short for revocations kept in that store.',
    );
  }
  if (options.store !== undefined && (options.revocations !== undefined || options.revocationStore !== undefined)) {
    throw new ConfigError(
      'ERR_OPTION',
      '`revocations` and `revocationStore` are for cookie mode; with a `store`, a logout deletes the record itself. Remove them.',
    );
  }
  const chunked = resolveChunked(options.chunked);
  if (chunked && options.store !== undefined) {
    throw new ConfigError(
      'ERR_OPTION',
      '`chunked` is for cookie mode; with a `store` the cookie holds only a 43-character token. Remove `chunked`.',
    );
  }
  const onEvent = guardEvents(options.onEvent);

  let codec: Codec | AsyncCodec | undefined;
  if (options.store === undefined) {
    if (options.codec !== undefined && typeof options.codec === 'object') {
      codec = options.codec;
      // hallpass's codecs authenticate the cookie name: one built for another name would bind every cookie to that name instead.
      const bound = builtInCodecs.get(codec);
      if (bound !== undefined && bound !== name) {
        throw new ConfigError(
          'ERR_OPTION',
          `\`codec\` is bound to the cookie name ${JSON.stringify(bound)} but \`name\` is ${JSON.stringify(name)}: build the codec with the same name, e.g. { name: ${JSON.stringify(name)}, codec: ${codec.kind}Codec(..., { name: ${JSON.stringify(name)} }) }.`,
        );
      }
    } else {
      const secrets = checkSecrets('secret', options.secret);
      if (options.codec === undefined || options.codec === 'sealed') codec = sealedCodec(secrets, { name, onEvent });
      else if (options.codec === 'signed') codec = signedCodec(secrets, { name });
      else
        throw new ConfigError(
          'ERR_OPTION',
          `\`codec\` must be "sealed", "signed" or a codec object, got ${JSON.stringify(options.codec)}.`,
        );
    }
  } else if (options.secret !== undefined) {
    checkSecrets('secret', options.secret);
  }

  return {
    name,
    cookie: {
      path,
      domain: options.domain,
      sameSite,
      secure,
      httpOnly: flag('httpOnly', options.httpOnly, true),
      partitioned: flag('partitioned', options.partitioned, false),
    },
    maxAge,
    persistent: flag('persistent', options.persistent, true),
    idleTimeout,
    touchInterval,
    clockLeeway,
    codec,
    chunked,
    cookieCache,
    store: options.store,
    revocations:
      options.store !== undefined
        ? undefined
        : options.revocations !== undefined
          ? checkRevocations(options.revocations)
          : options.revocationStore !== undefined
            ? storeRevocations(options.revocationStore, { timeoutMs: storeTimeout, onEvent })
            : memoryRevocations({ onEvent }),
    storeTimeout,
    onEvent,
    now: options.now ?? Date.now,
  };
}

function resolveChunked(chunked: SessionOptions['chunked']): ResolvedOptions['chunked'] {
  if (chunked === undefined || chunked === false) return false;
  if (chunked === true) return { maxBytes: DEFAULT_CHUNKED_MAX_BYTES };
  if (chunked === null || typeof chunked !== 'object') {
    throw new ConfigError('ERR_OPTION', `\`chunked\` must be true, false or { maxBytes }, got ${JSON.stringify(chunked)}.`);
  }
  const maxBytes = chunked.maxBytes ?? DEFAULT_CHUNKED_MAX_BYTES;
  // Below one cookie chunking would only refuse what a single cookie holds; far above it no server accepts the header.
  if (typeof maxBytes !== 'number' || !Number.isSafeInteger(maxBytes) || maxBytes < 4096 || maxBytes > 65536) {
    throw new ConfigError(
      'ERR_OPTION',
      `\`chunked.maxBytes\` must be a whole number of bytes from 4096 to 65536 (and within what every server in front of the app accepts in a request header), got ${String(chunked.maxBytes)}.`,
    );
  }
  return { maxBytes };
}

/**
 * Events are for logs and metrics: a hook that throws must not turn a refused cookie into a 500,
 * so its error is reported and the request goes on.
 */
function guardEvents(onEvent: SessionOptions['onEvent']): ResolvedOptions['onEvent'] {
  if (!onEvent) return undefined;
  return (event) => {
    try {
      onEvent(event);
    } catch (error) {
      console.error('hallpass: the onEvent hook threw', error);
    }
  };
}

const STORE_METHODS = ['get', 'set', 'destroy', 'touch', 'patch'] as const;

function checkStore(option: string, store: unknown, methods: readonly (keyof SessionStore)[]): void {
  const candidate = store as Partial<SessionStore> | null;
  const missing = candidate ? methods.filter((method) => typeof candidate[method] !== 'function') : methods;
  if (missing.length > 0) {
    throw new ConfigError(
      'ERR_OPTION',
      `\`${option}\` must implement ${methods.join(', ')} (see the SessionStore contract in docs/stores.md); it has no ${missing.join(', ')}.${methods.includes('patch') ? ' touch and patch must never create a record, so that a request that loaded before a logout cannot bring the session back.' : ''}`,
    );
  }
}
