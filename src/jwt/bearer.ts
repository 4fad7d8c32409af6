import type { IncomingMessage, ServerResponse } from 'node:http';
import { storeUnavailableReply } from '../adapters/store-unavailable.js';
import { reportError } from '../adapters/support.js';
import { ConfigError, StoreError } from '../core/errors.js';
import { TOKEN_ERROR_DESCRIPTIONS, TokenError, type TokenErrorCode } from './errors.js';
import type { Tokens } from './tokens.js';
import type { TokenClaims } from './verify.js';

/** Options every bearer middleware takes. */
export interface BearerOptions {
  /** `realm` of the `WWW-Authenticate` challenge. Default: none. */
  realm?: string;
  /** Told about store failures, which answer 503. Default `console.error`. */
  onError?: (error: unknown) => void;
}

/** What the one bearer check decided: claims for the request, or the response to send instead. */
export type BearerResult =
  | { ok: true; claims: TokenClaims }
  | { ok: false; status: 401 | 503; headers: Record<string, string>; body: string };

// RFC 6750 section 2.1: "Bearer" 1*SP b64token, the scheme case-insensitive.
const BEARER = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i;
const QUOTABLE = /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/;

function checkOptions(options: BearerOptions): void {
  if (options.realm !== undefined && (typeof options.realm !== 'string' || !QUOTABLE.test(options.realm))) {
    throw new ConfigError('ERR_OPTION', '`realm` must be printable ASCII without quotes or backslashes.');
  }
}

function refuse(options: BearerOptions, code?: TokenErrorCode): BearerResult {
  const params = options.realm === undefined ? [] : [`realm="${options.realm}"`];
  let body: string;
  if (code === undefined) {
    // RFC 6750 section 3.1: a request with no credentials gets the bare challenge, no error code.
    body = JSON.stringify({ error: 'unauthorized', error_description: 'A bearer token is required' });
  } else {
    const description = TOKEN_ERROR_DESCRIPTIONS[code];
    params.push('error="invalid_token"', `error_description="${description}"`);
    body = JSON.stringify({ error: 'invalid_token', error_description: description });
  }
  const challenge = params.length === 0 ? 'Bearer' : `Bearer ${params.join(', ')}`;
  return {
    ok: false,
    status: 401,
    headers: { 'Content-Type': 'application/json', 'Cache-Control': 'no-store', 'WWW-Authenticate': challenge },
    body,
  };
}

/**
 * The bearer check every framework helper wraps: reads `Authorization: Bearer <token>`, verifies the
 * token, and says what to answer. Only the header is read: never a query string, body or cookie.
 * A store failure answers 503; any other unexpected error rejects.
 *
 * @example
 * ```ts
 * const result = await authenticateBearer(tokens, request.headers.get('authorization'))
 * if (!result.ok) return new Response(result.body, { status: result.status, headers: result.headers })
 * ```
 */
export async function authenticateBearer(
  tokens: Pick<Tokens, 'verify'>,
  authorization: string | null | undefined,
  options: BearerOptions = {},
): Promise<BearerResult> {
  const match = typeof authorization === 'string' ? BEARER.exec(authorization) : null;
  if (!match) {
    const presented = typeof authorization === 'string' && /^bearer(\s|$)/i.test(authorization);
    return refuse(options, presented ? 'ERR_JWT_INVALID' : undefined);
  }
  try {
    return { ok: true, claims: await tokens.verify(match[1]!) };
  } catch (error) {
    if (error instanceof TokenError) return refuse(options, error.tokenCode);
    if (!(error instanceof StoreError)) throw error;
    reportError(options, error);
    return { ok: false, ...storeUnavailableReply() };
  }
}

/** A `node:http` request after the bearer check: `req.auth` holds the verified claims. */
export type BearerRequest = IncomingMessage & { auth: TokenClaims };

function send(res: ServerResponse, result: Extract<BearerResult, { ok: false }>): void {
  res.writeHead(result.status, result.headers);
  res.end(result.body);
}

/**
 * Bearer middleware in the `(req, res, next)` shape: Express (4 and 5), Connect, and `node:http`
 * stacks. Puts the claims on `req.auth` and calls `next()`, or answers 401 itself.
 *
 * @example
 * ```ts
 * app.get('/me', nodeBearer(tokens), (req, res) => res.json({ user: req.auth.sub }))
 * ```
 */
export function nodeBearer(tokens: Pick<Tokens, 'verify'>, options: BearerOptions = {}) {
  checkOptions(options);
  return async (req: IncomingMessage, res: ServerResponse, next: (error?: unknown) => void): Promise<void> => {
    let result: BearerResult;
    try {
      result = await authenticateBearer(tokens, req.headers.authorization, options);
    } catch (error) {
      next(error);
      return;
    }
    if (!result.ok) return send(res, result);
    (req as BearerRequest).auth = result.claims;
    next();
  };
}

/**
 * Wraps a `node:http` handler so it runs only with a verified token, `req.auth` set.
 *
 * @example
 * ```ts
 * createServer(withBearer(tokens, (req, res) => res.end(`hello ${req.auth.sub}`)))
 * ```
 */
export function withBearer(
  tokens: Pick<Tokens, 'verify'>,
  handler: (req: BearerRequest, res: ServerResponse) => unknown,
  options: BearerOptions = {},
): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  checkOptions(options);
  return async (req, res) => {
    try {
      const result = await authenticateBearer(tokens, req.headers.authorization, options);
      if (!result.ok) return send(res, result);
      (req as BearerRequest).auth = result.claims;
      await handler(req as BearerRequest, res);
    } catch (error) {
      reportError(options, error);
      if (res.headersSent) res.destroy();
      else {
        res.writeHead(500, { 'Content-Type': 'application/json' });
        res.end('{"error":"internal_server_error"}');
      }
    }
  };
}

/**
 * Wraps a fetch handler `(request, claims, ...rest) => Response`: it runs only with a verified token.
 *
 * @example
 * ```ts
 * export default { fetch: fetchBearer(tokens, (request, claims) => Response.json({ user: claims.sub })) }
 * ```
 */
export function fetchBearer<Rest extends unknown[] = []>(
  tokens: Pick<Tokens, 'verify'>,
  handler: (request: Request, claims: TokenClaims, ...rest: Rest) => Response | Promise<Response>,
  options: BearerOptions = {},
): (request: Request, ...rest: Rest) => Promise<Response> {
  checkOptions(options);
  return async (request, ...rest) => {
    const result = await authenticateBearer(tokens, request.headers.get('authorization'), options);
    if (!result.ok) return new Response(result.body, { status: result.status, headers: result.headers });
    return handler(request, result.claims, ...rest);
  };
}

export { checkOptions as checkBearerOptions };
