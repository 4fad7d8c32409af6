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
import { commitNow, mayCommitAtOnce } from '../../engine/sessions-internals.js';
import type { AdapterOptions } from '../options.js';
import { DETACHED, openSession } from '../support.js';
import { type GatePlacement, gateResponse } from './gate.js';

export type { GatePlacement } from './gate.js';

/**
 * `attachSession` without a promise when none is needed (cookie mode): the session at once, or a
 * promise of it when a store is involved. Throws or rejects with `StoreError` as `attachSession` does.
 */
export function attachSessionNow<T extends SessionData>(
  sessions: Sessions<T>,
  req: IncomingMessage,
  res: ServerResponse,
  options: AdapterOptions = {},
  gateOn: GatePlacement = 'response',
  onBypass?: () => void,
): Session<T> | Promise<Session<T>> {
  // The request itself, not a closure over it: read for its Cookie header on the session's first use.
  const opened = openSession(sessions, req, options);
  if (opened instanceof Promise) return opened.then((session) => arrangeCommit(sessions, req, res, session, options, gateOn, onBypass));
  return arrangeCommit(sessions, req, res, opened, options, gateOn, onBypass);
}

function arrangeCommit<T extends SessionData>(
  sessions: Sessions<T>,
  req: IncomingMessage,
  res: ServerResponse,
  session: Session<T>,
  options: AdapterOptions,
  gateOn: GatePlacement,
  onBypass: (() => void) | undefined,
): Session<T> {
  (req as IncomingMessage & { session: Session<T> }).session = session;
  // An anonymous session (store down, onStoreError "anonymous") is never saved: nothing to arrange.
  if (DETACHED.has(session)) return session;
  const gate = () => gateResponse(res, () => commitNow(sessions, session), options, gateOn, sessions.options.onEvent, onBypass);
  // A commit that may wait for a store must hold the response's first write, so its gate goes in
  // now. One that never waits (cookie mode) can go in when the app first uses the session: even
  // a write call made before that (its callee read first, as in `res.end(token(session))`)
  // reaches the gated writeHead, and the commit runs there. An untouched request costs nothing.
  if (sessions.mode === 'server' || !sessions.options.revocations?.synchronous || !mayCommitAtOnce(sessions)) {
    gate();
    return session;
  }
  whenUsed(session, () => {
    // Used only after the headers left: reading is fine, a change must throw rather than vanish.
    if (res.headersSent) markCommitted(session);
    else gate();
  });
  return session;
}
