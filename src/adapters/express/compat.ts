import { HallpassError } from '../../core/errors.js';
import { assertJsonValue } from '../../core/json-value.js';
import type { AnySessionData, SessionData } from '../../core/types.js';
import type { Session } from '../../engine/session.js';
import { type AnySession, isLoaded, stateOf } from '../../engine/session-internals.js';

type Callback = (error?: Error) => void;

/**
 * `req.session` as Express middleware sees it: the hallpass `Session`, plus the callback methods
 * and plain-property access that code written for express-session (Passport first of all) uses.
 */
export type ExpressSession<T extends SessionData = SessionData> = Session<T> & {
  /**
   * express-session style: a new ID and an empty session (Passport calls it on login and logout).
   * Without a callback it is hallpass's `regenerate(options)`, which keeps the data.
   */
  regenerate(callback: Callback): void;
  /** Calls back at once: hallpass saves every session before the response leaves anyway. */
  save(callback?: Callback): void;
  /** Ends the session (as `destroy()`), then calls back. */
  destroy(callback?: Callback): void;
  /**
   * express-session's cookie lifetime, over `setLifetime`: `maxAge` (milliseconds) sets a
   * persistent cookie with that lifetime counted from the session's creation (or regeneration);
   * `maxAge = null` or `expires = false` makes a browser-session cookie. Reading gives the
   * milliseconds left (`null` for a browser-session cookie). Other cookie attributes are set once,
   * in `createSessions`.
   *
   * @example
   * ```ts
   * req.session.cookie.maxAge = req.body.remember ? 30 * 86400 * 1000 : null
   * ```
   */
  readonly cookie: ExpressSessionCookie;
};

/** `req.session.cookie`: the lifetime part of express-session's `Cookie`. */
export interface ExpressSessionCookie {
  maxAge: number | null;
  expires: Date | false | null;
  /** The lifetime in milliseconds (`null` for a browser-session cookie). */
  readonly originalMaxAge: number | null;
}

const VIEWS = new WeakSet<object>();

/** What `req.session` adds to the `Session` for express-session code. */
const COMPAT_MEMBERS: ReadonlySet<PropertyKey> = new Set(['regenerate', 'save', 'cookie', 'destroy']);

/** True when `value` is a `req.session` that `expressSession` created. */
export function isExpressSession(value: unknown): value is ExpressSession {
  return typeof value === 'object' && value !== null && VIEWS.has(value);
}

/**
 * Wraps a session for Express: methods and getters reach the `Session`; any other property reads
 * and writes a session key (`req.session.passport`), and nested objects write through, so
 * `req.session.passport.user = id` is saved like a `set`.
 */
export function expressCompat<T extends SessionData>(
  session: Session<T>,
  owner: { session?: unknown },
  /** The sessions' clock (milliseconds), so `cookie.maxAge` counts down on the same time as expiry. */
  now: () => number = Date.now,
): ExpressSession<T> {
  const raw: AnySession = session;
  // After a callback-style regenerate, the old object answers with the data it had, as
  // express-session's old Session object does (Passport's `keepSessionInfo` merges from it).
  let snapshot: AnySessionData | undefined;
  // Made on first need: most requests read a key or two and never reach a method or a nested object.
  let bound: Map<PropertyKey, unknown> | undefined;
  let wrappers: WeakMap<object, object> | undefined;
  let cookie: ExpressSessionCookie | undefined;

  const ended = () => isLoaded(raw) && stateOf(raw).destroyed;
  const read = (key: string): unknown => (snapshot ? snapshot[key] : ended() ? undefined : raw.get(key));
  const keys = (): string[] => (snapshot ? Object.keys(snapshot) : ended() ? [] : raw.keys());

  // Passport keeps the logged-in user at `passport.user`. Mirrored into `userId` (unless the app
  // set one), a Passport login is one hallpass knows: its logout revokes the cookie in cookie mode,
  // and "log out everywhere" finds the session in server mode.
  const followPassport = (key: string) => {
    if (key !== 'passport' || raw.userId !== undefined) return;
    const user = (raw.get('passport') as { user?: unknown } | undefined)?.user;
    if ((typeof user === 'string' && user !== '') || (typeof user === 'number' && Number.isFinite(user))) raw.userId = String(user);
  };

  const later = (callback: Callback | undefined) => {
    if (typeof callback === 'function') process.nextTick(callback);
  };
  // The express-session methods, made on first need: an object literal per request (with the
  // `cookie` accessor it had) cost more than the rest of the view.
  let methods: Record<string, unknown> | undefined;
  const member = (prop: string): unknown => {
    if (prop === 'cookie') {
      cookie ??= cookieView(raw, now);
      return cookie;
    }
    methods ??= {
      regenerate(options?: Callback | { keepData?: boolean }) {
        if (typeof options !== 'function') return raw.regenerate(options);
        // After destroy(cb) the session is already empty and its cookie on the way out: nothing to
        // renew (Passport's logout regenerates whatever it finds, also a destroyed session).
        if (ended()) return later(options);
        const before = raw.toJSON() as AnySessionData;
        try {
          raw.regenerate({ keepData: false });
        } catch (error) {
          // express-session style: the error goes to the callback, not up the caller's stack.
          process.nextTick(options, error as Error);
          return;
        }
        snapshot = before;
        owner.session = expressCompat(session, owner, now);
        later(options);
      },
      save: (callback?: Callback) => later(callback),
      destroy(callback?: Callback) {
        raw.destroy();
        later(callback);
      },
    };
    return methods[prop];
  };

  // Nested objects come back wrapped so that a change deep inside is written back to its key.
  const wrap = (key: string, root: unknown, value: unknown): unknown => {
    if (snapshot || typeof value !== 'object' || value === null) return value;
    wrappers ??= new WeakMap();
    let wrapper = wrappers.get(value);
    if (!wrapper) {
      wrapper = new Proxy(value, {
        get: (target, prop, receiver) => wrap(key, root, Reflect.get(target, prop, receiver)),
        set(target, prop, next) {
          if (typeof prop === 'string') assertJsonValue(`${key}.${prop}`, next);
          Reflect.set(target, prop, next);
          raw.set(key, root as SessionData[string]);
          followPassport(key);
          return true;
        },
        deleteProperty(target, prop) {
          Reflect.deleteProperty(target, prop);
          raw.set(key, root as SessionData[string]);
          return true;
        },
      });
      wrappers.set(value, wrapper);
    }
    return wrapper;
  };
  const isDataKey = (prop: PropertyKey): boolean => typeof prop === 'string' && !(prop in raw) && !COMPAT_MEMBERS.has(prop);

  const view = new Proxy(raw, {
    get(target, prop) {
      if (typeof prop === 'string' && COMPAT_MEMBERS.has(prop)) return member(prop);
      if (!isDataKey(prop)) {
        const value = Reflect.get(target, prop, target);
        if (typeof value !== 'function') return value;
        // Methods run on the real Session (its private fields are not reachable through a Proxy).
        bound ??= new Map();
        let method = bound.get(prop);
        if (method === undefined) bound.set(prop, (method = value.bind(target)));
        return method;
      }
      const value = read(prop as string);
      return wrap(prop as string, value, value);
    },
    set(target, prop, value) {
      if (!isDataKey(prop)) {
        if (prop !== 'userId')
          throw new HallpassError(
            'ERR_SESSION_VALUE',
            `req.session.${String(prop)} is a method or property of the session; pick another key.`,
          );
        return Reflect.set(target, prop, value, target);
      }
      // express-session drops undefined values when it serialises; do the same.
      if (value === undefined) raw.delete(prop as string);
      else raw.set(prop as string, value);
      followPassport(prop as string);
      return true;
    },
    deleteProperty(_target, prop) {
      if (isDataKey(prop)) raw.delete(prop as string);
      return true;
    },
    has: (target, prop) => (isDataKey(prop) ? keys().includes(prop as string) : prop in target),
    ownKeys: () => keys(),
    getOwnPropertyDescriptor(target, prop) {
      if (!isDataKey(prop)) return Reflect.getOwnPropertyDescriptor(target, prop);
      const key = prop as string;
      if (!keys().includes(key)) return undefined;
      const value = read(key);
      return { value: wrap(key, value, value), writable: true, enumerable: true, configurable: true };
    },
    // Cast: the Proxy answers both the Session's members and the data keys ExpressSession declares.
  }) as ExpressSession<T>;
  VIEWS.add(view);
  return view;
}

/** `req.session.cookie` over the session's lifetime: what express-session code reads and writes there. */
function cookieView(session: AnySession, nowMs: () => number): ExpressSessionCookie {
  const left = (): number | null => {
    const { persistent, maxAge } = session.lifetime;
    return persistent ? Math.max(0, (session.createdAt + maxAge) * 1000 - nowMs()) : null;
  };
  const setMaxAge = (ms: unknown) => {
    if (ms === null || ms === undefined || ms === false) {
      session.setLifetime({ persistent: false });
      return;
    }
    if (typeof ms !== 'number') {
      throw new HallpassError('ERR_SESSION_VALUE', `req.session.cookie.maxAge must be milliseconds or null, got ${String(ms)}.`);
    }
    session.setLifetime({ maxAge: Math.ceil(ms / 1000) });
  };
  return {
    get maxAge() {
      return left();
    },
    set maxAge(ms) {
      setMaxAge(ms);
    },
    get expires() {
      const ms = left();
      return ms === null ? null : new Date(nowMs() + ms);
    },
    set expires(date: Date | false | null) {
      if (!(date instanceof Date)) {
        if (date === null || (date as unknown) === false) {
          setMaxAge(null);
          return;
        }
      }
      if (!(date instanceof Date) || Number.isNaN(date.getTime())) {
        throw new HallpassError('ERR_SESSION_VALUE', `req.session.cookie.expires must be a Date, false or null, got ${String(date)}.`);
      }
      setMaxAge(date.getTime() - nowMs());
    },
    get originalMaxAge() {
      const { persistent, maxAge } = session.lifetime;
      return persistent ? maxAge * 1000 : null;
    },
  };
}
