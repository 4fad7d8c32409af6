/** What the commit step asks an adapter to add to the response. */
export interface CommitResult {
  /** A `Set-Cookie` header value to append, when the cookie must be written or expired (the first, when there are several). */
  setCookie?: string;
  /**
   * Further `Set-Cookie` values to append after `setCookie`: a chunked session's other chunks, and
   * the stale chunks it expires (`createSessions({ chunked: true })`). Absent for a single cookie.
   */
  moreCookies?: readonly string[];
  /** The response depends on the session cookie: append `Vary: Cookie`. */
  vary: boolean;
}

export const NOTHING: CommitResult = Object.freeze({ vary: false });
export const VARY_ONLY: CommitResult = Object.freeze({ vary: true });

/** A result that sets `cookies` (none: only `vary`). */
export function withCookies(cookies: readonly string[], vary: boolean): CommitResult {
  if (cookies.length === 0) return { vary };
  if (cookies.length === 1) return { setCookie: cookies[0], vary };
  return { setCookie: cookies[0], moreCookies: cookies.slice(1), vary };
}

/** Every `Set-Cookie` value of a result, in order. */
export function setCookiesOf(result: CommitResult): readonly string[] {
  if (result.setCookie === undefined) return [];
  return result.moreCookies === undefined ? [result.setCookie] : [result.setCookie, ...result.moreCookies];
}
