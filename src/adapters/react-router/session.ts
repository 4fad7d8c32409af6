/**
 * The session object React Router code works with: `id`, `data`, `has`, `get`, `set`, `flash` and
 * `unset` over a hallpass `Session`, so that React Router's `isSession()` accepts it and every
 * value still goes through hallpass's checks (JSON only, changes recorded for the commit).
 */
import type { Session as RouterSession } from 'react-router';
import { HallpassError } from '../../core/errors.js';
import type { Json, SessionData } from '../../core/types.js';
import type { Session } from '../../engine/session.js';

/** What the storage keeps about a session it handed out; never reachable from the session object. */
export interface Link {
  inner: Session<SessionData>;
  /** The storage that made the session: another storage's session is refused. */
  owner: object;
  /** The header the first commit or destroy returned; set once the session is committed. */
  header?: string;
  /** Every `Set-Cookie` value of that commit (several for a chunked session). */
  cookies?: readonly string[];
}

const LINKS = new WeakMap<object, Link>();

/** React Router keeps a flash value under this key until the next `get` of its name. */
const flashKey = (name: string) => `__flash_${name}__`;

/** The link behind `session`; throws when `owner` did not hand it out. */
export function linkOf(session: unknown, owner: object, caller: string): Link {
  const link = typeof session === 'object' && session !== null ? LINKS.get(session) : undefined;
  if (link === undefined || link.owner !== owner) {
    throw new HallpassError(
      'ERR_OPTION',
      `${caller}() was given a session that this storage's getSession() did not return (one from createCookieSessionStorage, ` +
        'createSession or another storage, say). Get the session from the same hallpassSessionStorage.',
    );
  }
  return link;
}

/** The hallpass session to change, once it is known that no commit has run yet. */
export function changeable(link: Link): Session<SessionData> {
  if (link.header !== undefined) {
    throw new HallpassError(
      'ERR_SESSION_STATE',
      'This session was already committed (commitSession or destroySession), so the change could not be saved. ' +
        'Make every change before committing, or call getSession again in the next request.',
    );
  }
  return link.inner;
}

/** A React Router session over `inner`, handed out by `owner`. */
export function routerSession<Data, FlashData>(inner: Session<SessionData>, owner: object): RouterSession<Data, FlashData> {
  const session = new HallpassRouterSession(inner);
  LINKS.set(session, { inner, owner });
  // Cast: one class serves every Data/FlashData pair; the generic interface only narrows its keys.
  return session as unknown as RouterSession<Data, FlashData>;
}

class HallpassRouterSession {
  readonly #inner: Session<SessionData>;

  constructor(inner: Session<SessionData>) {
    this.#inner = inner;
  }

  #change(): Session<SessionData> {
    return changeable(LINKS.get(this) as Link);
  }

  /** hallpass's session ID (the inner ID in cookie mode, a hash of the token in server mode), never the cookie value. */
  get id(): string {
    return this.#inner.id;
  }

  /** A copy of the data, pending flash values included under `__flash_<name>__` as React Router keeps them. */
  get data(): SessionData {
    return this.#inner.toJSON() as SessionData;
  }

  has(name: string): boolean {
    return this.#inner.has(name) || this.#inner.has(flashKey(name));
  }

  /** The value of `name`; a flash value is returned once and removed (commit to make that stick). */
  get(name: string): Json | undefined {
    if (this.#inner.has(name)) return this.#inner.get(name);
    const key = flashKey(name);
    if (!this.#inner.has(key)) return undefined;
    const value = this.#inner.get(key);
    this.#change().delete(key);
    return value;
  }

  /**
   * Stores a JSON value (anything else throws `SessionValueError`); `undefined` removes the key.
   * `set('userId', id)`, React Router's usual login, also makes `id` the hallpass session's
   * `userId` (unless one is set), so that a logout revokes copies of the cookie in cookie mode
   * and "log out everywhere" finds the session in server mode.
   */
  set(name: string, value: Json | undefined): void {
    const session = this.#change();
    if (value === undefined) {
      this.unset(name);
      return;
    }
    session.set(name, value);
    const isId = (typeof value === 'string' && value !== '') || (typeof value === 'number' && Number.isFinite(value));
    if (name === 'userId' && isId && session.userId === undefined) session.userId = String(value);
  }

  /** Stores a value that the next `get(name)` returns once. */
  flash(name: string, value: Json | undefined): void {
    if (value === undefined) this.#change().delete(flashKey(name));
    else this.#change().set(flashKey(name), value);
  }

  /** Removes `name`; `unset('userId')` also ends the user link that `set('userId', id)` made. */
  unset(name: string): void {
    const session = this.#change();
    if (name === 'userId' && session.userId !== undefined && session.userId === String(session.get(name))) session.userId = undefined;
    session.delete(name);
  }
}
