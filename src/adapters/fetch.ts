/**
 * hallpass for fetch-style handlers, `(Request) => Response`: Bun, Deno, Cloudflare-style workers,
 * framework route handlers.
 *
 * @example
 * ```ts
 * import { createSessions } from 'hallpass'
 * import { withSessions } from 'hallpass/fetch'
 *
 * const sessions = createSessions({ secret: process.env.SESSION_SECRET })
 * export default {
 *   fetch: withSessions(sessions, (request, session) => {
 *     session.set('seen', true)
 *     return Response.json({ hello: 'world' })
 *   }),
 * }
 * ```
 * @module
 */

import { StoreError } from '../core/errors.js';
import type { SessionData } from '../core/types.js';
import type { Session } from '../engine/session.js';
import type { Sessions } from '../engine/sessions.js';
import { withHeaders } from './copy-if-immutable.js';
import type { AdapterOptions } from './options.js';
import { applyToHeaders } from './response-headers.js';
import { storeUnavailableResponse } from './store-unavailable.js';
import { commitSession, openSession, reportError } from './support.js';

export type { AdapterOptions } from './options.js';

type FetchHandler<T extends SessionData, Rest extends unknown[]> = (
  request: Request,
  session: Session<T>,
  ...rest: Rest
) => Response | Promise<Response>;

/**
 * Wraps a fetch handler: it receives the request's session, and the returned response carries the
 * session's `Set-Cookie`, `Vary` and `Cache-Control` merged with its own headers. Extra arguments
 * (an env, a context) pass through.
 */
export function withSessions<T extends SessionData, Rest extends unknown[] = []>(
  sessions: Sessions<T>,
  handler: FetchHandler<T, Rest>,
  options: AdapterOptions = {},
): (request: Request, ...rest: Rest) => Promise<Response> {
  return async (request, ...rest) => {
    let session: Session<T>;
    try {
      const opened = openSession(sessions, () => request.headers.get('cookie'), options);
      session = opened instanceof Promise ? await opened : opened;
    } catch (error) {
      return storeFailure(error, options);
    }
    const response = await handler(request, session, ...rest);
    let result: Awaited<ReturnType<typeof commitSession>>;
    try {
      const committed = commitSession(sessions, session);
      result = committed instanceof Promise ? await committed : committed;
    } catch (error) {
      if (error instanceof StoreError) return storeFailure(error, options);
      throw error;
    }
    if (!result.vary && !result.setCookie) return response;
    return withHeaders(response, (headers) => applyToHeaders(headers, result, sessions.options.onEvent));
  };
}

function storeFailure(error: unknown, options: AdapterOptions): Response {
  if (!(error instanceof StoreError)) throw error;
  reportError(options, error);
  return storeUnavailableResponse();
}
