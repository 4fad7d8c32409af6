/**
 * The response gate: holds a `node:http` response's first write (`writeHead`, `write`, `end`,
 * `flushHeaders`) until the session is committed, adds the commit's headers, then lets the calls
 * through in order.
 */
import { EventEmitter } from 'node:events';
import type { ServerResponse } from 'node:http';
import type { SessionData } from '../../core/types.js';
import type { CommitResult } from '../../engine/commit-result.js';
import type { AnySession } from '../../engine/session-internals.js';
import type { Sessions } from '../../engine/sessions.js';
import { commitNow } from '../../engine/sessions-internals.js';
import type { AdapterOptions } from '../options.js';
import { replaceWithFailure } from './failure.js';
import { answer, type Call, DROPPED, type Method, type Originals } from './gate-calls.js';
import { applyResult } from './head-headers.js';
import { currentGate, prototypeOriginals, registerGate } from './prototype-gate.js';

/**
 * Where the gate's four methods go: own properties of each response (`node:http`), or, once,
 * Express's base response prototype (`"prototype"`: Express, unless its `gateOnPrototype` option
 * is `false`).
 */
export type GatePlacement = 'response' | 'prototype';

/**
 * How an adapter wants its responses gated; one object per middleware, read at each request.
 * `expose` gives what goes on `req.session` (Express wraps the session for express-session code).
 */
export interface GateArrangement {
  gateOn: GatePlacement;
  /** Called when a response finished without ever entering its gate on the prototype. */
  onBypass?: () => void;
  expose?: (session: AnySession, req: object) => unknown;
}

const OPEN = 0;
const COMMITTING = 1;
const DONE = 2;
const FAILED = 3;

/**
 * Runs the commit at the response's first write (`writeHead`, `write`, `end` or `flushHeaders`),
 * adds its headers, then lets the call through. A commit that must wait for a store holds that
 * call and any later ones, then replays them in order. When the commit fails (or a held call is
 * invalid), the response becomes a 503 or 500 and whatever the handler writes afterwards is dropped.
 * `headersSent` is the caller's reading of `res.headersSent` (each property read on an Express
 * response misses V8's caches, so it is read once).
 */
export function gateResponse<T extends SessionData>(
  res: ServerResponse,
  sessions: Sessions<T>,
  session: AnySession,
  options: AdapterOptions,
  arrangement: GateArrangement,
  headersSent: boolean,
): void {
  const prototypeMethods = arrangement.gateOn === 'prototype' ? prototypeOriginals(res) : undefined;
  const original: Originals = prototypeMethods ?? {
    writeHead: res.writeHead,
    write: res.write,
    end: res.end,
    flushHeaders: res.flushHeaders,
  };
  const gate = new ResponseGate(res, sessions, session, options, original, arrangement);
  if (prototypeMethods) {
    // The gate stays on the response's chain only while its prototypes descend from the framework
    // base it was put on: an app of another copy of Express, called without being mounted, takes
    // the response off it. Such a response finishes without ever entering the gate. A response
    // already sent when the gate went on (a route that answered, then called next()) never needed
    // it. One listener per response, which checks the response's current gate (the middleware
    // may run twice for one response).
    const previous = currentGate(res);
    gate.checked = arrangement.onBypass !== undefined && !headersSent;
    gate.listening = previous instanceof ResponseGate && previous.listening;
    registerGate(res, gate);
    if (gate.checked && !gate.listening) {
      gate.listening = true;
      // EventEmitter's own `on`, taken from its prototype: looking `on` up on an Express response
      // walks six prototypes uncached (responses there have hidden classes of their own).
      EventEmitter.prototype.on.call(res, 'finish', reportBypass);
    }
    return;
  }
  res.writeHead = ((...args: unknown[]) => answer(res, 'writeHead', gate.enter('writeHead', args))) as ServerResponse['writeHead'];
  res.write = ((...args: unknown[]) => answer(res, 'write', gate.enter('write', args))) as ServerResponse['write'];
  res.end = ((...args: unknown[]) => answer(res, 'end', gate.enter('end', args))) as ServerResponse['end'];
  res.flushHeaders = () => void gate.enter('flushHeaders', []);
}

/** The 'finish' listener of a response gated on the prototype (`this` is the response). */
function reportBypass(this: ServerResponse): void {
  const gate = currentGate(this);
  if (gate instanceof ResponseGate) gate.finished();
}

/** One response's gate: its state, the calls it holds, and what it does at each of them. */
class ResponseGate<T extends SessionData = SessionData> {
  #state = OPEN;
  #held: Call[] = [];
  /** Whether finishing without entering this gate is a bypass (not for a response already sent). */
  checked = false;
  /** Whether the response has the 'finish' listener that checks its current gate. */
  listening = false;

  constructor(
    readonly res: ServerResponse,
    readonly sessions: Sessions<T>,
    readonly session: AnySession,
    readonly options: AdapterOptions,
    readonly original: Originals,
    readonly arrangement: GateArrangement,
  ) {}

  /** Takes one intercepted call; returns what the original returned, or `DROPPED` while held. */
  enter(method: Method, args: unknown[]): unknown {
    const state = this.#state;
    if (state === DONE) return this.#through(method, args);
    if (state === FAILED) return DROPPED;
    if (state === COMMITTING) {
      this.#held.push({ method, args });
      return DROPPED;
    }
    let result: CommitResult | Promise<CommitResult>;
    try {
      result = commitNow(this.sessions, this.session);
    } catch (error) {
      this.#fail(error);
      return DROPPED;
    }
    if (result instanceof Promise) {
      this.#state = COMMITTING;
      this.#held.push({ method, args });
      result.then(
        (settled) => this.#settle(settled),
        (error: unknown) => this.#fail(error ?? new Error('commit failed')),
      );
      return DROPPED;
    }
    this.#state = DONE;
    const call = { method, args };
    if (!this.#apply(result, method === 'writeHead' ? call : undefined)) return DROPPED;
    return this.#through(method, call.args);
  }

  /** The response finished: had it never reached the gate, it went around it. */
  finished(): void {
    if (this.checked && this.#state === OPEN) this.arrangement.onBypass?.();
  }

  #through(method: Method, args: unknown[]): unknown {
    return (this.original[method] as (...a: unknown[]) => unknown).apply(this.res, args);
  }

  #fail(error: unknown): void {
    this.#state = FAILED;
    this.#held = [];
    replaceWithFailure(this.res, error, this.options, this.original);
  }

  /** Adds the commit's headers; the first call's arguments, without the headers it carried when they were moved onto `res`. */
  #apply(result: CommitResult, head: Call | undefined): boolean {
    try {
      if (result.vary || result.setCookie) applyResult(this.res, result, head, this.sessions.options.onEvent);
      return true;
    } catch (appError) {
      // An invalid status or header the app passed, which Node would have thrown at the handler.
      this.#fail(appError);
      return false;
    }
  }

  #settle(result: CommitResult): void {
    this.#state = DONE;
    const calls = this.#held;
    this.#held = [];
    const head = calls.find((call) => call.method === 'writeHead');
    if (!this.#apply(result, head)) return;
    try {
      for (const call of calls) this.#through(call.method, call.args);
    } catch (appError) {
      this.#fail(appError);
    }
  }
}
