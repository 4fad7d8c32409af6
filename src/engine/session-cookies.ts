import { type CookieAttributes, cookieCandidates, expireCookie, MAX_COOKIE_BYTES, serializeCookie } from '../core/cookie.js';
import { CookieTooLargeError } from '../core/errors.js';
import { chunkedCookies } from './chunks.js';
import type { ResolvedOptions } from './options.js';
import type { SessionState } from './session-state.js';

/** The session cookie values a request offered, and which cookies it carried (to expire them later). */
export interface Offered {
  /** Values to try, in order, at most `MAX_COOKIE_CANDIDATES`. */
  values: string[];
  /** `values[i]` for `i >= joinedFrom` was joined from chunk cookies. */
  joinedFrom: number;
  /** How many values of the plain `<name>` cookie the request carried. */
  plain: number;
  /** How many chunk cookies (`<name>.0`, ...) the request carried (the highest index plus one). */
  chunks: number;
  /** The chunks carried have a gap (`.0` and `.2` without `.1`): they cannot make a value, and are refused as tampered. */
  gap: boolean;
}

/**
 * How cookie mode reads and writes its cookie: one `<name>` cookie, or, with `chunked`, a value
 * too large for one cookie split across `<name>.0`, `<name>.1`, ...
 */
export interface SessionCookies {
  /** The longest value a cookie (or its chunks together) may hold; anything longer is `oversized` unopened. */
  readonly maxValueBytes: number;
  read(header: string | null | undefined, onExcess: () => void): Offered;
  /** The `Set-Cookie` values that write `value`, expiring what the request carried and `value` no longer needs. Throws `CookieTooLargeError`. */
  write(value: string, maxAge: number | undefined, state: SessionState): string[];
  /** The `Set-Cookie` values that expire every session cookie the request carried. */
  expire(state: SessionState): string[];
}

export function sessionCookies(options: ResolvedOptions): SessionCookies {
  return options.chunked
    ? chunkedCookies(options.name, options.cookie, options.chunked.maxBytes)
    : singleCookie(options.name, options.cookie);
}

function singleCookie(name: string, attributes: CookieAttributes): SessionCookies {
  return {
    maxValueBytes: MAX_COOKIE_BYTES,
    read(header, onExcess) {
      const values = cookieCandidates(header, name, onExcess);
      return { values, joinedFrom: values.length, plain: values.length, chunks: 0, gap: false };
    },
    write(value, maxAge) {
      const cookie = serializeCookie(name, value, attributes, maxAge);
      if (cookie.length > MAX_COOKIE_BYTES) throw new CookieTooLargeError(cookie.length, name);
      return [cookie];
    },
    expire: (state) => (state.cookiesSent > 0 ? [expireCookie(name, attributes)] : []),
  };
}
