import { StoreError } from '../core/errors.js';
import type { SessionData } from '../core/types.js';
import type { CookieSource } from '../engine/cookie-source.js';
import type { Session } from '../engine/session.js';
import { newSession } from '../engine/session-internals.js';
import { newState, type SessionBackend, type SessionState } from '../engine/session-state.js';
import type { Sessions } from '../engine/sessions.js';
import { commitNow, loadNow } from '../engine/sessions-internals.js';
import type { AdapterOptions } from './options.js';

/** The anonymous session is created already loaded: `load` only hands back the state it was given. */
const ANONYMOUS_BACKEND: SessionBackend = { load: (state) => state as SessionState, freshIdentity: () => ({ id: 'anonymous' }) };

/** A session with no cookie behind it that is never saved: what `onStoreError: "anonymous"` serves. */
export function anonymousSession<T extends SessionData>(): Session<T> {
  const state = newState('anonymous', Math.floor(Date.now() / 1000), 0);
  return newSession<T>(ANONYMOUS_BACKEND, state);
}

export const DETACHED = new WeakSet<object>();

/** Loads a request's session, applying the store-failure policy. Rejects only with a `StoreError` under `"fail"`. */
export function openSession<T extends SessionData>(
  sessions: Sessions<T>,
  cookieHeader: CookieSource,
  options: AdapterOptions = {},
): Session<T> | Promise<Session<T>> {
  const loaded = loadNow(sessions, cookieHeader);
  // Only the "anonymous" policy turns a failed load into a session; otherwise no promise is added.
  if (!(loaded instanceof Promise) || options.onStoreError !== 'anonymous') return loaded;
  return loaded.catch((error: unknown) => {
    if (error instanceof StoreError) {
      const session = anonymousSession<T>();
      DETACHED.add(session);
      return session;
    }
    throw error;
  });
}

/** Commits unless the session is a detached anonymous one. */
export function commitSession<T extends SessionData>(sessions: Sessions<T>, session: Session<T>) {
  if (DETACHED.has(session)) return { vary: false };
  return commitNow(sessions, session);
}

export function reportError(options: AdapterOptions, error: unknown): void {
  try {
    (options.onError ?? ((e: unknown) => console.error('hallpass:', e)))(error);
  } catch (thrown) {
    // An onError that throws must neither stop the answer to the failure it reports nor reach
    // the process as an unhandled rejection.
    console.error('hallpass: onError threw', thrown);
  }
}
