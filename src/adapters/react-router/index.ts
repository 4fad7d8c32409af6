/**
 * hallpass for React Router 7 (and Remix-style apps): a `SessionStorage`, the interface loaders and
 * actions already use, with hallpass underneath. Cookies are sealed, logout really ends the
 * session, server-side stores and expiry work as everywhere else.
 *
 * @example
 * ```ts
 * // app/sessions.server.ts
 * import { createSessions } from 'hallpass'
 * import { hallpassSessionStorage } from 'hallpass/react-router'
 *
 * export const { getSession, commitSession, destroySession, regenerateSession } = hallpassSessionStorage(
 *   createSessions<{ user_id: string }>({ secret: process.env.SESSION_SECRET }),
 * )
 *
 * // app/routes/login.ts
 * export async function action({ request }: Route.ActionArgs) {
 *   const session = await getSession(request.headers.get('Cookie'))
 *   regenerateSession(session) // a new session ID on login
 *   session.set('user_id', 'alice')
 *   return redirect('/', { headers: { 'Set-Cookie': await commitSession(session) } })
 * }
 * ```
 * @module
 */
import type { CookieSerializeOptions, Session as RouterSession, SessionStorage } from 'react-router';
import { expireCookie } from '../../core/cookie.js';
import { HallpassError, StoreError } from '../../core/errors.js';
import type { SessionData } from '../../core/types.js';
import { setCookiesOf } from '../../engine/commit-result.js';
import type { Session } from '../../engine/session.js';
import type { Sessions } from '../../engine/sessions.js';
import type { AdapterOptions } from '../options.js';
import { storeUnavailableResponse } from '../store-unavailable.js';
import { commitSession as commitCore, openSession, reportError } from '../support.js';
import { requestedLifetime, withLifetime } from './cookie-options.js';
import { changeable, type Link, linkOf, routerSession } from './session.js';

export type { AdapterOptions } from '../options.js';

/** React Router's `SessionStorage`, plus regeneration and the hallpass session, which its interface has no word for. */
export interface HallpassSessionStorage<Data = SessionData, FlashData = Data> extends SessionStorage<Data, FlashData> {
  /**
   * Resolves `''` when there is nothing to write (an unchanged session, or a visitor whose session
   * stayed empty). Browsers ignore an empty `Set-Cookie`, so
   * `headers: { 'Set-Cookie': await commitSession(session) }` stays correct.
   * `maxAge`/`expires` shorten this cookie's browser lifetime; other attributes throw `ERR_OPTION`
   * (cookie attributes are set once, in `createSessions`).
   */
  commitSession(session: RouterSession<Data, FlashData>, options?: CookieSerializeOptions): Promise<string>;
  /**
   * Every `Set-Cookie` value the commit needs, for `createSessions({ chunked: true })`: a session
   * larger than one cookie travels in several, and React Router's `commitSession` returns one
   * header. Append each (`[]` when there is nothing to write). `commitSession` of such a session
   * throws `ERR_SESSION_STATE` naming this method rather than drop a chunk.
   *
   * @example
   * ```ts
   * const headers = new Headers()
   * for (const cookie of await commitSessionCookies(session)) headers.append('Set-Cookie', cookie)
   * return redirect('/', { headers })
   * ```
   */
  commitSessionCookies(session: RouterSession<Data, FlashData>): Promise<readonly string[]>;
  /** Ends the session (store record deleted, or the cookie's ID revoked) and resolves a `Set-Cookie` that expires the cookie. */
  destroySession(session: RouterSession<Data, FlashData>, options?: CookieSerializeOptions): Promise<string>;
  /**
   * Gives the session a new ID at its commit and retires the old one, so a copy of the old cookie
   * is refused. Call it on login and on any privilege change. Data is kept unless `keepData: false`.
   */
  regenerateSession(session: RouterSession<Data, FlashData>, options?: { keepData?: boolean }): void;
  /** The hallpass `Session` behind a React Router session: `userId` (the per-user index), `createdAt`, `isNew`. */
  hallpassSession(session: RouterSession<Data, FlashData>): Session<SessionData>;
}

/**
 * Creates a React Router `SessionStorage` backed by `sessions` (cookie or server mode). A store
 * failure is thrown as a `503` `Response` with hallpass's JSON body (a resource route answers with
 * it, a page's `ErrorBoundary` gets a 503 route error) and passed to `onError`; with
 * `onStoreError: 'anonymous'` the request gets an empty session that is never saved.
 *
 * @example
 * ```ts
 * const storage = hallpassSessionStorage(createSessions({ store: redisStore(redis) }))
 * const session = await storage.getSession(request.headers.get('Cookie'))
 * session.flash('notice', 'Saved')   // read once by the next get('notice')
 * return data({ ok: true }, { headers: { 'Set-Cookie': await storage.commitSession(session) } })
 * ```
 */
export function hallpassSessionStorage<Data = SessionData, FlashData = Data>(
  sessions: Sessions<any>,
  options: AdapterOptions = {},
): HallpassSessionStorage<Data, FlashData> {
  const resolved = sessions.options;
  const unavailable = (error: unknown): unknown => {
    if (!(error instanceof StoreError)) return error;
    reportError(options, error);
    return storeUnavailableResponse();
  };
  const commit = async (link: Link): Promise<string | undefined> => {
    try {
      link.cookies = setCookiesOf(await commitCore(sessions, link.inner));
    } catch (error) {
      throw unavailable(error);
    }
    return link.cookies[0];
  };
  const single = (link: Link, caller: string): string => {
    if ((link.cookies?.length ?? 0) > 1) {
      throw new HallpassError(
        'ERR_SESSION_STATE',
        `${caller}() returns one Set-Cookie header, but this chunked session needs ${link.cookies?.length}: ` +
          'use commitSessionCookies(session) and append each value (for a logout, after hallpassSession(session).destroy()).',
      );
    }
    return link.header as string;
  };

  const storage: HallpassSessionStorage<Data, FlashData> = {
    async getSession(cookieHeader) {
      let inner: Session<SessionData>;
      try {
        inner = await openSession(sessions, cookieHeader, options);
      } catch (error) {
        throw unavailable(error);
      }
      return routerSession<Data, FlashData>(inner, storage);
    },

    async commitSession(session, callOptions) {
      const link = linkOf(session, storage, 'commitSession');
      // Committed already (a helper and the route may both commit it): the same header again.
      if (link.header !== undefined) return single(link, 'commitSession');
      const lifetime = requestedLifetime(callOptions, 'commitSession', resolved.now());
      let header = (await commit(link)) ?? '';
      const live = header !== '' && header !== expireCookie(resolved.name, resolved.cookie);
      if (live && lifetime !== undefined) header = withLifetime(header, lifetime, link.inner.createdAt, resolved);
      link.header = header;
      return single(link, 'commitSession');
    },

    async commitSessionCookies(session) {
      const link = linkOf(session, storage, 'commitSessionCookies');
      if (link.header === undefined) link.header = (await commit(link)) ?? '';
      return link.cookies ?? [];
    },

    async destroySession(session, callOptions) {
      const link = linkOf(session, storage, 'destroySession');
      requestedLifetime(callOptions, 'destroySession', resolved.now());
      changeable(link).destroy();
      // A request that carried no cookie has none to expire, but React Router code expects a header.
      link.header = (await commit(link)) ?? expireCookie(resolved.name, resolved.cookie);
      return single(link, 'destroySession');
    },

    regenerateSession(session, regenerateOptions) {
      changeable(linkOf(session, storage, 'regenerateSession')).regenerate(regenerateOptions);
    },

    hallpassSession(session) {
      return linkOf(session, storage, 'hallpassSession').inner;
    },
  };
  return storage;
}
