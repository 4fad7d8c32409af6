/**
 * hallpass for plain `node:http` (and anything built on its request and response objects).
 *
 * @example
 * ```ts
 * import { createServer } from 'node:http'
 * import { createSessions } from 'hallpass'
 * import { withSessions } from 'hallpass/node'
 *
 * const sessions = createSessions({ secret: process.env.SESSION_SECRET })
 * createServer(withSessions(sessions, (req, res) => {
 *   const visits = req.session.get('visits', 0) + 1
 *   req.session.set('visits', visits)
 *   res.end(`visit ${visits}`)
 * })).listen(3000)
 * ```
 * @module
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { StoreError } from '../../core/errors.js';
import type { SessionData } from '../../core/types.js';
import type { Session } from '../../engine/session.js';
import type { Sessions } from '../../engine/sessions.js';
import type { AdapterOptions } from '../options.js';
import { attachThen, OWN_GATE } from './commit.js';
import { sendInternalError, sendStoreFailure } from './failure.js';

export type { AdapterOptions } from '../options.js';

/** A request that carries its session. */
export type SessionRequest<T extends SessionData = SessionData> = IncomingMessage & { session: Session<T> };

type Handler<T extends SessionData> = (req: SessionRequest<T>, res: ServerResponse) => unknown;

/**
 * Wraps a `node:http` handler: `req.session` is ready when it runs, and the session is saved before
 * the response's headers leave (also when the handler answers before its promise settles). A store
 * failure answers 503 (or serves an anonymous session, see `onStoreError`); a handler that throws
 * answers 500.
 */
export function withSessions<T extends SessionData>(
  sessions: Sessions<T>,
  handler: Handler<T>,
  options: AdapterOptions = {},
): (req: IncomingMessage, res: ServerResponse) => void | Promise<void> {
  const run = (req: IncomingMessage, res: ServerResponse): void | Promise<void> => {
    try {
      const returned = handler(req as SessionRequest<T>, res);
      if (returned instanceof Promise) return returned.then(undefined, (error: unknown) => sendInternalError(res, error, options));
    } catch (error) {
      sendInternalError(res, error, options);
    }
  };
  const refuse = (res: ServerResponse, error: unknown) => {
    if (error instanceof StoreError) sendStoreFailure(res, error, options);
    else sendInternalError(res, error, options);
  };
  // No promise when nothing waits (cookie mode): a request pays for no microtask it does not need.
  return (req, res) =>
    attachThen(
      sessions,
      req,
      res,
      options,
      OWN_GATE,
      () => run(req, res),
      (error) => refuse(res, error),
    );
}

/**
 * Loads the session onto `req.session` and arranges for it to be committed before the first byte of
 * the response: `writeHead`, `write`, `end` and `flushHeaders` wait for the commit, so a redirect
 * after login never races the save. Rejects with `StoreError` when the store fails (policy "fail").
 */
export async function attachSession<T extends SessionData>(
  sessions: Sessions<T>,
  req: IncomingMessage,
  res: ServerResponse,
  options: AdapterOptions = {},
): Promise<Session<T>> {
  return attachThen(
    sessions,
    req,
    res,
    options,
    OWN_GATE,
    () => (req as SessionRequest<T>).session,
    (error) => {
      throw error;
    },
  );
}
