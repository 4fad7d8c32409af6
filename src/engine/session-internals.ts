/**
 * The commit step's access to a `Session`: its state and the hooks adapters arrange the commit
 * with. Kept out of the class so the published `Session` type shows only the documented API; the
 * fields stay `#private` and are reached through what the class granted (see session-access.ts).
 * Not a package entry point: only hallpass's own modules import this.
 */

import type { SessionData } from '../core/types.js';
import { Session } from './session.js';
import { sessionAccess } from './session-access.js';
import type { SessionBackend, SessionState } from './session-state.js';

// Evaluated before this module (it is imported for its value), session.js has granted access by now.
const access = sessionAccess(Session);

/**
 * A session of any data shape, for code that serves every shape: `Session<T>` converts to and from
 * it, where it would not to `Session<SessionData>` (`set` takes `T[K]`, so `Session` is invariant in
 * `T`). Never in a published type.
 */
export type AnySession = Session<any>;

/**
 * A new session. `state` when it is known now; otherwise `backend.load(source)` supplies it on the
 * session's first use (lazy decode).
 */
export const newSession: <T extends SessionData = SessionData>(
  backend: SessionBackend,
  state?: SessionState,
  source?: unknown,
) => Session<T> = access.create;

/** The loaded state; decodes the cookie on first use. */
export const stateOf: (session: AnySession) => SessionState = access.state;

/** True once the app has touched the session in any way. */
export const isLoaded: (session: AnySession) => boolean = access.loaded;

/**
 * Runs `callback` when the session is first used (at once when it already is). Adapters arrange
 * the response's commit here, so a request that never touches its session pays nothing for it.
 */
export const whenUsed: (session: AnySession, callback: () => void) => void = access.whenUsed;

/**
 * Called by the commit step: from now on a change could not reach the response, so it throws
 * instead of being lost silently.
 */
export const markCommitted: (session: AnySession) => void = access.markCommitted;

/** True once the commit step ran. */
export const isCommitted: (session: AnySession) => boolean = access.committed;

/** True when something must be written at commit (ignoring the idle-timeout slide). */
export function isDirty(session: AnySession): boolean {
  const state = access.state(session);
  return state.changed.size > 0 || state.clearedAll || state.userChanged || state.lifetimeChanged || state.regenerate !== undefined;
}
