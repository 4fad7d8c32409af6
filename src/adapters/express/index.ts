/**
 * hallpass for Express 4 and 5: `app.use(expressSession(sessions))`, then `req.session`.
 *
 * @example
 * ```ts
 * import express from 'express'
 * import { createSessions } from 'hallpass'
 * import { expressSession, getSession } from 'hallpass/express'
 *
 * type Data = { user_id: string }
 * const app = express()
 * app.use(expressSession(createSessions<Data>({ secret: process.env.SESSION_SECRET })))
 * app.get('/', (req, res) => {
 *   const session = getSession<Data>(req) // typed, no global declaration merging
 *   res.json({ user: session.get('user_id') ?? null })
 * })
 * ```
 * @module
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { HallpassError, StoreError } from '../../core/errors.js';
import type { SessionData } from '../../core/types.js';
import type { Sessions } from '../../engine/sessions.js';
import { attachThen, type GateArrangement } from '../node/commit.js';
import { sendStoreFailure } from '../node/failure.js';
import type { AdapterOptions } from '../options.js';
import { reportError } from '../support.js';
import { type ExpressSession, expressCompat, isExpressSession } from './compat.js';

export type { ExpressSession } from './compat.js';

const BYPASSED =
  "A response left without passing hallpass's response gate on express.response, so a change to its session was not saved: its request went through an app of another copy of Express called without being mounted (vhost, or otherApp(req, res, next)), or code replaced express.response's writeHead, write or end after hallpass. hallpass now gates each response of this middleware itself; pass expressSession(sessions, { gateOnPrototype: false }) to start that way.";

/** Options of `expressSession`. */
export interface ExpressSessionOptions extends Omit<AdapterOptions, 'onStoreError'> {
  /**
   * When the session store fails: `"fail"` (default) answers 503 with hallpass's JSON error body;
   * `"next"` passes the `StoreError` (with `status` 503) to `next(error)` for your error middleware;
   * `"anonymous"` serves the request with an empty session that is never saved.
   */
  onStoreError?: 'fail' | 'next' | 'anonymous';
  /**
   * Where the response gate (which holds the first write until the session is saved) goes.
   * `true` (default): once onto Express's base response prototype (`express.response`, which every
   * app's responses inherit), as four methods that find each response's gate in a `WeakMap`;
   * responses without one, of this app or another, pass straight through. `false`: onto each
   * response, as own methods, touching nothing shared, at a CPU cost per request (see "The
   * response gate and Express's prototype" in docs/frameworks.md for the figures).
   *
   * @example
   * ```ts
   * app.use(expressSession(sessions, { gateOnPrototype: false }))
   * ```
   */
  gateOnPrototype?: boolean;
}

/** An Express request once `expressSession` ran: `(req as SessionRequest<Data>).session`. */
export type SessionRequest<T extends SessionData = SessionData> = IncomingMessage & { session: ExpressSession<T> };

/** The middleware `expressSession` returns; it fits `app.use` of Express 4 and 5. */
export type ExpressSessionMiddleware = (req: IncomingMessage, res: ServerResponse, next: (error?: unknown) => void) => void;

/**
 * Express middleware that loads the request's session onto `req.session` and saves it before the
 * response's first byte leaves (`res.json`, `res.redirect`, `res.end`, streams: all wait for the
 * save). `req.session` also answers Passport's `regenerate(cb)`, `save(cb)` and `req.session.passport`.
 */
export function expressSession<T extends SessionData>(
  sessions: Sessions<T>,
  options: ExpressSessionOptions = {},
): ExpressSessionMiddleware {
  const core = options as AdapterOptions;
  const now = sessions.options.now;
  // One per middleware, read by each request's gate: where the gate goes, and `req.session` as
  // express-session code expects it.
  const arrangement: GateArrangement = {
    gateOn: options.gateOnPrototype === false ? 'response' : 'prototype',
    // Once a response got past the gate on the prototype, this middleware gates each response itself.
    onBypass: () => {
      if (arrangement.gateOn === 'response') return;
      arrangement.gateOn = 'response';
      // Runs in a 'finish' listener; reportError keeps an onError that throws from the process.
      reportError(core, new HallpassError('ERR_SESSION_STATE', BYPASSED));
    },
    expose: (session, req) => expressCompat(session, req as { session?: unknown }, now),
  };
  const refuse = (res: ServerResponse, next: (error?: unknown) => void, error: unknown) => {
    if (!(error instanceof StoreError)) return next(error);
    if (options.onStoreError !== 'next') return sendStoreFailure(res, error, core);
    next(Object.assign(error, { status: 503, statusCode: 503, expose: false }));
  };
  return function hallpassSession(req, res, next) {
    // Mounted twice (an app and a sub-router), or run again on a copy made with Object.create(req):
    // the first run already arranged the save.
    if (hasSessionView(req)) return next();
    // Cookie mode goes on synchronously; only a store round trip waits. Not returned: Express 5
    // would pass a rejection of this promise to `next` a second time.
    attachThen(sessions, req, res, core, arrangement, next, (error) => refuse(res, next, error));
  };
}

/**
 * Whether `req.session` is a view this adapter made. Looked for with `Object.hasOwn` along the
 * request's prototypes before it is read: on Express every request has a hidden class of its own,
 * so reading a property it does not have is a lookup along the whole chain that no V8 cache
 * remembers, on every request.
 */
function hasSessionView(req: object): boolean {
  for (let holder: object | null = req; holder !== null; holder = Object.getPrototypeOf(holder) as object | null) {
    if (Object.hasOwn(holder, 'session')) return isExpressSession((req as { session?: unknown }).session);
  }
  return false;
}

/**
 * The request's session, typed by the data shape you give. Throws when `expressSession` did not
 * run for this request, naming the fix.
 *
 * @example
 * ```ts
 * app.post('/login', (req, res) => {
 *   const session = getSession<{ user_id: string }>(req)
 *   session.regenerate()
 *   session.set('user_id', String(req.query.username))
 *   res.redirect(303, '/')
 * })
 * ```
 */
export function getSession<T extends SessionData = SessionData>(req: IncomingMessage | { session?: unknown }): ExpressSession<T> {
  const session = (req as { session?: unknown }).session;
  if (!isExpressSession(session)) {
    throw new HallpassError(
      'ERR_SESSION_STATE',
      'This request has no hallpass session: add app.use(expressSession(sessions)) before this route.',
    );
  }
  return session as ExpressSession<T>;
}
