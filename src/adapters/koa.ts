/**
 * hallpass for Koa 2 and 3: middleware that puts the session on `ctx.session`.
 *
 * @example
 * ```ts
 * import Koa from 'koa'
 * import { createSessions } from 'hallpass'
 * import { koaSession } from 'hallpass/koa'
 *
 * type Data = { user_id: string }
 * const app = new Koa().use(koaSession(createSessions<Data>({ secret: process.env.SESSION_SECRET })))
 * app.use((ctx) => {
 *   ctx.body = { user: ctx.session.get('user_id') ?? null } // typed: app.use carried SessionContext<Data>
 * })
 * ```
 * @module
 */
import type { DefaultState, Middleware, ParameterizedContext } from 'koa';
import { HallpassError, StoreError } from '../core/errors.js';
import type { SessionData } from '../core/types.js';
import { type CommitResult, setCookiesOf } from '../engine/commit-result.js';
import type { Session } from '../engine/session.js';
import type { Sessions } from '../engine/sessions.js';
import type { AdapterOptions } from './options.js';
import { sessionCacheControl, varyWithCookie } from './response-headers.js';
import { storeUnavailableReply } from './store-unavailable.js';
import { commitSession, openSession, reportError } from './support.js';

/** Options of `koaSession`. */
export interface KoaSessionOptions extends Omit<AdapterOptions, 'onStoreError'> {
  /**
   * When the session store fails: `"fail"` (default) answers 503 with hallpass's JSON error body
   * and emits the error on the app (`app.on('error')`); `"throw"` throws the `StoreError` (with
   * `status` 503) to your error-handling middleware; `"anonymous"` serves the request with an
   * empty session that is never saved.
   */
  onStoreError?: 'fail' | 'throw' | 'anonymous';
}

/** What `koaSession` adds to the context: `new Koa<DefaultState, SessionContext<Data>>()`. */
export type SessionContext<T extends SessionData = SessionData> = { session: Session<T> };

type Context<T extends SessionData = SessionData> = ParameterizedContext<DefaultState, SessionContext<T>>;

/**
 * Creates the middleware. The session is committed after the downstream middleware finish and
 * before Koa writes the response, so `ctx.redirect` and a streamed `ctx.body` carry the cookie.
 * When the headers already left (`ctx.respond = false` with writes to `ctx.res`), a session that
 * needed a cookie is reported as an error instead of being lost silently.
 */
export function koaSession<T extends SessionData>(
  sessions: Sessions<T>,
  options: KoaSessionOptions = {},
): Middleware<DefaultState, SessionContext<T>> {
  const core = options as AdapterOptions;
  const report = (ctx: Context<T>, error: unknown) => (options.onError ? reportError(core, error) : ctx.app.emit('error', error, ctx));

  const fail = (ctx: Context<T>, error: unknown): void => {
    if (!(error instanceof StoreError)) throw error;
    const reply = storeUnavailableReply();
    if (options.onStoreError === 'throw') {
      throw Object.assign(error, { status: reply.status, expose: false, headers: { 'Retry-After': reply.headers['Retry-After'] } });
    }
    report(ctx, error);
    if (ctx.headerSent) return;
    const body = ctx.body as { destroy?: () => void; pipe?: unknown } | undefined;
    if (body && typeof body.pipe === 'function') body.destroy?.();
    for (const name of ctx.res.getHeaderNames()) ctx.res.removeHeader(name);
    // Content-Type last, through `ctx.type`, which adds Koa's charset as before.
    const { 'Content-Type': type, ...headers } = reply.headers;
    ctx.status = reply.status;
    ctx.set(headers);
    ctx.type = type as string;
    ctx.body = reply.body;
  };

  const middleware = async (ctx: Context<T>, next: () => Promise<unknown>) => {
    let session: Session<T>;
    try {
      const opened = openSession(sessions, ctx.req, core);
      // Await only what waits (a store): cookie mode takes no extra microtask.
      session = opened instanceof Promise ? await opened : opened;
    } catch (error) {
      return fail(ctx, error);
    }
    ctx.session = session;
    // A downstream error propagates without a commit: Koa's error response drops every header anyway.
    await next();
    let result: CommitResult;
    try {
      const committed = commitSession(sessions, session);
      result = committed instanceof Promise ? await committed : committed;
    } catch (error) {
      return fail(ctx, error);
    }
    if (ctx.headerSent) {
      if (result.setCookie) {
        report(
          ctx,
          new HallpassError(
            'ERR_SESSION_STATE',
            'The response headers were sent before the session was saved (ctx.res written directly), so its cookie could not be set. Use ctx.body, or change the session before writing to ctx.res.',
          ),
        );
      }
      return;
    }
    if (result.vary) ctx.set('Vary', varyWithCookie(ctx.response.get('Vary') || undefined));
    if (result.setCookie) {
      ctx.append('Set-Cookie', result.moreCookies ? [...setCookiesOf(result)] : result.setCookie);
      ctx.set('Cache-Control', sessionCacheControl(ctx.response.get('Cache-Control'), sessions.options.onEvent));
    }
  };
  return middleware;
}

/**
 * The context's session, typed by the data shape you give (when the app's context type does not
 * carry `SessionContext`). Throws when `koaSession` did not run, naming the fix.
 */
export function getSession<T extends SessionData = SessionData>(ctx: { session?: unknown }): Session<T> {
  if (!ctx.session) {
    throw new HallpassError('ERR_SESSION_STATE', 'This context has no hallpass session: add app.use(koaSession(sessions)) first.');
  }
  return ctx.session as Session<T>;
}
