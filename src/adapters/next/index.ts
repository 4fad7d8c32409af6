/**
 * hallpass for the Next.js App Router, over the cookie store `cookies()` from `next/headers` gives.
 *
 * - `withSession(await cookies(), sessions, (session) => ...)` in Server Actions and Route
 *   Handlers: loads the session, runs your code, and saves what changed through Next's cookie
 *   store before it returns. There is no `save()` to forget.
 * - `readSession(await cookies(), sessions)` in Server Components (and `proxy.ts`): the session to
 *   read; a write throws a `HallpassError` saying where writes are allowed, since Next.js refuses
 *   cookie writes while it renders.
 *
 * @example
 * ```ts
 * // app/actions.ts
 * 'use server'
 * import { cookies } from 'next/headers'
 * import { redirect } from 'next/navigation'
 * import { withSession } from 'hallpass/next'
 * import { sessions } from '@/lib/sessions'
 *
 * export async function login(form: FormData) {
 *   const user = String(form.get('username'))
 *   await withSession(await cookies(), sessions, (session) => {
 *     session.regenerate() // a new ID on login
 *     session.set('user_id', user)
 *   })
 *   redirect('/')
 * }
 *
 * // app/page.tsx (a Server Component)
 * export default async function Page() {
 *   const session = await readSession(await cookies(), sessions)
 *   return <h1>{session.get('user_id') ?? 'Hello, guest!'}</h1>
 * }
 * ```
 * @module
 */

import type { SessionData, SessionEvent } from '../../core/types.js';
import { type CommitResult, setCookiesOf } from '../../engine/commit-result.js';
import type { Session } from '../../engine/session.js';
import type { Sessions } from '../../engine/sessions.js';
import { withHeaders } from '../copy-if-immutable.js';
import { sessionCacheControl, varyWithCookie } from '../response-headers.js';
import {
  cookieHeaderFrom,
  isReadOnlyStore,
  type NextCookieStore,
  type ReadableCookieStore,
  readOnlyError,
  writeCookie,
} from './cookie-store.js';
import { type ReadonlySession, readOnlyView } from './read-only-session.js';

export type { NextCookieStore, ReadableCookieStore } from './cookie-store.js';
export type { ReadonlySession } from './read-only-session.js';
export type { NextCookieOptions } from './set-cookie.js';

/**
 * Runs `action` with the request's session and saves the session through `cookieStore` when
 * `action` returns, before `withSession` resolves: a `redirect()` after it sees the new cookie.
 * Resolves what `action` returned; a `Response` (from a Route Handler) also gets `Vary: Cookie`
 * and, when the cookie was written, `Cache-Control: private, no-store` (an app value that lets a
 * shared cache keep the response, such as `public`, is replaced).
 *
 * `redirect()` and `notFound()` thrown inside `action` save the session first, then go on; any
 * other error leaves the session unsaved. A store failure rejects with `StoreError`.
 * In a Server Component, where Next.js forbids setting cookies, it throws a `HallpassError`
 * (`ERR_SESSION_STATE`) before `action` runs: read there with {@link readSession}.
 *
 * @example
 * ```ts
 * // app/api/cart/route.ts
 * export async function POST(request: Request) {
 *   const { item } = await request.json()
 *   return withSession(await cookies(), sessions, (session) => {
 *     const cart = [...session.get('cart', []), item]
 *     session.set('cart', cart)
 *     return Response.json({ cart })
 *   })
 * }
 * ```
 */
export async function withSession<T extends SessionData, R>(
  cookieStore: NextCookieStore,
  sessions: Sessions<T>,
  action: (session: Session<T>) => R | Promise<R>,
): Promise<R> {
  if (isReadOnlyStore(cookieStore)) throw readOnlyError();
  const session = await sessions.load(cookieHeaderFrom(cookieStore, sessions.options.name, Boolean(sessions.options.chunked)));
  let result: R;
  try {
    result = await action(session);
  } catch (error) {
    if (isNextNavigation(error)) await commit(sessions, session, cookieStore);
    throw error;
  }
  const committed = await commit(sessions, session, cookieStore);
  return result instanceof Response ? (withCacheHeaders(result, committed, sessions.options.onEvent) as R) : result;
}

/**
 * The request's session, read-only: for Server Components, which may read cookies but not set
 * them, and for `proxy.ts` (`request.cookies`). Nothing is saved, so reading here never slides
 * the idle timeout; the next Server Action or Route Handler that uses `withSession` does.
 *
 * @example
 * ```ts
 * const session = await readSession(await cookies(), sessions)
 * const user = session.get('user_id')
 * ```
 */
export async function readSession<T extends SessionData>(
  cookieStore: ReadableCookieStore,
  sessions: Sessions<T>,
): Promise<ReadonlySession<T>> {
  return readOnlyView(await sessions.load(cookieHeaderFrom(cookieStore, sessions.options.name, Boolean(sessions.options.chunked))));
}

async function commit<T extends SessionData>(
  sessions: Sessions<T>,
  session: Session<T>,
  cookieStore: NextCookieStore,
): Promise<CommitResult> {
  const result = await sessions.commit(session);
  for (const cookie of setCookiesOf(result)) writeCookie(cookieStore, cookie);
  return result;
}

/**
 * `redirect()`, `notFound()`, `forbidden()` and `unauthorized()` throw errors Next.js recognises by
 * their `digest`; they end the action on purpose, so what the action changed is still saved.
 */
function isNextNavigation(error: unknown): boolean {
  const digest = (error as { digest?: unknown } | null)?.digest;
  return typeof digest === 'string' && /^NEXT_(REDIRECT|HTTP_ERROR_FALLBACK);/.test(digest);
}

/** Next adds the cookie itself; the response still says it depends on it and must not be cached. */
function withCacheHeaders(response: Response, result: CommitResult, onEvent?: (event: SessionEvent) => void): Response {
  if (!result.vary && !result.setCookie) return response;
  const apply = (headers: Headers) => {
    if (result.vary) headers.set('Vary', varyWithCookie(headers.get('Vary')));
    // Only a value that already keeps shared caches out stays; `public` and the like are replaced.
    if (result.setCookie) headers.set('Cache-Control', sessionCacheControl(headers.get('Cache-Control'), onEvent));
  };
  return withHeaders(response, apply);
}
