/**
 * Header merging for the `node:http` gate: the commit's `Vary`, `Set-Cookie` and `Cache-Control`
 * joined with what the app set with `setHeader` or passes to `writeHead`, as Node itself would
 * merge them, without changing any object the app handed over.
 */
import type { ServerResponse } from 'node:http';
import type { SessionEvent } from '../../core/types.js';
import { type CommitResult, setCookiesOf } from '../../engine/commit-result.js';
import { sessionCacheControl, varyWithCookie } from '../response-headers.js';
import type { Call } from './gate-calls.js';

type Report = ((event: SessionEvent) => void) | undefined;

/**
 * Adds the commit's headers to the response. Headers the app passed to a held `writeHead` are
 * moved onto `res` first (never by changing the app's object, which may be shared or frozen), so
 * both the app's `Set-Cookie`/`Vary` and ours survive.
 */
export function applyResult(res: ServerResponse, result: CommitResult, head: Call | undefined, onEvent: Report): void {
  if (head) {
    const merged = withHeadHeaders(res, result, head.args, onEvent);
    if (merged) {
      head.args = merged;
      return;
    }
    head.args = absorbHeadHeaders(res, head.args);
  }
  if (!result.setCookie) {
    if (result.vary) res.setHeader('Vary', varyWithCookie(res.getHeader('Vary')));
    return;
  }
  // Three headers to merge: read them in one call (on Express each call on a response is a
  // lookup V8 cannot cache, as every response there has a hidden class of its own).
  const current = res.getHeaders();
  if (result.vary) res.setHeader('Vary', varyWithCookie(current.vary));
  const ours = result.moreCookies ? setCookiesOf(result) : result.setCookie;
  const cookies = current['set-cookie'];
  res.setHeader('Set-Cookie', cookies === undefined ? copyOf(ours) : [...listOf(cookies), ...listOf(ours)]);
  res.setHeader('Cache-Control', sessionCacheControl(current['cache-control'], onEvent));
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
    const ours = result.moreCookies ? setCookiesOf(result) : [result.setCookie];
    merged[cookieName ?? 'Set-Cookie'] = cookies === undefined ? (ours.length === 1 ? ours[0] : [...ours]) : [...listOf(cookies), ...ours];
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
