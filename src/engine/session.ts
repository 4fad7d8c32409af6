import { HallpassError, SessionValueError } from '../core/errors.js';
import { assertJsonValue, emptyData } from '../core/json-value.js';
import type { Json, SessionData, SessionLifetime } from '../core/types.js';
import { DEFAULT_LIFETIME, type LifetimeChoice, resolveLifetime, STORED_LIFETIME_KEY } from './lifetime.js';
import { grantSessionAccess } from './session-access.js';
import type { SessionBackend, SessionState } from './session-state.js';

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

  // Private: sessions are made by hallpass (`newSession` in session-internals.ts), never by apps.
  private constructor(backend: SessionBackend, state?: SessionState, source?: unknown) {
    this.#backend = backend;
    this.#state = state;
    this.#source = source;
  }

  static {
    // The commit step's hooks, handed to session-internals.ts rather than made members, so the
    // published type shows only the documented API. Plain functions: nothing is allocated per call.
    grantSessionAccess(Session, {
      create: (backend, state, source) => new Session(backend, state, source),
      state: (session) => session.#load(),
      loaded: (session) => session.#state !== undefined,
      whenUsed: (session, callback) => {
        if (session.#state !== undefined) callback();
        else session.#onFirstUse = callback;
      },
      markCommitted: (session) => {
        session.#committed = true;
      },
      committed: (session) => session.#committed,
    });
  }

  /** The loaded state; decodes the cookie on first use. */
  #load(): SessionState {
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

  #change(): SessionState {
    // Loaded first: an adapter that finds the response already sent at the session's first use
    // marks it committed there, and this change must then throw like any other late one.
    this.#load();
    if (this.#committed) {
      throw new HallpassError(
        'ERR_SESSION_STATE',
        'The response has already started, so this session change could not be saved. Change the session before writing the response.',
      );
    }
    return this.#use();
  }

  #use(): SessionState {
    const state = this.#load();
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
    if (key === STORED_LIFETIME_KEY) {
      throw new SessionValueError(
        'ERR_SESSION_VALUE',
        `"${STORED_LIFETIME_KEY}" is where hallpass keeps session.setLifetime's choice; pick another key.`,
      );
    }
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
   * Removes every key, the user link and the lifetime choice (the usual logout): whoever uses the
   * browser next starts with the configured lifetime. An emptied session that had a cookie gets it
   * expired (and, in cookie mode, revoked).
   */
  clear(): void {
    const state = this.#change();
    // Every key it held counts as deleted: server mode can then remove exactly those and leave
    // alone what it never saw (a lifetime another request chose meanwhile).
    for (const key in state.data) state.changed.add(key);
    state.data = emptyData();
    state.clearedAll = true;
    if (state.userId !== undefined) {
      state.userId = undefined;
      state.userChanged = true;
    }
    if (state.lifetime !== undefined) {
      state.lifetime = undefined;
      state.lifetimeChanged = true;
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
   * copy of the old cookie is refused. Call it on login and on any privilege change. Data (and the
   * `setLifetime` choice) is kept unless `keepData: false`, which clears both, as `clear()` does.
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

  /**
   * This session's lifetime: whether its cookie is persistent (`Max-Age`) or a browser-session
   * cookie, and the absolute lifetime in seconds the server enforces. The configured `persistent`
   * and `maxAge` until `setLifetime` chooses otherwise.
   */
  get lifetime(): SessionLifetime {
    const state = this.#use();
    return { ...(state.lifetime ?? this.#backend.lifetime ?? DEFAULT_LIFETIME) };
  }

  /**
   * Chooses this session's lifetime, typically at login ("remember me"). The choice is kept with the
   * session (inside the sealed cookie, or in the store record), survives later requests,
   * `regenerate()` and key rotation, and sets the store TTL. Either way the server enforces the
   * absolute lifetime from creation (or regeneration), and the idle timeout still applies.
   * Throws `SessionValueError` for a `maxAge` outside 1 second to 400 days, and `ERR_SESSION_STATE`
   * in cookie mode when the codec cannot carry the choice (Starlette's, or an app's codec without
   * `carriesLifetime`).
   *
   * @example
   * ```ts
   * session.regenerate()
   * session.set('user_id', user.id)
   * if (form.get('remember') === '1') session.setLifetime({ maxAge: 30 * 86400 }) // a persistent cookie, 30 days
   * else session.setLifetime({ persistent: false }) // no Max-Age: gone with the browser, and at most 12 h on the server
   * ```
   */
  setLifetime(choice: LifetimeChoice): void {
    const refused = this.#backend.lifetimeRefused;
    if (refused !== undefined) throw new HallpassError('ERR_SESSION_STATE', refused);
    const lifetime = resolveLifetime(choice, this.#backend.lifetime ?? DEFAULT_LIFETIME);
    const state = this.#change();
    if (state.lifetime?.persistent === lifetime.persistent && state.lifetime.maxAge === lifetime.maxAge) return;
    state.lifetime = lifetime;
    state.lifetimeChanged = true;
  }

  /** Ends the session at commit: the record is deleted (or the cookie ID revoked) and the cookie expired. */
  destroy(): void {
    const state = this.#change();
    state.destroyed = true;
  }
}
