/**
 * `hallpass/csrf`: an opt-in synchronizer token bound to the session. `csrfToken(session)` gives
 * the token to render into forms or hand to scripts; `verifyCsrf` (or `requireCsrf`,
 * `csrfMiddleware`, `checkCsrfRequest`) refuses unsafe requests (POST, PUT, PATCH, DELETE...) that
 * do not carry it, with a 403 and a JSON reason, never an exception.
 *
 * The token is 256 random bits kept in the session rather than an HMAC of the session ID: it needs
 * no secret (server mode has none), and it can be dropped with the session. It is bound to the
 * session ID it was minted for, so `regenerate()` on login yields a new token. For a visitor who
 * has no session, `csrfToken(session, jar)` and `csrfTokenFor(req, res)` bind the token to a
 * `__Host-csrf` cookie instead, so a page that renders a form writes no session (and, in server
 * mode, no store record); docs/security.md explains the choice.
 *
 * @example
 * ```ts
 * import { csrfTokenFor, requireCsrf } from 'hallpass/csrf'
 *
 * createServer(withSessions(sessions, async (req, res) => {
 *   if (req.method === 'GET') return res.end(`<input type="hidden" name="_csrf" value="${csrfTokenFor(req, res)}">`)
 *   const body = await readForm(req)
 *   if (!requireCsrf(req, res, { body })) return // 403 {"error":"csrf_failed","reason":"missing"|"invalid"}
 *   ...
 * }))
 * ```
 * @module
 */

export { CSRF_BODY_LIMIT } from './form-body.js';
export type { CsrfOptions } from './http.js';
export { checkCsrfRequest, csrfFailureBody, csrfMiddleware, csrfTokenFor, csrfTokenFrom, requireCsrf } from './http.js';
export type { CsrfFailureReason, CsrfResult } from './token.js';
export { CSRF_SESSION_KEY, csrfToken, verifyCsrf } from './token.js';
export type { CsrfCookieJar, CsrfCookieOptions, CsrfVisitor } from './visitor-cookie.js';
