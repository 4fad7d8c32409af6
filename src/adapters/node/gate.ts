/**
 * The response gate: holds a `node:http` response's first write (`writeHead`, `write`, `end`,
 * `flushHeaders`) until the session is committed, adds the commit's headers, then lets the calls
 * through in order.
 */
import type { ServerResponse } from 'node:http';
import type { SessionEvent } from '../../core/types.js';
import type { CommitResult } from '../../engine/commit-result.js';
import type { AdapterOptions } from '../options.js';
import { replaceWithFailure } from './failure.js';
import { answer, type Call, DROPPED, type Enter, type Method, type Originals } from './gate-calls.js';
import { applyResult } from './head-headers.js';
import { isCurrentGate, prototypeOriginals, registerGate } from './prototype-gate.js';

/**
 * Where the gate's four methods go: own properties of each response (`node:http`), or, once,
 * Express's base response prototype (`"prototype"`: Express, unless its `gateOnPrototype` option
 * is `false`).
 */
export type GatePlacement = 'response' | 'prototype';

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
export function gateResponse(
  res: ServerResponse,
  commit: () => CommitResult | Promise<CommitResult>,
  options: AdapterOptions,
  gateOn: GatePlacement,
  onEvent: ((event: SessionEvent) => void) | undefined,
  onBypass?: () => void,
): void {
  const prototypeMethods = gateOn === 'prototype' ? prototypeOriginals(res) : undefined;
  const original: Originals = prototypeMethods ?? {
    writeHead: res.writeHead,
    write: res.write,
    end: res.end,
    flushHeaders: res.flushHeaders,
  };
  let state = OPEN;
  let held: Call[] = [];
  const through = (method: Method, args: unknown[]) => (original[method] as (...a: unknown[]) => unknown).apply(res, args);

  const fail = (error: unknown) => {
    state = FAILED;
    held = [];
    replaceWithFailure(res, error, options, original);
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

  const enter: Enter = (method, args) => {
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

  if (prototypeMethods) {
    registerGate(res, enter);
    // The gate stays on the response's chain only while its prototypes descend from the framework
    // base it was put on: an app of another copy of Express, called without being mounted, takes
    // the response off it. Such a response finishes without ever entering the gate.
    // A response already sent when the gate went on (a route that answered, then called next())
    // never needed it.
    if (onBypass && !res.headersSent) res.once('finish', () => state === OPEN && isCurrentGate(res, enter) && onBypass());
    return;
  }
  res.writeHead = ((...args: unknown[]) => answer(res, 'writeHead', enter('writeHead', args))) as ServerResponse['writeHead'];
  res.write = ((...args: unknown[]) => answer(res, 'write', enter('write', args))) as ServerResponse['write'];
  res.end = ((...args: unknown[]) => answer(res, 'end', enter('end', args))) as ServerResponse['end'];
  res.flushHeaders = () => void enter('flushHeaders', []);
}
