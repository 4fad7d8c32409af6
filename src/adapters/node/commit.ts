/**
 * The `node:http` machinery `withSessions` and `expressSession` share: the session goes onto
 * `req.session`, and the response's first write waits for its commit. Not a package entry point:
 * `hallpass/node` and `hallpass/express` import it, users do not.
 */
import { type IncomingMessage, ServerResponse } from 'node:http';
import { HallpassError, StoreError } from '../../core/errors.js';
import type { SessionData, SessionEvent } from '../../core/types.js';
import type { CommitResult } from '../../engine/commit-result.js';
import type { Session } from '../../engine/session.js';
import { markCommitted, whenUsed } from '../../engine/session-internals.js';
import type { Sessions } from '../../engine/sessions.js';
import { commitNow, mayCommitAtOnce } from '../../engine/sessions-internals.js';
import { STORE_UNAVAILABLE_BODY, sessionCacheControl, varyWithCookie } from '../response-headers.js';
import { type AdapterOptions, DETACHED, openSession, reportError } from '../support.js';

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

export function sendInternalError(res: ServerResponse, error: unknown, options: AdapterOptions): void {
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
 * `attachSession` without a promise when none is needed (cookie mode): the session at once, or a
 * promise of it when a store is involved. Throws or rejects with `StoreError` as `attachSession` does.
 */
export function attachSessionNow<T extends SessionData>(
  sessions: Sessions<T>,
  req: IncomingMessage,
  res: ServerResponse,
  options: AdapterOptions = {},
  gateOn: GatePlacement = 'response',
): Session<T> | Promise<Session<T>> {
  // The request itself, not a closure over it: read for its Cookie header on the session's first use.
  const opened = openSession(sessions, req, options);
  if (opened instanceof Promise) return opened.then((session) => arrangeCommit(sessions, req, res, session, options, gateOn));
  return arrangeCommit(sessions, req, res, opened, options, gateOn);
}

/**
 * Where the response gate's four methods go: own properties of each response (plain `node:http`),
 * or, once, the prototype a framework gives its responses (`"prototype"`, for Express).
 */
export type GatePlacement = 'response' | 'prototype';

function arrangeCommit<T extends SessionData>(
  sessions: Sessions<T>,
  req: IncomingMessage,
  res: ServerResponse,
  session: Session<T>,
  options: AdapterOptions,
  gateOn: GatePlacement,
): Session<T> {
  (req as IncomingMessage & { session: Session<T> }).session = session;
  // An anonymous session (store down, onStoreError "anonymous") is never saved: nothing to arrange.
  if (DETACHED.has(session)) return session;
  // A commit that may wait for a store must hold the response's first write, so its gate goes in
  // now. One that never waits (cookie mode) can go in when the app first uses the session: even
  // a write call made before that (its callee read first, as in \`res.end(token(session))\`)
  // reaches the gated writeHead, and the commit runs there. An untouched request costs nothing.
  if (sessions.mode === 'server' || !sessions.options.revocations?.synchronous || !mayCommitAtOnce(sessions)) {
    gateResponse(res, () => commitNow(sessions, session), options, gateOn, sessions.options.onEvent);
    return session;
  }
  whenUsed(session, () => {
    // Used only after the headers left: reading is fine, a change must throw rather than vanish.
    if (res.headersSent) markCommitted(session);
    else gateResponse(res, () => commitNow(sessions, session), options, gateOn, sessions.options.onEvent);
  });
  return session;
}

type Method = 'writeHead' | 'write' | 'end' | 'flushHeaders';
type Call = { method: Method; args: unknown[] };
type Originals = Pick<ServerResponse, Method>;

const OPEN = 0;
const COMMITTING = 1;
const DONE = 2;
const FAILED = 3;

/**
 * Runs the commit at the response's first write (`writeHead`, `write`, `end` or `flushHeaders`),
 * adds its headers, then lets the call through. A commit that must wait for a store holds that
 * call and any later ones, then replays them in order. When the commit fails (or a held call is
 * invalid), the response becomes a 503 or 500 and whatever the handler writes afterwards is dropped.
 */
function gateResponse(
  res: ServerResponse,
  commit: () => CommitResult | Promise<CommitResult>,
  options: AdapterOptions,
  gateOn: GatePlacement,
  onEvent: ((event: SessionEvent) => void) | undefined,
): void {
  const base = gateOn === 'prototype' ? gatePrototypeOf(res) : undefined;
  const original: Originals = base
    ? gatedPrototype(base)
    : { writeHead: res.writeHead, write: res.write, end: res.end, flushHeaders: res.flushHeaders };
  let state = OPEN;
  let held: Call[] = [];
  const through = (method: Method, args: unknown[]) => (original[method] as (...a: unknown[]) => unknown).apply(res, args);

  const fail = (error: unknown) => {
    state = FAILED;
    held = [];
    failResponse(res, error, options, original);
  };
  /** Adds the commit's headers; the first call's arguments, without the headers it carried when they were moved onto `res`. */
  const apply = (result: CommitResult, head: Call | undefined): boolean => {
    try {
      if (result.vary || result.setCookie) applyResult(res, result, head, onEvent);
      return true;
    } catch (appError) {
      // An invalid status or header the app passed, which Node would have thrown at the handler.
      fail(appError);
      return false;
    }
  };
  const settle = (result: CommitResult) => {
    state = DONE;
    const calls = held;
    held = [];
    const head = calls.find((call) => call.method === 'writeHead');
    if (!apply(result, head)) return;
    try {
      for (const call of calls) through(call.method, call.args);
    } catch (appError) {
      fail(appError);
    }
  };

  const enter = (method: Method, args: unknown[]): unknown => {
    if (state === DONE) return through(method, args);
    if (state === FAILED) return DROPPED;
    if (state === COMMITTING) {
      held.push({ method, args });
      return DROPPED;
    }
    let result: CommitResult | Promise<CommitResult>;
    try {
      result = commit();
    } catch (error) {
      fail(error);
      return DROPPED;
    }
    if (result instanceof Promise) {
      state = COMMITTING;
      held.push({ method, args });
      result.then(settle, (error: unknown) => fail(error ?? new Error('commit failed')));
      return DROPPED;
    }
    state = DONE;
    const call = { method, args };
    if (!apply(result, method === 'writeHead' ? call : undefined)) return DROPPED;
    return through(method, call.args);
  };

  if (base) {
    GATES.set(res, enter);
    return;
  }
  res.writeHead = ((...args: unknown[]) => answer(res, 'writeHead', enter('writeHead', args))) as ServerResponse['writeHead'];
  res.write = ((...args: unknown[]) => answer(res, 'write', enter('write', args))) as ServerResponse['write'];
  res.end = ((...args: unknown[]) => answer(res, 'end', enter('end', args))) as ServerResponse['end'];
  res.flushHeaders = () => void enter('flushHeaders', []);
}

/** What a held or dropped call answers: `write` says the data was taken, the others return `res`. */
const DROPPED = Symbol('dropped');

const METHODS: readonly Method[] = ['writeHead', 'write', 'end', 'flushHeaders'];

/** What a gated call returns to the app, as the method it stands for would. */
function answer(res: ServerResponse, method: Method, result: unknown): unknown {
  if (method === 'write') return result === DROPPED ? true : result;
  return method === 'flushHeaders' ? undefined : res;
}

/*
 * Express gives every response its app's prototype (`setPrototypeOf` per request), and V8 makes
 * each own property then added to that object expensive, far more than on a plain `ServerResponse`
 * (docs/benchmarks/profile.md has the figures). So for Express the
 * four methods go once on its base response prototype, each finds its response's gate in a
 * WeakMap, and a response without one (not under the session middleware) passes straight through.
 */
const GATES = new WeakMap<ServerResponse, (method: Method, args: unknown[]) => unknown>();
const PROTOTYPE_ORIGINALS = new WeakMap<object, Originals>();

/**
 * The prototype that carries the gate for this response: the framework's base response object,
 * the one just above Node's `ServerResponse.prototype` (Express's, shared by every app and mounted
 * sub-app, whose prototypes it swaps in and out). Undefined, and own closures are used instead,
 * for a plain `ServerResponse`, or when the response or an object on the way already has its own
 * methods (a middleware that wrapped `res.end` first captured the ungated one, so only own
 * closures can come before it).
 */
function gatePrototypeOf(res: ServerResponse): object | undefined {
  if (METHODS.some((method) => Object.hasOwn(res, method))) return undefined;
  let prototype = Object.getPrototypeOf(res) as object | null;
  while (prototype !== null && prototype !== ServerResponse.prototype) {
    const parent = Object.getPrototypeOf(prototype) as object | null;
    if (parent === ServerResponse.prototype) return prototype;
    if (METHODS.some((method) => Object.hasOwn(prototype as object, method))) return undefined;
    prototype = parent;
  }
  return undefined;
}

/** Puts the dispatching methods on `prototype` once; returns the methods they stand in front of. */
function gatedPrototype(prototype: object): Originals {
  const known = PROTOTYPE_ORIGINALS.get(prototype);
  if (known) return known;
  const target = prototype as Originals;
  const originals: Originals = { writeHead: target.writeHead, write: target.write, end: target.end, flushHeaders: target.flushHeaders };
  for (const method of METHODS) {
    const ungated = originals[method] as (...args: unknown[]) => unknown;
    Object.defineProperty(prototype, method, {
      configurable: true,
      writable: true,
      value: function gated(this: ServerResponse, ...args: unknown[]) {
        const enter = GATES.get(this);
        return enter ? answer(this, method, enter(method, args)) : ungated.apply(this, args);
      },
    });
  }
  PROTOTYPE_ORIGINALS.set(prototype, originals);
  return originals;
}

type Report = ((event: SessionEvent) => void) | undefined;

/**
 * Adds the commit's headers to the response. Headers the app passed to a held `writeHead` are
 * moved onto `res` first (never by changing the app's object, which may be shared or frozen), so
 * both the app's `Set-Cookie`/`Vary` and ours survive.
 */
function applyResult(res: ServerResponse, result: CommitResult, head: Call | undefined, onEvent: Report): void {
  if (head) {
    const merged = withHeadHeaders(res, result, head.args, onEvent);
    if (merged) {
      head.args = merged;
      return;
    }
    head.args = absorbHeadHeaders(res, head.args);
  }
  if (result.vary) res.setHeader('Vary', varyWithCookie(res.getHeader('Vary')));
  if (result.setCookie) {
    appendHeaderValue(res, 'Set-Cookie', result.setCookie);
    res.setHeader('Cache-Control', sessionCacheControl(res.getHeader('Cache-Control'), onEvent));
  }
}

/**
 * The common `writeHead(status, [message], { ...headers })`: our headers go into a copy of the
 * app's object, which keeps Node's fast path (headers handed straight to writeHead, nothing set
 * one by one). The app's own values come first, as Node would merge them (the object's value of a
 * name replaces one set with `setHeader`). `undefined` for any other form of call.
 */
function withHeadHeaders(res: ServerResponse, result: CommitResult, args: unknown[], onEvent: Report): unknown[] | undefined {
  const [status, second, third] = args;
  const hasMessage = typeof second === 'string';
  const headers = hasMessage ? third : second;
  if (headers === null || typeof headers !== 'object' || Array.isArray(headers)) return undefined;
  const given = headers as Record<string, unknown>;
  const merged: Record<string, unknown> = {};
  let varyName: string | undefined;
  let cookieName: string | undefined;
  let cacheName: string | undefined;
  for (const name of Object.keys(given)) {
    merged[name] = given[name];
    const lower = name.toLowerCase();
    if (lower === 'vary') varyName = name;
    else if (lower === 'set-cookie') cookieName = name;
    else if (lower === 'cache-control') cacheName = name;
  }
  if (result.vary) {
    const current = varyName === undefined ? res.getHeader('Vary') : given[varyName];
    merged[varyName ?? 'Vary'] = varyWithCookie(current as string | number | string[] | undefined);
  }
  if (result.setCookie) {
    const cookies = cookieName === undefined ? res.getHeader('Set-Cookie') : given[cookieName];
    merged[cookieName ?? 'Set-Cookie'] = cookies === undefined ? result.setCookie : [...listOf(cookies), result.setCookie];
    const current = cacheName === undefined ? res.getHeader('Cache-Control') : given[cacheName];
    merged[cacheName ?? 'Cache-Control'] = sessionCacheControl(current as string | number | string[] | undefined, onEvent);
  }
  return hasMessage ? [status, second, merged] : [status, merged];
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
