/**
 * The per-call cookie options of React Router's `commitSession(session, options)` and
 * `destroySession(session, options)`. hallpass writes one set of cookie attributes, fixed by
 * `createSessions`, so that every response agrees on them (a `__Host-` name, `SameSite=None`
 * with `Secure`); only a lifetime may be given per call, and only to shorten the cookie.
 */
import { serializeCookie } from '../../core/cookie.js';
import { HallpassError } from '../../core/errors.js';
import type { ResolvedOptions } from '../../engine/options.js';

const LIFETIME_KEYS: ReadonlySet<string> = new Set(['maxAge', 'expires']);

/**
 * The browser lifetime (seconds) a call asks for, or `undefined` for the configured one. Throws
 * `ERR_OPTION` for any other attribute: silently ignoring it would write a cookie the app did not ask for.
 */
export function requestedLifetime(options: object | undefined, caller: string, nowMs: number): number | undefined {
  if (options === undefined || options === null) return undefined;
  const { maxAge, expires } = options as { maxAge?: unknown; expires?: unknown };
  for (const [key, value] of Object.entries(options)) {
    if (value === undefined || LIFETIME_KEYS.has(key)) continue;
    throw new HallpassError(
      'ERR_OPTION',
      `${caller}(session, { ${key} }) is not supported: hallpass sets the session cookie's attributes once, in ` +
        'createSessions({ path, domain, sameSite, secure, httpOnly, partitioned }), so every response writes the same cookie. ' +
        'Per call, only maxAge or expires may shorten the cookie.',
    );
  }
  if (maxAge !== undefined) {
    if (typeof maxAge !== 'number' || !Number.isFinite(maxAge) || maxAge < 0) {
      throw new HallpassError(
        'ERR_OPTION',
        `${caller}(session, { maxAge }) must be a number of seconds, 0 or more; got ${String(maxAge)}.`,
      );
    }
    return Math.floor(maxAge);
  }
  if (expires !== undefined) {
    if (!(expires instanceof Date) || Number.isNaN(expires.getTime())) {
      throw new HallpassError('ERR_OPTION', `${caller}(session, { expires }) must be a valid Date; got ${String(expires)}.`);
    }
    return Math.max(0, Math.ceil((expires.getTime() - nowMs) / 1000));
  }
  return undefined;
}

/**
 * `setCookie` (a live session cookie hallpass wrote) with `Max-Age` set to `seconds`, never past
 * the session's absolute lifetime: the server refuses the cookie then anyway.
 */
export function withLifetime(setCookie: string, seconds: number, createdAt: number, options: ResolvedOptions): string {
  const value = setCookie.slice(options.name.length + 1, setCookie.indexOf(';'));
  const remaining = createdAt + options.maxAge - Math.floor(options.now() / 1000);
  return serializeCookie(options.name, value, options.cookie, Math.min(seconds, remaining));
}
