/**
 * The `node:http` machinery `withSessions` and `expressSession` share: the session goes onto
 * `req.session`, and the response's first write waits for its commit (the gate, gate.ts). Not a
 * package entry point: `hallpass/node` and `hallpass/express` import it, users do not.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SessionData } from '../../core/types.js';
import type { Session } from '../../engine/session.js';
import { markCommitted, whenUsed } from '../../engine/session-internals.js';
import type { Sessions } from '../../engine/sessions.js';
import { mayCommitAtOnce } from '../../engine/sessions-internals.js';
import type { AdapterOptions } from '../options.js';
import { DETACHED, openSession } from '../support.js';
import { type GateArrangement, gateResponse } from './gate.js';

export type { GateArrangement, GatePlacement } from './gate.js';

/** `node:http`'s arrangement: the gate on each response, `req.session` the session itself. */
export const OWN_GATE: GateArrangement = { gateOn: 'response' };

/**
 * What a middleware does per request: loads the session onto `req.session`, arranges its commit,
 * then calls `proceed` (the handler, or `next`). `refuse` gets a failure to load or arrange, never
 * one of `proceed`'s. Synchronous in cookie mode; with a store, one promise for the store's answer
 * instead of one per layer (the load, the arranging, the middleware). Returns what `proceed` does.
 */
export function attachThen<T extends SessionData, R>(
  sessions: Sessions<T>,
  req: IncomingMessage,
  res: ServerResponse,
  options: AdapterOptions,
  arrangement: GateArrangement,
  proceed: () => R,
  refuse: (error: unknown) => R,
): R | Promise<Awaited<R>> {
  let opened: Session<T> | Promise<Session<T>>;
  try {
    opened = openSession(sessions, req, options);
    if (!(opened instanceof Promise)) arrangeCommit(sessions, req, res, opened, options, arrangement);
  } catch (error) {
    return refuse(error);
  }
  if (!(opened instanceof Promise)) return proceed();
  // Cast: `then` flattens a promise that `proceed` returns, which its typing does not say.
  return opened.then((session) => {
    try {
      arrangeCommit(sessions, req, res, session, options, arrangement);
    } catch (error) {
      return refuse(error);
    }
    return proceed();
  }, refuse) as Promise<Awaited<R>>;
}

/**
 * Puts a loaded session on `req.session` (as `arrangement.expose` gives it) and arranges its
 * commit before the response's first write.
 */
export function arrangeCommit<T extends SessionData>(
  sessions: Sessions<T>,
  req: IncomingMessage,
  res: ServerResponse,
  session: Session<T>,
  options: AdapterOptions,
  arrangement: GateArrangement,
): Session<T> {
  // Stored once: on Express every write to a request's property misses V8's caches.
  const expose = arrangement.expose;
  (req as IncomingMessage & { session: unknown }).session = expose ? expose(session, req) : session;
  // An anonymous session (store down, onStoreError "anonymous") is never saved: nothing to arrange.
  if (DETACHED.has(session)) return session;
  // A commit that may wait for a store must hold the response's first write, so its gate goes in
  // now. One that never waits (cookie mode) can go in when the app first uses the session: even
  // a write call made before that (its callee read first, as in `res.end(token(session))`)
  // reaches the gated writeHead, and the commit runs there. An untouched request costs nothing.
  if (sessions.mode === 'server' || !sessions.options.revocations?.synchronous || !mayCommitAtOnce(sessions)) {
    // Only the bypass check needs to know (and node:http has none).
    gateResponse(res, sessions, session, options, arrangement, arrangement.onBypass !== undefined && res.headersSent);
    return session;
  }
  whenUsed(session, () => {
    // Used only after the headers left: reading is fine, a change must throw rather than vanish.
    if (res.headersSent) markCommitted(session);
    else gateResponse(res, sessions, session, options, arrangement, false);
  });
  return session;
}
