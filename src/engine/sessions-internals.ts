/**
 * The adapters' synchronous load and commit: the same as `Sessions.load`/`commit` without a promise
 * when no store is involved (cookie mode with in-memory revocations). `createSessions` keeps them
 * under a symbol that only hallpass's modules can name, so the published `Sessions` type shows only
 * the documented API. Not a package entry point.
 */

import type { SessionData } from '../core/types.js';
import type { CommitResult } from './commit-result.js';
import { type CookieSource, cookieHeaderOf } from './cookie-source.js';
import type { Session } from './session.js';
import type { Sessions } from './sessions.js';

export const SYNC = Symbol('hallpass.sessions.sync');

/** What `createSessions` keeps under `SYNC`. */
export interface SyncSessions<T extends SessionData> {
  load(cookieHeader: CookieSource): Session<T> | Promise<Session<T>>;
  commit(session: Session<T>): CommitResult | Promise<CommitResult>;
}

/** A `Sessions` as `createSessions` makes it. */
export type SessionsWithSync<T extends SessionData> = Sessions<T> & { readonly [SYNC]: SyncSessions<T> };

/**
 * The request's session, at once when no store is involved. An object not made by `createSessions`
 * (a hand-written `Sessions`) is served through its public `load`.
 */
export function loadNow<T extends SessionData>(sessions: Sessions<T>, cookieHeader: CookieSource): Session<T> | Promise<Session<T>> {
  const sync = (sessions as Partial<SessionsWithSync<T>>)[SYNC];
  return sync ? sync.load(cookieHeader) : sessions.load(cookieHeaderOf(cookieHeader));
}

/**
 * True when `commitNow` may answer without a promise: only `createSessions` objects ever do (a
 * hand-written `Sessions` commits through its public, promise-returning `commit`).
 */
export function mayCommitAtOnce<T extends SessionData>(sessions: Sessions<T>): boolean {
  return SYNC in sessions;
}

/** Commits `session`, at once when no store is involved. */
export function commitNow<T extends SessionData>(sessions: Sessions<T>, session: Session<T>): CommitResult | Promise<CommitResult> {
  const sync = (sessions as Partial<SessionsWithSync<T>>)[SYNC];
  return sync ? sync.commit(session) : sessions.commit(session);
}
