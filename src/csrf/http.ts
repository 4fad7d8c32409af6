import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import { sessionCacheControl } from '../adapters/response-headers.js';
import type { SessionData } from '../core/types.js';
import type { Session } from '../engine/session.js';
import { formFieldOf } from './form-body.js';
import { type CsrfFailureReason, type CsrfResult, csrfToken, verifyCsrf } from './token.js';
import { type CsrfCookieOptions, resolveCsrfCookie } from './visitor-cookie.js';

/**
 * Where a request may carry its token, and the cookie that binds the token of a visitor without a
 * session (see `csrfToken` with a jar; give the checks the same cookie options).
 */
export interface CsrfOptions extends CsrfCookieOptions {
  /** Request header read first. Default `"x-csrf-token"`. */
  header?: string;
  /** Form or JSON body field read when the header is absent. Default `"_csrf"`. */
  field?: string;
}

/** The body of the 403 answer: a stable `error` and the reason, never the token. */
export function csrfFailureBody(reason: CsrfFailureReason): string {
  return JSON.stringify({ error: 'csrf_failed', reason });
}

/** The token a request carries: the header, else the body field (a parsed form or JSON object). */
export function csrfTokenFrom(headers: IncomingHttpHeaders | Headers, body: unknown, options: CsrfOptions = {}): unknown {
  const name = (options.header ?? 'x-csrf-token').toLowerCase();
  const header = headers instanceof Headers ? headers.get(name) : headers[name];
  if (header !== undefined && header !== null && header !== '') return header;
  if (body !== null && typeof body === 'object' && !Array.isArray(body)) {
    const field = options.field ?? '_csrf';
    return Object.hasOwn(body, field) ? (body as Record<string, unknown>)[field] : undefined;
  }
  return undefined;
}

type SessionCarrier = IncomingMessage & { session: Session<SessionData>; body?: unknown };

/**
 * For `node:http` (and Express-style) handlers: checks the request and, when it fails, answers
 * `403 {"error":"csrf_failed","reason":...}` itself and returns `false`. The token is read from the
 * header, else from `options.body` or `req.body` (a body some earlier step parsed).
 *
 * @example
 * ```ts
 * createServer(withSessions(sessions, async (req, res) => {
 *   const body = await readForm(req)
 *   if (!requireCsrf(req, res, { body })) return
 *   ...
 * }))
 * ```
 */
export function requireCsrf(req: IncomingMessage, res: ServerResponse, options: CsrfOptions & { body?: unknown } = {}): boolean {
  const carrier = req as SessionCarrier;
  const body = options.body !== undefined ? options.body : carrier.body;
  const result: CsrfResult = carrier.session
    ? verifyCsrf(carrier.session, req.method, csrfTokenFrom(req.headers, body, options), { ...options, cookie: req.headers.cookie })
    : { ok: false, reason: 'invalid' };
  if (result.ok) return true;
  if (!res.headersSent) {
    res.writeHead(403, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' });
    res.end(csrfFailureBody(result.reason));
  }
  return false;
}

/**
 * For `node:http` (and Express-style) pages: the request's CSRF token, as `csrfToken(req.session, jar)`
 * with the jar filled in. A visitor without a session gets a token bound to a `__Host-csrf` cookie,
 * set on `res` with `Cache-Control: private, no-store` (a shared cache must not hand one visitor's
 * cookie and token to the next), and no session is written.
 *
 * @example
 * ```ts
 * app.get('/login', (req, res) => {
 *   res.send(`<form method="post"><input type="hidden" name="_csrf" value="${csrfTokenFor(req, res)}">...`)
 * })
 * ```
 */
export function csrfTokenFor(req: IncomingMessage, res: ServerResponse, options: CsrfCookieOptions = {}): string {
  const session = (req as SessionCarrier).session;
  return csrfToken(session, {
    ...options,
    cookie: req.headers.cookie,
    setCookie: (value) => {
      const existing = res.getHeader('Set-Cookie');
      // A new list, never a push into one the app handed to setHeader (it may be shared).
      res.setHeader('Set-Cookie', existing === undefined ? value : [...(Array.isArray(existing) ? existing : [String(existing)]), value]);
      res.setHeader('Cache-Control', sessionCacheControl(res.getHeader('Cache-Control')));
    },
  });
}

/**
 * Connect/Express middleware: `next()` when the request passes, a 403 JSON answer otherwise. Mount
 * it after the session middleware and after a body parser if forms send the token as a field.
 *
 * @example
 * ```ts
 * app.use(expressSession(sessions), express.urlencoded({ extended: false }), csrfMiddleware())
 * ```
 */
export function csrfMiddleware(options: CsrfOptions = {}) {
  resolveCsrfCookie(options); // a misconfigured cookie is a ConfigError now, not in a request
  return (req: IncomingMessage, res: ServerResponse, next: (error?: unknown) => void): void => {
    if (requireCsrf(req, res, options)) next();
  };
}

/**
 * For fetch-style handlers (`hallpass/fetch`, Hono): checks a `Request`, reading a form field from
 * a clone of the body when the header is absent. Resolves a 403 `Response` to return, or `undefined`
 * when the request passes. At most the first 64 KiB of a form body are read (`CSRF_BODY_LIMIT`): a
 * token field that is not complete within them counts as missing, so put the hidden `_csrf` input
 * first in large forms, or send the `x-csrf-token` header.
 *
 * @example
 * ```ts
 * const refused = await checkCsrfRequest(session, request)
 * if (refused) return refused
 * ```
 */
export async function checkCsrfRequest<T extends SessionData>(
  session: Session<T>,
  request: Request,
  options: CsrfOptions = {},
): Promise<Response | undefined> {
  let supplied = csrfTokenFrom(request.headers, undefined, options);
  const type = request.headers.get('content-type') ?? '';
  if (supplied === undefined && /^(application\/x-www-form-urlencoded|multipart\/form-data)/i.test(type)) {
    supplied = await formFieldOf(request, type, options.field ?? '_csrf');
  }
  const result = verifyCsrf(session, request.method, supplied, { ...options, cookie: request.headers.get('cookie') });
  if (result.ok) return undefined;
  return new Response(csrfFailureBody(result.reason), {
    status: 403,
    headers: { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' },
  });
}
