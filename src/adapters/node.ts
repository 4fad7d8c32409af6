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
import { type AdapterOptions, commitSession, openSession, reportError } from '../core/adapter-support.js';
import type { CommitResult } from '../core/commit-result.js';
import { HallpassError, StoreError } from '../core/errors.js';
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
 * the response's headers leave (also when the handler answers before its promise settles). A store
 * failure answers 503 (or serves an anonymous session, see `onStoreError`); a handler that throws
 * answers 500.
 */
export function withSessions<T extends SessionData>(
  sessions: Sessions<T>,
  handler: Handler<T>,
  options: AdapterOptions = {},
): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  return async (req, res) => {
    try {
      await attachSession(sessions, req, res, options);
    } catch (error) {
      if (error instanceof StoreError) sendStoreFailure(res, error, options);
      else sendInternalError(res, error, options);
      return;
    }
    try {
      await handler(req as SessionRequest<T>, res);
    } catch (error) {
      sendInternalError(res, error, options);
    }
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
  res.writeHead(503, STORE_FAILURE_HEADERS);
  res.end(STORE_UNAVAILABLE_BODY);
}

const STORE_FAILURE_HEADERS = { 'Content-Type': 'application/json', 'Cache-Control': 'no-store', 'Retry-After': '1' };
const INTERNAL_ERROR_HEADERS = { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' };
const INTERNAL_ERROR_BODY = '{"error":"internal_server_error"}';

function sendInternalError(res: ServerResponse, error: unknown, options: AdapterOptions): void {
  reportError(options, error);
  if (res.headersSent) {
    res.destroy();
    return;
  }
  // Not writeHead: a writeHead the handler made may still be held for the commit.
  res.statusCode = 500;
  res.setHeader('Content-Type', 'application/json');
  res.end(INTERNAL_ERROR_BODY);
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

type Method = 'writeHead' | 'write' | 'end' | 'flushHeaders';
type Call = { method: Method; args: unknown[] };
type Originals = Pick<ServerResponse, Method>;

/**
 * Holds back the response's first write until the commit has run, then adds the commit's headers
 * and replays the held calls in order. When the commit fails (or a held call is invalid), the
 * response becomes a 503 or 500 and whatever the handler writes afterwards is dropped.
 */
function gateResponse(res: ServerResponse, commit: () => CommitResult | Promise<CommitResult>, options: AdapterOptions): void {
  const original: Originals = { writeHead: res.writeHead, write: res.write, end: res.end, flushHeaders: res.flushHeaders };
  let state: 'open' | 'committing' | 'done' | 'failed' = 'open';
  const held: Call[] = [];
  const replay = (call: Call) => (original[call.method] as (...a: unknown[]) => unknown).apply(res, call.args);
  const install = (methods: Originals) => Object.assign(res, methods);

  const fail = (error: unknown) => {
    state = 'failed';
    held.length = 0;
    install(gated);
    failResponse(res, error, options, original);
  };
  const settle = (result: CommitResult) => {
    install(original); // Node's own end() calls this.writeHead: it must reach the real one now
    state = 'done';
    const calls = held.splice(0);
    try {
      const head = calls.find((call) => call.method === 'writeHead');
      if (result.vary || result.setCookie) applyResult(res, result, head);
      for (const call of calls) replay(call);
    } catch (appError) {
      // An invalid status or header the app passed, which Node would have thrown at the handler.
      fail(appError);
    }
  };

  const gate = (call: Call) => {
    if (state === 'done') return void replay(call); // a wrapper someone kept a reference to
    if (state === 'failed') return;
    held.push(call);
    if (state === 'committing') return;
    state = 'committing';
    let result: CommitResult | Promise<CommitResult>;
    try {
      result = commit();
    } catch (error) {
      return fail(error);
    }
    if (result instanceof Promise) result.then(settle, (error: unknown) => fail(error ?? new Error('commit failed')));
    else settle(result);
  };

  const gated: Originals = {
    writeHead: ((...args: unknown[]) => {
      gate({ method: 'writeHead', args });
      return res;
    }) as ServerResponse['writeHead'],
    write: ((...args: unknown[]) => {
      gate({ method: 'write', args });
      return true;
    }) as ServerResponse['write'],
    end: ((...args: unknown[]) => {
      gate({ method: 'end', args });
      return res;
    }) as ServerResponse['end'],
    flushHeaders: () => gate({ method: 'flushHeaders', args: [] }),
  };
  install(gated);
}

/**
 * Adds the commit's headers to the response. Headers the app passed to a held `writeHead` are
 * moved onto `res` first (never by changing the app's object, which may be shared or frozen), so
 * both the app's `Set-Cookie`/`Vary` and ours survive.
 */
function applyResult(res: ServerResponse, result: CommitResult, head: Call | undefined): void {
  if (head) head.args = absorbHeadHeaders(res, head.args);
  if (result.vary) res.setHeader('Vary', varyWithCookie(res.getHeader('Vary')));
  if (result.setCookie) {
    appendHeaderValue(res, 'Set-Cookie', result.setCookie);
    if (!res.hasHeader('Cache-Control')) res.setHeader('Cache-Control', PRIVATE_NO_STORE);
  }
}

/** Applies `writeHead(status, [message], headers)`'s headers with `setHeader`/`appendHeader`; returns the call without them. */
function absorbHeadHeaders(res: ServerResponse, args: unknown[]): unknown[] {
  const [status, second, third] = args;
  const hasMessage = typeof second === 'string';
  const headers = hasMessage ? third : second;
  if (headers === null || typeof headers !== 'object') return args;
  if (Array.isArray(headers)) {
    if (headers.length % 2 !== 0) return args; // malformed: let writeHead report it
    // A flat [name, value, ...] list replaces those names and keeps repeats, as writeHead does.
    for (let i = 0; i < headers.length; i += 2) res.removeHeader(String(headers[i]));
    for (let i = 0; i < headers.length; i += 2) if (headers[i]) appendHeaderValue(res, String(headers[i]), headers[i + 1]);
  } else {
    for (const [name, value] of Object.entries(headers)) if (name) res.setHeader(name, copyOf(value));
  }
  return hasMessage ? [status, second] : [status];
}

/**
 * Adds a header value after those already set. Unlike `res.appendHeader`, it never pushes into an
 * array the app handed to `setHeader`, which may be a constant shared by every response.
 */
function appendHeaderValue(res: ServerResponse, name: string, value: unknown): void {
  const existing = res.getHeader(name);
  if (existing === undefined) res.setHeader(name, copyOf(value));
  else res.setHeader(name, [...listOf(existing), ...listOf(value)]);
}

const listOf = (value: unknown): string[] => (Array.isArray(value) ? value.map(String) : [String(value)]);
const copyOf = (value: unknown) => (Array.isArray(value) ? [...value] : (value as string | number));

/**
 * Replaces the response after a failure: 503 with the documented body for a store failure, 500 for
 * anything else (a cookie too large, an invalid header). Sent with the original methods, since the
 * gate stays in place to drop the handler's later writes.
 */
function failResponse(res: ServerResponse, error: unknown, options: AdapterOptions, original: Originals): void {
  reportError(options, error);
  if (res.headersSent) {
    res.destroy();
    return;
  }
  for (const name of res.getHeaderNames()) res.removeHeader(name);
  const code = (error as { code?: unknown })?.code;
  const [status, headers, body]: [number, Record<string, string>, string] =
    error instanceof StoreError
      ? [503, STORE_FAILURE_HEADERS, STORE_UNAVAILABLE_BODY]
      : error instanceof HallpassError
        ? [500, INTERNAL_ERROR_HEADERS, JSON.stringify({ error: 'session_commit_failed', code })]
        : [500, INTERNAL_ERROR_HEADERS, INTERNAL_ERROR_BODY];
  original.writeHead.call(res, status, headers);
  (original.end as (chunk: string) => ServerResponse).call(res, body);
}
