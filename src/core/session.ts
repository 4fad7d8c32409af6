import { HallpassError, SessionValueError } from './errors.js';
import { assertJsonValue, emptyData } from './json-value.js';
import type { Json, SessionData } from './types.js';

/** Where a session came from and what happened to it; read by the commit step, not by apps. */
export interface SessionState {
  /** Inner session ID (cookie mode) or store key (server mode). */
  id: string;
  /** Server mode: the cookie token. */
  token?: string;
  data: SessionData;
  createdAt: number;
  lastSeenAt: number;
  userId?: string;
  /** Cookie mode: the user the cookie carried when the request came in (what a logout must revoke). */
  loadedUserId?: string;
  /** True when no valid cookie or record backed this session. */
  isNew: boolean;
  /** How many cookie values the request carried for our name (to know whether one must be expired). */
  cookiesSent: number;
  /** False for formats without an inner ID (Starlette's): nothing to revoke. */
  hasInnerId?: boolean;
  /** Opened with an older key: re-seal on the next write. */
  stale: boolean;
  /** Keys set or deleted since load; `clearedAll` means every key was dropped first. */
  changed: Set<string>;
  clearedAll: boolean;
  userChanged: boolean;
  regenerate?: { previousId: string; previousToken?: string; keepData: boolean };
  destroyed: boolean;
  /** The app read or wrote the session, so the response depends on the cookie (`Vary: Cookie`). */
  accessed: boolean;
}

export function newState(id: string, now: number, cookiesSent: number, token?: string): SessionState {
  return {
    id,
    token,
    data: emptyData(),
    createdAt: now,
    lastSeenAt: now,
    isNew: true,
    cookiesSent,
    stale: false,
    changed: new Set(),
    clearedAll: false,
    userChanged: false,
    destroyed: false,
    accessed: false,
  };
}

/**
 * Supplies the state on first access (lazy decode) and the fresh identity `regenerate` needs. One
 * backend serves every session of a `createSessions`: what it needs of the request (its cookie
 * source) is the `source` each session was made with, so a request allocates no backend of its own.
 */
export interface SessionBackend {
  load(source: unknown): SessionState;
  freshIdentity(): { id: string; token?: string };
}

type Key<T> = Extract<keyof T, string>;

/**
 * A request's session: a small typed dictionary of JSON values. Changes are saved when the
 * response is sent; nothing is written when nothing changed.
 *
 * @example
 * ```ts
 * const sessions = createSessions<{ user_id: string; cart: string[] }>({ secret: process.env.SESSION_SECRET })
 * session.get('cart', [])        // string[]
 * session.set('user_id', 'alice')
 * session.regenerate()           // on login: new ID, old cookie refused from now on
 * session.destroy()              // on logout
 * ```
 */
export class Session<T extends SessionData = SessionData> {
  #backend: SessionBackend;
  #state: SessionState | undefined;
  /** What `backend.load` reads the state from; dropped once loaded. */
  #source: unknown;
  #committed = false;
  #onFirstUse: (() => void) | undefined;

  /** `state` when it is known now; otherwise `backend.load(source)` supplies it on first use. */
  constructor(backend: SessionBackend, state?: SessionState, source?: unknown) {
    this.#backend = backend;
    this.#state = state;
    this.#source = source;
  }

  /** The loaded state; decodes the cookie on first use. @internal */
  get state(): SessionState {
    if (this.#state === undefined) {
      this.#state = this.#backend.load(this.#source);
      this.#source = undefined;
      const onFirstUse = this.#onFirstUse;
      if (onFirstUse !== undefined) {
        this.#onFirstUse = undefined;
        onFirstUse();
      }
    }
    return this.#state;
  }

  /** True once the app has touched the session in any way. @internal */
  get loaded(): boolean {
    return this.#state !== undefined;
  }

  /**
   * Runs `callback` when the session is first used (at once when it already is). Adapters arrange
   * the response's commit here, so a request that never touches its session pays nothing for it.
   * @internal
   */
  whenUsed(callback: () => void): void {
    if (this.#state !== undefined) callback();
    else this.#onFirstUse = callback;
  }

  /**
   * Called by the commit step: from now on a change could not reach the response, so it throws
   * instead of being lost silently. @internal
   */
  markCommitted(): void {
    this.#committed = true;
  }

  /** True once the commit step ran. @internal */
  get committed(): boolean {
    return this.#committed;
  }

  #change(): SessionState {
    if (this.#committed) {
      throw new HallpassError(
        'ERR_SESSION_STATE',
        'The response has already started, so this session change could not be saved. Change the session before writing the response.',
      );
    }
    return this.#use();
  }

  #use(): SessionState {
    const state = this.state;
    if (state.destroyed) {
      throw new HallpassError('ERR_SESSION_STATE', 'This session was destroyed in this request; it can no longer be read or changed.');
    }
    state.accessed = true;
    return state;
  }

  /** The session's ID: the inner ID in cookie mode, a hash of the token in server mode. Never the cookie value. */
  get id(): string {
    return this.#use().id;
  }

  /** True when the request carried no valid session (a first visit, or a refused cookie). */
  get isNew(): boolean {
    return this.#use().isNew;
  }

  /** When this session was created or last regenerated (Unix seconds). */
  get createdAt(): number {
    return this.#use().createdAt;
  }

  /** The last recorded activity (Unix seconds); slides at most once per `touchInterval`. */
  get lastSeenAt(): number {
    return this.#use().lastSeenAt;
  }

  /** The user this session belongs to (server mode keeps a per-user index for "log out everywhere"). */
  get userId(): string | undefined {
    return this.#use().userId;
  }

  set userId(value: string | undefined) {
    if (value !== undefined && (typeof value !== 'string' || value.length === 0)) {
      throw new SessionValueError('ERR_SESSION_VALUE', 'session.userId must be a non-empty string or undefined.');
    }
    const state = this.#change();
    if (state.userId !== value) {
      state.userId = value;
      state.userChanged = true;
    }
  }

  /** The value at `key`, or `fallback` (default `undefined`) when the session has none. */
  get<K extends Key<T>>(key: K): T[K] | undefined;
  get<K extends Key<T>, F>(key: K, fallback: F): T[K] | F;
  get(key: string, fallback?: unknown): unknown {
    const data = this.#use().data;
    return Object.hasOwn(data, key) ? data[key] : fallback;
  }

  /**
   * Stores a JSON value. Anything else (a Date, a Map, a function, NaN, a cycle, or arrays and
   * objects nested more than 64 levels deep) throws `SessionValueError` now.
   */
  set<K extends Key<T>>(key: K, value: T[K]): void {
    if (typeof key !== 'string') throw new SessionValueError('ERR_SESSION_VALUE', 'Session keys must be strings.');
    assertJsonValue(key, value);
    const state = this.#change();
    state.data[key] = value as Json;
    state.changed.add(key);
  }

  has(key: Key<T>): boolean {
    return Object.hasOwn(this.#use().data, key);
  }

  /** Removes `key`; returns whether it was there. */
  delete(key: Key<T>): boolean {
    const state = this.#change();
    if (!Object.hasOwn(state.data, key)) return false;
    delete state.data[key];
    state.changed.add(key);
    return true;
  }

  /**
   * Removes every key and the user link (the usual logout). An emptied session that had a cookie
   * gets it expired (and, in cookie mode, revoked).
   */
  clear(): void {
    const state = this.#change();
    state.data = emptyData();
    state.changed.clear();
    state.clearedAll = true;
    if (state.userId !== undefined) {
      state.userId = undefined;
      state.userChanged = true;
    }
  }

  keys(): Key<T>[] {
    return Object.keys(this.#use().data) as Key<T>[];
  }

  /** A plain copy of the data. */
  toJSON(): Partial<T> {
    return { ...this.#use().data } as Partial<T>;
  }

  /**
   * Gives the session a new ID (server mode: a new token) at commit and retires the old one, so a
   * copy of the old cookie is refused. Call it on login and on any privilege change. Data is kept
   * unless `keepData: false`.
   */
  regenerate(options: { keepData?: boolean } = {}): void {
    const state = this.#change();
    const previous = state.regenerate ?? { previousId: state.id, previousToken: state.token, keepData: true };
    previous.keepData = options.keepData ?? true;
    state.regenerate = previous;
    const fresh = this.#backend.freshIdentity();
    state.id = fresh.id;
    state.token = fresh.token;
    if (!previous.keepData) this.clear();
  }

  /** Ends the session at commit: the record is deleted (or the cookie ID revoked) and the cookie expired. */
  destroy(): void {
    const state = this.#change();
    state.destroyed = true;
  }

  /** True when something must be written at commit (ignoring the idle-timeout slide). @internal */
  get dirty(): boolean {
    const state = this.state;
    return state.changed.size > 0 || state.clearedAll || state.userChanged || state.regenerate !== undefined;
  }
}

export function isEmpty(state: SessionState): boolean {
  for (const _ in state.data) return false;
  return state.userId === undefined;
}
