/**
 * A request's `Cookie` header, a function that reads it, or a `node:http`-style request whose
 * `headers.cookie` holds it. Adapters pass a function or the request: in cookie mode the header is
 * read only when the app first uses the session, so a request that never does is spared even
 * building the header (some runtimes assemble request headers on first access). The request itself
 * saves the closure (and its context) that a function would cost every request.
 */
export type CookieSource = string | null | undefined | (() => string | null | undefined) | RequestWithHeaders;

/** What a `node:http` `IncomingMessage` offers to read its `Cookie` header. */
export interface RequestWithHeaders {
  readonly headers: { readonly cookie?: string | undefined };
}

export function cookieHeaderOf(source: CookieSource): string | null | undefined {
  if (typeof source === 'function') return source();
  if (typeof source === 'object' && source !== null) return source.headers.cookie;
  return source;
}
