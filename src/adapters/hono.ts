/**
 * hallpass for Hono 4: middleware that puts the session in `c.get('session')`, typed through
 * Hono's variables.
 *
 * @example
 * ```ts
 * import { Hono } from 'hono'
 * import { createSessions } from 'hallpass'
 * import { honoSession, type SessionEnv } from 'hallpass/hono'
 *
 * type Data = { user_id: string }
 * const app = new Hono<SessionEnv<Data>>()
 * app.use(honoSession(createSessions<Data>({ secret: process.env.SESSION_SECRET })))
 * app.get('/', (c) => c.json({ user: c.get('session').get('user_id') ?? null }))
 * ```
 * @module
 */
import type { MiddlewareHandler } from 'hono';
import { StoreError } from '../core/errors.js';
import type { SessionData } from '../core/types.js';
import type { CommitResult } from '../engine/commit-result.js';
import type { Session } from '../engine/session.js';
import type { Sessions } from '../engine/sessions.js';
import { withHeaders } from './copy-if-immutable.js';
import type { AdapterOptions } from './options.js';
import { applyToHeaders } from './response-headers.js';
import { storeUnavailableResponse } from './store-unavailable.js';
import { commitSession, openSession } from './support.js';

export type { AdapterOptions } from './options.js';

/** Hono's environment with the session variable: `new Hono<SessionEnv<Data>>()`. */
export type SessionEnv<T extends SessionData = SessionData> = { Variables: { session: Session<T> } };

/**
 * Creates the middleware. The session is committed after the handler returns and before Hono
 * hands the response back, so a redirect or a streamed body carries the cookie. A store failure
 * is thrown to Hono's error path: the default handler answers 503 with hallpass's JSON body,
 * and `app.onError` receives a `StoreError` it can shape itself.
 */
export function honoSession<T extends SessionData>(sessions: Sessions<T>, options: AdapterOptions = {}): MiddlewareHandler<SessionEnv<T>> {
  return async function hallpassSession(c, next) {
    let session: Session<T>;
    try {
      const opened = openSession(sessions, () => c.req.header('cookie'), options);
      // Await only what waits (a store): cookie mode takes no extra microtask.
      session = opened instanceof Promise ? await opened : opened;
    } catch (error) {
      throw unavailable(error);
    }
    c.set('session', session);
    await next();
    let result: CommitResult;
    try {
      const committed = commitSession(sessions, session);
      result = committed instanceof Promise ? await committed : committed;
    } catch (error) {
      throw unavailable(error);
    }
    if (!result.vary && !result.setCookie) return;
    // The copy of a response with immutable headers goes through Hono's `c.res` setter first, which
    // merges the headers itself; ours are added to what it keeps.
    withHeaders(
      c.res,
      (headers) => applyToHeaders(headers, result, sessions.options.onEvent),
      (copy) => {
        c.res = copy;
        return c.res;
      },
    );
  };
}

/**
 * A store failure that Hono's default error handler turns into hallpass's 503 JSON answer (it
 * calls `getResponse()` on errors that have one, as with `HTTPException`).
 */
function unavailable(error: unknown): unknown {
  if (!(error instanceof StoreError)) return error;
  return Object.assign(error, { status: 503, getResponse: storeUnavailableResponse });
}
