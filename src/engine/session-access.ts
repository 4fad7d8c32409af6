import type { SessionData } from '../core/types.js';
import type { Session } from './session.js';
import type { SessionBackend, SessionState } from './session-state.js';

/**
 * What the commit step may do to a session beyond its public API. `Session`'s static block fills
 * this in once, from inside the class (the only place its private fields can be reached), and
 * `session-internals.ts` reads it; neither module is a package entry point.
 */
export interface SessionAccess {
  create<T extends SessionData>(backend: SessionBackend, state?: SessionState, source?: unknown): Session<T>;
  state(session: Session<any>): SessionState;
  loaded(session: Session<any>): boolean;
  whenUsed(session: Session<any>, callback: () => void): void;
  markCommitted(session: Session<any>): void;
  committed(session: Session<any>): boolean;
}

let granted: { owner: object; access: SessionAccess } | undefined;

/** Called once, by `Session`'s static block. */
export function grantSessionAccess(owner: object, access: SessionAccess): void {
  granted = { owner, access };
}

/**
 * The access `owner` (the `Session` class) granted. Taking the class as an argument makes the
 * caller really use session.js, so a bundler that drops imports kept only for their side effects
 * (`"sideEffects": false`) still evaluates it, and its static block, first.
 */
export function sessionAccess(owner: object): SessionAccess {
  if (granted?.owner !== owner) throw new Error('hallpass: the Session class did not grant its internals');
  return granted.access;
}
