/** A JSON value: what a session may hold. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/**
 * Any session's data, whatever the app declared: string keys, JSON values. What a cookie carries
 * and a store record keeps, so a custom store never has to know the app's `SessionData`.
 *
 * @example
 * const record: StoreRecord = { data: JSON.parse(row.data) as AnySessionData, createdAt, lastSeenAt };
 */
export type AnySessionData = { [key: string]: Json };

/**
 * The shape of session data: string keys, JSON values. It is the default shape of every session
 * (`Session`, `Sessions`, `getSession(req)` in each adapter), so an app types its sessions once by
 * declaring its keys here (module augmentation, as with express-session); a key it leaves out still
 * holds any JSON value. An explicit shape (`createSessions<Data>`, `getSession<Data>(req)`) remains
 * the alternative; in an app that declared keys, it includes them.
 *
 * @example
 * declare module 'hallpass' {
 *   interface SessionData {
 *     userName: string;
 *     cart: string[];
 *   }
 * }
 * getSession(req).get('cart'); // string[] | undefined
 * getSession(req).set('cart', 1); // type error
 */
export interface SessionData {
  [key: string]: Json;
}

/**
 * What travels in a cookie (cookie mode) or sits in a store record (server mode).
 * Times are whole Unix seconds.
 */
export interface Envelope {
  /** Inner session ID (cookie mode); absent for formats that have none, such as Starlette's. */
  id?: string;
  /** When the session was created (or last regenerated). */
  createdAt: number;
  /** When the session was last written or slid. */
  lastSeenAt: number;
  /** The user the session belongs to, once the app sets `session.userId`. */
  userId?: string;
  /** This session's own lifetime, when the app chose one (`session.setLifetime`); else the configured one. */
  lifetime?: SessionLifetime;
  data: AnySessionData;
}

/**
 * How long one session lasts: a persistent cookie (`Max-Age`) or a browser-session cookie (none),
 * and the absolute lifetime in seconds the server enforces either way.
 */
export interface SessionLifetime {
  persistent: boolean;
  maxAge: number;
}

/** Why a cookie or token was refused. Every refusal yields an empty session and an `invalid` event. */
export type InvalidReason =
  | 'malformed'
  | 'oversized'
  | 'tampered'
  | 'unknown-key'
  | 'expired'
  | 'idle'
  | 'future'
  | 'revoked'
  | 'unknown'
  /** More distinct values of the session cookie than a request may offer: the rest were ignored. */
  | 'duplicate'
  | 'unsupported-version';

export type OpenResult =
  | { ok: true; envelope: Envelope /** verified with an older key: re-seal on the next write */; stale: boolean }
  | { ok: false; reason: InvalidReason };

/**
 * A cookie codec turns an envelope into a cookie value and back. Both directions of this shape are
 * synchronous, so that a request can decode its cookie lazily, on first access. A codec that
 * answers with promises is an `AsyncCodec`.
 *
 * hallpass's own codecs have this shape where node:crypto is available (Node, Bun, Deno); on
 * runtimes with Web Crypto only (edge runtimes, Workers) they are `AsyncCodec`s at run time, with
 * `synchronous: false`: `createSessions` handles both, and code that calls one directly there
 * should `await` what it returns.
 */
export interface Codec {
  /** A short name used in events and by `hallpass inspect`. */
  readonly kind: string;
  /** `false` when `encode` and `decode` answer with promises (see `AsyncCodec`). Default `true`. */
  readonly synchronous?: boolean;
  encode(envelope: Envelope): string;
  /** Never throws: any bad input is `{ ok: false, reason }`. `now` is Unix seconds. */
  decode(value: string, now: number): OpenResult;
  /**
   * Set when the format itself enforces an absolute lifetime (Starlette's signed timestamp), so
   * the core leaves that check to the codec.
   */
  readonly checksOwnExpiry?: boolean;
  /**
   * Set when the format keeps `envelope.lifetime` (hallpass's own codecs do). Without it,
   * `session.setLifetime` throws in cookie mode rather than hold the choice for one response only.
   */
  readonly carriesLifetime?: boolean;
}

/**
 * A codec whose directions answer with promises (Web Crypto's are all asynchronous). The cookie is
 * then decoded while the adapter loads the session, and the commit awaits the encoding.
 *
 * @example
 * ```ts
 * const codec: AsyncCodec = {
 *   kind: 'kms',
 *   synchronous: false,
 *   encode: async (envelope) => kms.encrypt(JSON.stringify(envelope)),
 *   decode: async (value) => openWithKms(value), // never rejects on bad input: { ok: false, reason }
 * }
 * createSessions({ codec })
 * ```
 */
export interface AsyncCodec {
  readonly kind: string;
  readonly synchronous: false;
  encode(envelope: Envelope): Promise<string>;
  /** Never rejects for bad input: it resolves `{ ok: false, reason }`. `now` is Unix seconds. */
  decode(value: string, now: number): Promise<OpenResult>;
  readonly checksOwnExpiry?: boolean;
  /** As `Codec.carriesLifetime`: set when the format keeps `envelope.lifetime`. */
  readonly carriesLifetime?: boolean;
}

/** A record as a store keeps it (server mode). */
export interface StoreRecord {
  data: AnySessionData;
  createdAt: number;
  lastSeenAt: number;
  /** The user the session belongs to, once the app sets `session.userId`. */
  userId?: string;
}

/** The keys a request changed: a store applies only these, so concurrent requests lose nothing. */
export interface StorePatch {
  /** Keys to write. With `replace`, the whole new data (the app cleared the session first). */
  set: AnySessionData;
  /** When true, `set` replaces the stored data instead of merging into it. */
  replace?: boolean;
  unset: string[];
  lastSeenAt: number;
  /** `undefined`: unchanged; `null`: remove the user link; a string: link to that user. */
  userId?: string | null;
}

/** One entry of `listByUser`. */
export interface UserSession {
  /** The store key (a hash of the token, never the token itself). */
  id: string;
  createdAt: number;
  lastSeenAt: number;
}

/**
 * The server-side store contract. `get`, `set`, `destroy`, `touch` and `patch` are required: the
 * writes that follow a load (`touch`, `patch`) never create a record, so a request that loaded
 * before a logout cannot bring the session back, and `createSessions` refuses a store without
 * them. The per-user index and `compareAndSet` are optional. TTLs are in seconds.
 */
export interface SessionStore {
  get(key: string): Promise<StoreRecord | null | undefined>;
  set(key: string, record: StoreRecord, ttlSeconds: number): Promise<void>;
  /** Deletes the record; resolves `true` when a live record was deleted, `false` when there was none. */
  destroy(key: string): Promise<boolean>;
  /** Slides the expiry without rewriting data; resolves `false` (creating nothing) when the record no longer exists. */
  touch(key: string, lastSeenAt: number, ttlSeconds: number): Promise<boolean>;
  /** Applies changed keys atomically; resolves `false` when the record no longer exists (nothing is created). */
  patch(key: string, patch: StorePatch, ttlSeconds: number): Promise<boolean>;
  /**
   * Compare-and-set: applies `patch` only if the record exists and its data key `field` holds
   * exactly the string `expected`, atomically; resolves whether it applied. JWT refresh rotation
   * needs it, so that of two refreshes with one token exactly one wins.
   */
  compareAndSet?(key: string, field: string, expected: string, patch: StorePatch, ttlSeconds: number): Promise<boolean>;
  /**
   * `true` when the store may drop a record before its TTL to make room (an LRU, Memcached, Redis
   * with an evicting `maxmemory-policy`); `false` when it keeps every record until its TTL.
   * Revocations (cookie-mode logouts, JWT revocation) are refused on a store that does not declare
   * `evicts: false`: an evicted revocation brings a logged-out cookie back.
   */
  readonly evicts?: boolean;
  listByUser?(userId: string): Promise<UserSession[]>;
  /** Destroys every session of the user except the listed keys; resolves how many were destroyed. */
  destroyByUser?(userId: string, exceptKeys?: readonly string[]): Promise<number>;
}

/** Events a `createSessions({ onEvent })` hook receives. None carries a cookie value or token. */
export type SessionEvent =
  | { type: 'invalid'; reason: InvalidReason; codec: string }
  | { type: 'created'; id: string }
  | { type: 'regenerated'; id: string; previousId: string }
  | { type: 'destroyed'; id: string }
  | { type: 'resealed'; id: string }
  | { type: 'conflict'; id: string; detail: string }
  /**
   * The in-memory revocation list was full and dropped its oldest entries: `scope: "user"` when one
   * user's own entries were past their share, `"all"` when the whole list was. A dropped entry's
   * cookie could be accepted again until it expires.
   */
  | { type: 'revocation-overflow'; scope: 'user' | 'all'; dropped: number; userId?: string }
  /** A response that sets the session cookie had a `Cache-Control` that let a shared cache keep it (`public`, `max-age`, ...); hallpass made it `private, no-store`. */
  | { type: 'cache-control-replaced'; previous: string }
  /** A sealing key has sealed enough cookies that it is time to rotate it (see docs/security.md). */
  | { type: 'key-rotation-due'; keyId: string; seals: number }
  | { type: 'store-error'; operation: string; error: Error };

/** One ended session, as a revocation list records it. */
export interface RevokedSession {
  /** The inner session ID the cookie carries. */
  id: string;
  /** The user the session belonged to: entries compete for room with the same user's entries first. */
  userId: string;
  /** Unix seconds after which no cookie of this session could be accepted anyway (absolute or idle deadline). */
  until: number;
}

/**
 * Where cookie mode remembers logged-out sessions, so that a copy of a cookie taken before the
 * logout is refused. Only sessions that held a user (`session.userId`) are recorded: a guest's
 * cookie grants nothing, so nothing a guest does can fill the list.
 *
 * hallpass ships three: `memoryRevocations` (the default: this process only, bounded, forgotten on
 * restart), `sqliteRevocations` from `hallpass/sqlite` (a file: survives restarts, shared by the
 * processes of one host) and `revocationStore` (any store that does not evict, shared by every
 * instance). Implement this interface to keep them elsewhere.
 */
export interface Revocations {
  /** `true` when a revocation survives a restart of this process and is seen by the app's other processes. */
  readonly durable: boolean;
  /** `true` when `isRevoked` answers without a promise: the cookie can then be decoded lazily, on first use. */
  readonly synchronous: boolean;
  /** Whether the session `id` was revoked and may still be presented. `now` is Unix seconds. */
  isRevoked(id: string, now: number): boolean | Promise<boolean>;
  /** Records a revocation until `entry.until`. `now` is Unix seconds. */
  revoke(entry: RevokedSession, now: number): void | Promise<void>;
}
