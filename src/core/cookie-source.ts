/**
 * A request's `Cookie` header, or a function that reads it. Adapters pass the function: in cookie
 * mode it runs only when the app first uses the session, so a request that never does is spared
 * even building the header (some runtimes assemble request headers on first access).
 */
export type CookieSource = string | null | undefined | (() => string | null | undefined);

export function cookieHeaderOf(source: CookieSource): string | null | undefined {
  return typeof source === 'function' ? source() : source;
}
