import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import type { Session } from '../core/session.js';
import type { SessionData } from '../core/types.js';
import { formFieldOf } from './form-body.js';
import { type CsrfFailureReason, type CsrfResult, verifyCsrf } from './token.js';

/** Where a request may carry its token. */
export interface CsrfOptions {
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
    ? verifyCsrf(carrier.session, req.method, csrfTokenFrom(req.headers, body, options))
    : { ok: false, reason: 'invalid' };
  if (result.ok) return true;
  if (!res.headersSent) {
    res.writeHead(403, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' });
    res.end(csrfFailureBody(result.reason));
  }
  return false;
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
  const result = verifyCsrf(session, request.method, supplied);
  if (result.ok) return undefined;
  return new Response(csrfFailureBody(result.reason), {
    status: 403,
    headers: { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' },
  });
}
