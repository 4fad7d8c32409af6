import { cryptoProvider } from '../core/crypto/index.js';
import { newToken } from '../core/random.js';
import type { SessionData } from '../core/types.js';
import type { Session } from '../engine/session.js';
import type { AnySession } from '../engine/session-internals.js';
import {
  type CsrfCookieJar,
  type CsrfVisitor,
  newVisitorCookie,
  resolveCsrfCookie,
  visitorSecretOf,
  visitorToken,
} from './visitor-cookie.js';

/**
 * The session key the token lives under. Reserved: apps should not write it themselves (doing so
 * only replaces their own token, never another user's).
 */
export const CSRF_SESSION_KEY = '__hallpass_csrf';

/** Methods that must not change state, so they need no token (RFC 9110 "safe" methods). */
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS', 'TRACE']);

/** Why a request was refused: it carried no token, or one that is not this session's current token. */
export type CsrfFailureReason = 'missing' | 'invalid';

/** The outcome of a check: never an exception. */
export type CsrfResult = { ok: true } | { ok: false; reason: CsrfFailureReason };

interface StoredToken {
  token: string;
  /** A digest of the session ID the token was minted for: a regenerated session gets a new token. */
  session: string;
}

const digest = (text: string) => cryptoProvider().sha256(text);
const bindingOf = (session: AnySession) => cryptoProvider().sha256Base64url(`hallpass/csrf\0${session.id}`).slice(0, 22);

function storedOf(session: AnySession): StoredToken | undefined {
  const value = session.get(CSRF_SESSION_KEY) as Partial<StoredToken> | undefined;
  if (value === null || typeof value !== 'object' || typeof value.token !== 'string' || typeof value.session !== 'string') return undefined;
  return value.session === bindingOf(session) ? (value as StoredToken) : undefined;
}

/**
 * The session's CSRF token, to render into forms (a hidden `_csrf` field) or hand to scripts (sent
 * back in the `x-csrf-token` header).
 *
 * Without `jar`: 256 random bits minted on first use and kept in the session, so an anonymous
 * visitor gets a session (a cookie, and in server mode a store record) that the token is bound to.
 *
 * With `jar` (the request's `Cookie` header and a way to add a `Set-Cookie`): a visitor who has no
 * session and is not getting one in this request gets a token bound to a small `__Host-csrf` cookie
 * instead, so a page that only renders a form writes no session and no store record. Send such a
 * response with `Cache-Control: private, no-store`. Once the visitor has a session (or the request
 * is creating one), the token is kept in the session as without `jar`.
 *
 * Either way a regenerated session (a login) gets a new session token, so a token seen before
 * login is useless once the session has its own.
 *
 * @example
 * ```ts
 * import { csrfToken } from 'hallpass/csrf'
 * // any framework: a page for anonymous visitors that writes no session
 * const token = csrfToken(session, { cookie: request.headers.get('cookie'), setCookie: (value) => headers.append('Set-Cookie', value) })
 * // a session that exists anyway
 * res.end(`<form method="post"><input type="hidden" name="_csrf" value="${csrfToken(req.session)}">...`)
 * ```
 */
export function csrfToken<T extends SessionData>(session: Session<T>, jar?: CsrfCookieJar): string {
  const plain: AnySession = session;
  const stored = storedOf(plain);
  if (stored) return stored.token;
  if (jar !== undefined && plain.isNew && isEmpty(plain)) return tokenFromCookie(plain, jar);
  const token = newToken();
  plain.set(CSRF_SESSION_KEY, { token, session: bindingOf(plain) });
  return token;
}

/** A session nobody wrote to: committing it saves nothing and sets no cookie. */
const isEmpty = (session: AnySession) => session.userId === undefined && session.keys().length === 0;

/** Secrets minted in this request, per session, so two forms on one page share one cookie. */
const mintedSecrets = new WeakMap<object, string>();

function tokenFromCookie(session: AnySession, jar: CsrfCookieJar): string {
  const cookie = resolveCsrfCookie(jar);
  let secret = mintedSecrets.get(session) ?? visitorSecretOf(jar.cookie, cookie);
  if (secret === undefined) {
    const minted = newVisitorCookie(cookie);
    secret = minted.secret;
    mintedSecrets.set(session, secret);
    jar.setCookie(minted.setCookie);
  }
  return visitorToken(secret);
}

/**
 * Checks the token a request carried against the session's. Safe methods (GET, HEAD, OPTIONS, TRACE)
 * pass; anything else needs the session's current token, or, for a new session nobody has written
 * yet, the token of the visitor's CSRF cookie (found in `visitor.cookie`, the request's `Cookie`
 * header). The comparison is constant-time over
 * fixed-length digests, so neither the content nor the length of the token leaks through timing.
 * Never throws: a destroyed or unreadable session is simply `invalid`.
 *
 * @example
 * ```ts
 * const result = verifyCsrf(req.session, req.method, req.headers['x-csrf-token'])
 * if (!result.ok) return res.writeHead(403).end(JSON.stringify({ error: 'csrf_failed', reason: result.reason }))
 * ```
 */
export function verifyCsrf<T extends SessionData>(
  session: Session<T>,
  method: string | undefined,
  supplied: unknown,
  visitor?: CsrfVisitor,
): CsrfResult {
  if (SAFE_METHODS.has(String(method ?? 'GET').toUpperCase())) return { ok: true };
  const given = Array.isArray(supplied) ? supplied[0] : supplied;
  if (typeof given !== 'string' || given === '') return { ok: false, reason: 'missing' };
  // Outside the try: options that make no cookie are the app's mistake, not the request's.
  const cookie = visitor === undefined ? undefined : resolveCsrfCookie(visitor);
  let expected: string | undefined;
  try {
    expected = storedOf(session)?.token;
    // The visitor's cookie stands in only for a session nobody wrote yet (the one an anonymous form
    // posts into), as `csrfToken` hands it out: a session with a user or data has its own token.
    if (expected === undefined && cookie !== undefined && session.isNew && isEmpty(session)) {
      const secret = visitorSecretOf((visitor as CsrfVisitor).cookie, cookie);
      if (secret !== undefined) expected = visitorToken(secret);
    }
  } catch {
    expected = undefined;
  }
  // Compare even when the session has no token, against a value no request can match, so the time
  // taken does not tell an attacker whether the session had one.
  const matches = cryptoProvider().timingSafeEqual(digest(given), digest(expected ?? `\0no-token\0${given}`));
  return matches && expected !== undefined ? { ok: true } : { ok: false, reason: 'invalid' };
}
