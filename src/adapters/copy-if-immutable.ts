/**
 * Changes a fetch `Response`'s headers in place, or on a copy when they are immutable: those of
 * `Response.redirect()`, `Response.error()` and a `fetch()` result throw on any change.
 */

/**
 * Runs `change` on `response.headers` and returns `response`; when the headers are immutable,
 * runs it on a copy instead (same status, headers and body stream) and returns the copy. `adopt`
 * places the copy before it is changed (Hono's `c.res` setter, which merges headers itself) and
 * returns the response to change.
 *
 * @example
 * ```ts
 * return withHeaders(Response.redirect(url, 303), (headers) => headers.set('Vary', 'Cookie'))
 * ```
 */
export function withHeaders(
  response: Response,
  change: (headers: Headers) => void,
  adopt: (copy: Response) => Response = (copy) => copy,
): Response {
  try {
    change(response.headers);
    return response;
  } catch {
    // `change` throws at its first write on immutable headers, before anything is reported.
    const copy = adopt(new Response(response.body, response));
    change(copy.headers);
    return copy;
  }
}
