/**
 * The answers a `node:http` response gets instead of the app's when the session cannot be loaded or
 * committed: 503 with the documented body for a store failure, 500 for anything else.
 */
import type { ServerResponse } from 'node:http';
import { HallpassError, StoreError } from '../../core/errors.js';
import type { AdapterOptions } from '../options.js';
import { STORE_UNAVAILABLE_BODY, STORE_UNAVAILABLE_HEADERS } from '../store-unavailable.js';
import { reportError } from '../support.js';
import type { Originals } from './gate-calls.js';

/** Answers 503 with the documented JSON body when `error` is a store failure; rethrows anything else. */
export function sendStoreFailure(res: ServerResponse, error: unknown, options: AdapterOptions = {}): void {
  if (!(error instanceof StoreError)) throw error;
  reportError(options, error);
  if (res.headersSent) {
    res.destroy(error);
    return;
  }
  res.writeHead(503, STORE_UNAVAILABLE_HEADERS);
  res.end(STORE_UNAVAILABLE_BODY);
}

const INTERNAL_ERROR_HEADERS = { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' };
const INTERNAL_ERROR_BODY = '{"error":"internal_server_error"}';

/** Answers 500 with a short JSON body after a handler failed (or destroys a response already under way). */
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
 * Replaces the response after a failure: 503 with the documented body for a store failure, 500 for
 * anything else (a cookie too large, an invalid header). Sent with the original methods, since the
 * gate stays in place to drop the handler's later writes.
 */
export function replaceWithFailure(res: ServerResponse, error: unknown, options: AdapterOptions, original: Originals): void {
  reportError(options, error);
  if (res.headersSent) {
    res.destroy();
    return;
  }
  for (const name of res.getHeaderNames()) res.removeHeader(name);
  const code = (error as { code?: unknown })?.code;
  const [status, headers, body]: [number, Readonly<Record<string, string>>, string] =
    error instanceof StoreError
      ? [503, STORE_UNAVAILABLE_HEADERS, STORE_UNAVAILABLE_BODY]
      : error instanceof HallpassError
        ? [500, INTERNAL_ERROR_HEADERS, JSON.stringify({ error: 'session_commit_failed', code })]
        : [500, INTERNAL_ERROR_HEADERS, INTERNAL_ERROR_BODY];
  original.writeHead.call(res, status, headers);
  (original.end as (chunk: string) => ServerResponse).call(res, body);
}
