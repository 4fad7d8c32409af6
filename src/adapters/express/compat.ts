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
  // Cast: the Proxy answers both the Session's members and the data keys ExpressSession declares.
  const view = new Proxy(raw, new SessionView(raw, owner, now)) as ExpressSession<T>;
  VIEWS.add(view);
  return view;
}

/**
 * The Proxy handler behind one `req.session`. A Proxy calls its traps with the handler as `this`,
 * so the traps live once on this class and each request makes one small object: the view's state.
 * (Trap closures per request, as an object literal of them, cost more than the rest of the view.)
 * Only trap names the Proxy looks up are methods here; the helpers are module functions.
 */
class SessionView implements ProxyHandler<AnySession> {
  /**
   * After a callback-style regenerate, the old object answers with the data it had, as
   * express-session's old Session object does (Passport's `keepSessionInfo` merges from it).
   */
  snapshot: AnySessionData | undefined = undefined;
  // Made on first need: most requests read a key or two and never reach a method or a nested object.
  bound: Map<PropertyKey, unknown> | undefined = undefined;
  wrappers: WeakMap<object, object> | undefined = undefined;
  cookie: ExpressSessionCookie | undefined = undefined;
  methods: Record<string, unknown> | undefined = undefined;

  constructor(
    readonly session: AnySession,
    readonly owner: { session?: unknown },
    readonly now: () => number,
  ) {}

  get(target: AnySession, prop: PropertyKey): unknown {
    if (typeof prop === 'string' && COMPAT_MEMBERS.has(prop)) return member(this, prop);
    if (!isDataKey(target, prop)) {
      const value = Reflect.get(target, prop, target);
      if (typeof value !== 'function') return value;
      // Methods run on the real Session (its private fields are not reachable through a Proxy).
      this.bound ??= new Map();
      let method = this.bound.get(prop);
      if (method === undefined) this.bound.set(prop, (method = value.bind(target)));
      return method;
    }
    const value = read(this, prop as string);
    return wrap(this, prop as string, value, value);
  }

  set(target: AnySession, prop: PropertyKey, value: unknown): boolean {
    if (!isDataKey(target, prop)) {
      if (prop !== 'userId')
        throw new HallpassError(
          'ERR_SESSION_VALUE',
          `req.session.${String(prop)} is a method or property of the session; pick another key.`,
        );
      return Reflect.set(target, prop, value, target);
    }
    // express-session drops undefined values when it serialises; do the same.
    if (value === undefined) target.delete(prop as string);
    else target.set(prop as string, value as SessionData[string]);
    followPassport(target, prop as string);
    return true;
  }

  deleteProperty(target: AnySession, prop: PropertyKey): boolean {
    if (isDataKey(target, prop)) target.delete(prop as string);
    return true;
  }

  has(target: AnySession, prop: PropertyKey): boolean {
    return isDataKey(target, prop) ? keys(this).includes(prop as string) : prop in target;
  }

  ownKeys(): string[] {
    return keys(this);
  }

  getOwnPropertyDescriptor(target: AnySession, prop: PropertyKey): PropertyDescriptor | undefined {
    if (!isDataKey(target, prop)) return Reflect.getOwnPropertyDescriptor(target, prop);
    const key = prop as string;
    if (!keys(this).includes(key)) return undefined;
    const value = read(this, key);
    return { value: wrap(this, key, value, value), writable: true, enumerable: true, configurable: true };
  }
}

/** A data key, as opposed to a member of the Session or one of the express-session members. */
function isDataKey(session: AnySession, prop: PropertyKey): boolean {
  return typeof prop === 'string' && !(prop in session) && !COMPAT_MEMBERS.has(prop);
}

function ended(view: SessionView): boolean {
  return isLoaded(view.session) && stateOf(view.session).destroyed;
}

function read(view: SessionView, key: string): unknown {
  if (view.snapshot) return view.snapshot[key];
  return ended(view) ? undefined : view.session.get(key);
}

function keys(view: SessionView): string[] {
  if (view.snapshot) return Object.keys(view.snapshot);
  return ended(view) ? [] : view.session.keys();
}

/**
 * Passport keeps the logged-in user at `passport.user`. Mirrored into `userId` (unless the app set
 * one), a Passport login is one hallpass knows: its logout revokes the cookie in cookie mode, and
 * "log out everywhere" finds the session in server mode.
 */
function followPassport(session: AnySession, key: string): void {
  if (key !== 'passport' || session.userId !== undefined) return;
  const user = (session.get('passport') as { user?: unknown } | undefined)?.user;
  if ((typeof user === 'string' && user !== '') || (typeof user === 'number' && Number.isFinite(user))) session.userId = String(user);
}

function later(callback: Callback | undefined): void {
  if (typeof callback === 'function') process.nextTick(callback);
}

/** `regenerate`, `save`, `destroy` or `cookie`: the express-session members, made on first use. */
function member(view: SessionView, prop: string): unknown {
  const raw = view.session;
  if (prop === 'cookie') {
    view.cookie ??= cookieView(raw, view.now);
    return view.cookie;
  }
  view.methods ??= {
    regenerate(options?: Callback | { keepData?: boolean }) {
      if (typeof options !== 'function') return raw.regenerate(options);
      // After destroy(cb) the session is already empty and its cookie on the way out: nothing to
      // renew (Passport's logout regenerates whatever it finds, also a destroyed session).
      if (ended(view)) return later(options);
      const before = raw.toJSON() as AnySessionData;
      try {
        raw.regenerate({ keepData: false });
      } catch (error) {
        // express-session style: the error goes to the callback, not up the caller's stack.
        process.nextTick(options, error as Error);
        return;
      }
      view.snapshot = before;
      view.owner.session = expressCompat(raw, view.owner, view.now);
      later(options);
    },
    save: (callback?: Callback) => later(callback),
    destroy(callback?: Callback) {
      raw.destroy();
      later(callback);
    },
  };
  return view.methods[prop];
}

/** Nested objects come back wrapped so that a change deep inside is written back to its key. */
function wrap(view: SessionView, key: string, root: unknown, value: unknown): unknown {
  if (view.snapshot || typeof value !== 'object' || value === null) return value;
  view.wrappers ??= new WeakMap();
  let wrapper = view.wrappers.get(value);
  if (!wrapper) {
    wrapper = new Proxy(value, new NestedView(view, key, root));
    view.wrappers.set(value, wrapper);
  }
  return wrapper;
}

/** The Proxy handler of an object inside a session value: a change writes the whole value back. */
class NestedView implements ProxyHandler<object> {
  constructor(
    readonly view: SessionView,
    readonly key: string,
    readonly root: unknown,
  ) {}

  get(target: object, prop: PropertyKey, receiver: unknown): unknown {
    return wrap(this.view, this.key, this.root, Reflect.get(target, prop, receiver));
  }

  set(target: object, prop: PropertyKey, next: unknown): boolean {
    if (typeof prop === 'string') assertJsonValue(`${this.key}.${prop}`, next);
    Reflect.set(target, prop, next);
    this.view.session.set(this.key, this.root as SessionData[string]);
    followPassport(this.view.session, this.key);
    return true;
  }

  deleteProperty(target: object, prop: PropertyKey): boolean {
    Reflect.deleteProperty(target, prop);
    this.view.session.set(this.key, this.root as SessionData[string]);
    return true;
  }
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
