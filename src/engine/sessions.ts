import { ConfigError } from '../core/errors.js';
import type { SessionData, UserSession } from '../core/types.js';
import type { CommitResult } from './commit-result.js';
import { cookieMode } from './cookie-mode.js';
import { type ResolvedOptions, resolveOptions, type SessionOptions } from './options.js';
import { serverMode } from './server-mode.js';
import type { Session } from './session.js';
import { type SessionsWithSync, SYNC } from './sessions-internals.js';

/** The object `createSessions` returns: what adapters call around each request. */
export interface Sessions<T extends SessionData = SessionData> {
  /** The validated options, defaults filled in. */
  readonly options: ResolvedOptions;
  /** `"cookie"` (the session travels in the cookie) or `"server"` (a store holds it). */
  readonly mode: 'cookie' | 'server';
  /**
   * The session of a request, from its `Cookie` header. Never rejects for bad cookies (they give an
   * empty session and an `invalid` event); rejects with `StoreError` only when a store fails.
   */
  load(cookieHeader: string | null | undefined): Promise<Session<T>>;
  /** Saves what changed; resolves the headers to add. Run it before the response is sent. */
  commit(session: Session<T>): Promise<CommitResult>;
  /** Server mode: the user's live sessions (for a "your devices" page). */
  listByUser(userId: string): Promise<UserSession[]>;
  /** Server mode: ends every session of the user ("log out everywhere"), except the given session IDs. */
  destroyByUser(userId: string, options?: { except?: string | readonly string[] }): Promise<number>;
}

/**
 * Creates the session manager. Validates every option now and throws a `ConfigError` naming the
 * option and the fix, so a misconfiguration stops the app at start-up rather than in a request.
 *
 * @example
 * ```ts
 * import { createSessions } from 'hallpass'
 *
 * const sessions = createSessions<{ user_id: string }>({
 *   secret: process.env.SESSION_SECRET, // 32+ random bytes: `npx hallpass secret`
 *   maxAge: 14 * 24 * 3600,
 * })
 * ```
 */
export function createSessions<T extends SessionData = SessionData>(options: SessionOptions): Sessions<T> {
  const resolved = resolveOptions(options);
  if (resolved.store) {
    const server = serverMode(resolved);
    const made: SessionsWithSync<T> = {
      options: resolved,
      mode: 'server',
      load: server.load,
      // Always a promise, as the type says: adapters use the synchronous form below.
      commit: async (session) => server.commit(session),
      listByUser: server.listByUser,
      destroyByUser: (userId, { except } = {}) =>
        server.destroyByUser(userId, except === undefined ? [] : typeof except === 'string' ? [except] : except),
      [SYNC]: { load: server.load, commit: server.commit },
    };
    return made;
  }
  const cookie = cookieMode(resolved);
  const serverOnly = (): never => {
    throw new ConfigError('ERR_OPTION', 'listByUser and destroyByUser need a server-side store: createSessions({ store }).');
  };
  const made: SessionsWithSync<T> = {
    options: resolved,
    mode: 'cookie',
    load: async (header) => cookie.load(header),
    commit: async (session) => cookie.commit(session),
    listByUser: async () => serverOnly(),
    destroyByUser: async () => serverOnly(),
    [SYNC]: { load: cookie.load, commit: cookie.commit },
  };
  return made;
}
