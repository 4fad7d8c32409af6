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
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { type AdapterOptions, commitSession, openSession, reportError } from '../core/adapter-support.js';
import type { CommitResult } from '../core/commit-result.js';
import { StoreError } from '../core/errors.js';
import { PRIVATE_NO_STORE, STORE_UNAVAILABLE_BODY, varyWithCookie } from '../core/response-headers.js';
import type { Session } from '../core/session.js';
import type { Sessions } from '../core/sessions.js';
import type { SessionData } from '../core/types.js';

export type { AdapterOptions } from '../core/adapter-support.js';

/** A request that carries its session. */
export type SessionRequest<T extends SessionData = SessionData> = IncomingMessage & { session: Session<T> };

type Handler<T extends SessionData> = (req: SessionRequest<T>, res: ServerResponse) => unknown;

/**
 * Wraps a `node:http` handler: `req.session` is ready when it runs, and the session is saved before
 * the response's headers leave (also when the handler answers before its promise settles).
 */
export function withSessions<T extends SessionData>(
  sessions: Sessions<T>,
  handler: Handler<T>,
  options: AdapterOptions = {},
): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  return async (req, res) => {
    let session: Session<T>;
    try {
      session = await attachSession(sessions, req, res, options);
    } catch (error) {
      sendStoreFailure(res, error, options);
      return;
    }
    try {
      await handler(req as SessionRequest<T>, res);
    } catch (error) {
      reportError(options, error);
      if (!res.headersSent) {
        res.statusCode = 500;
        res.setHeader('Content-Type', 'application/json');
        res.end('{"error":"internal_server_error"}');
      } else res.destroy();
    }
    void session;
  };
}

/** Answers 503 with the documented JSON body when `error` is a store failure; rethrows anything else. */
export function sendStoreFailure(res: ServerResponse, error: unknown, options: AdapterOptions = {}): void {
  if (!(error instanceof StoreError)) throw error;
  reportError(options, error);
  if (res.headersSent) {
    res.destroy(error);
    return;
  }
  res.writeHead(503, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store', 'Retry-After': '1' });
  res.end(STORE_UNAVAILABLE_BODY);
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
  const opened = openSession(sessions, req.headers.cookie, options);
  const session = opened instanceof Promise ? await opened : opened;
  (req as SessionRequest<T>).session = session;
  gateResponse(res, () => commitSession(sessions, session), options);
  return session;
}

type Commit = () => CommitResult | Promise<CommitResult>;

function gateResponse(res: ServerResponse, commit: Commit, options: AdapterOptions): void {
  const original = { writeHead: res.writeHead, write: res.write, end: res.end, flushHeaders: res.flushHeaders };
  let state: 'open' | 'committing' | 'done' = 'open';
  const waiting: Array<() => void> = [];
  let failed = false;

  const restore = () => {
    res.writeHead = original.writeHead;
    res.write = original.write;
    res.end = original.end;
    res.flushHeaders = original.flushHeaders;
  };
  const finish = (result: CommitResult | undefined, error?: unknown) => {
    restore();
    state = 'done';
    if (error !== undefined) {
      failed = true;
      failCommit(res, error, options);
    } else if (result) applyResult(res, result, pendingHeadArgs);
    const queued = waiting.splice(0);
    if (!failed) for (const run of queued) run();
  };
  let pendingHeadArgs: unknown[] | undefined;

  const gate = (run: () => void, headArgs?: unknown[]) => {
    if (state === 'done') {
      if (!failed) run();
      return;
    }
    if (headArgs) pendingHeadArgs = headArgs;
    waiting.push(run);
    if (state === 'committing') return;
    state = 'committing';
    let result: CommitResult | Promise<CommitResult>;
    try {
      result = commit();
    } catch (error) {
      finish(undefined, error);
      return;
    }
    if (result instanceof Promise)
      result.then(
        (value) => finish(value),
        (error) => finish(undefined, error),
      );
    else finish(result);
  };

  res.writeHead = function (this: ServerResponse, ...args: unknown[]) {
    gate(() => (original.writeHead as (...a: unknown[]) => void).apply(res, args), args);
    return res;
  } as ServerResponse['writeHead'];
  res.write = function (this: ServerResponse, ...args: unknown[]) {
    gate(() => (original.write as (...a: unknown[]) => void).apply(res, args));
    return true;
  } as ServerResponse['write'];
  res.end = function (this: ServerResponse, ...args: unknown[]) {
    gate(() => (original.end as (...a: unknown[]) => void).apply(res, args));
    return res;
  } as ServerResponse['end'];
  res.flushHeaders = () => gate(() => original.flushHeaders.call(res));
}

/** Adds the commit's headers, merging with headers set on `res` and with those passed to `writeHead`. */
function applyResult(res: ServerResponse, result: CommitResult, headArgs: unknown[] | undefined): void {
  const headObject = headArgs
    ? (headArgs.find((arg, i) => i > 0 && arg && typeof arg === 'object' && !Array.isArray(arg)) as OutgoingHttpHeaders | undefined)
    : undefined;
  const headKey = (name: string) => (headObject ? Object.keys(headObject).find((key) => key.toLowerCase() === name) : undefined);
  if (result.vary) {
    const key = headKey('vary');
    if (key && headObject) headObject[key] = varyWithCookie(String(headObject[key]));
    else res.setHeader('Vary', varyWithCookie(res.getHeader('Vary') as string | undefined));
  }
  if (result.setCookie) {
    const key = headKey('set-cookie');
    if (key && headObject) {
      const existing = headObject[key];
      headObject[key] = [...(Array.isArray(existing) ? existing : [String(existing)]), result.setCookie];
    } else {
      const existing = res.getHeader('Set-Cookie');
      res.setHeader(
        'Set-Cookie',
        existing === undefined ? [result.setCookie] : [...(Array.isArray(existing) ? existing : [String(existing)]), result.setCookie],
      );
    }
    if (!res.hasHeader('Cache-Control') && !headKey('cache-control')) res.setHeader('Cache-Control', PRIVATE_NO_STORE);
  }
}

/** A commit that failed: the app's response is replaced by a 503 (store) or 500 (anything else). */
function failCommit(res: ServerResponse, error: unknown, options: AdapterOptions): void {
  reportError(options, error);
  if (res.headersSent) {
    res.destroy();
    return;
  }
  for (const name of res.getHeaderNames()) res.removeHeader(name);
  const store = error instanceof StoreError;
  res.writeHead(store ? 503 : 500, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' });
  res.end(
    store
      ? STORE_UNAVAILABLE_BODY
      : JSON.stringify({ error: 'session_commit_failed', code: (error as { code?: string })?.code ?? 'ERR_UNKNOWN' }),
  );
}
