import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Session } from '../core/session.js';
import type { SessionData } from '../core/types.js';

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

const digest = (text: string) => createHash('sha256').update(text).digest();
const bindingOf = (session: Session<SessionData>) => digest(`hallpass/csrf\0${session.id}`).toString('base64url').slice(0, 22);

function storedOf(session: Session<SessionData>): StoredToken | undefined {
  const value = session.get(CSRF_SESSION_KEY) as Partial<StoredToken> | undefined;
  if (value === null || typeof value !== 'object' || typeof value.token !== 'string' || typeof value.session !== 'string') return undefined;
  return value.session === bindingOf(session) ? (value as StoredToken) : undefined;
}

/**
 * The session's CSRF token, to render into forms (a hidden `_csrf` field) or hand to scripts (sent
 * back in the `x-csrf-token` header). Minted on first use: 256 random bits kept in the session, so
 * an anonymous visitor gets a session (and a cookie) that the token is bound to. A regenerated
 * session (a login) gets a new token, so a token seen before login is useless after it.
 *
 * @example
 * ```ts
 * import { csrfToken } from 'hallpass/csrf'
 * res.end(`<form method="post"><input type="hidden" name="_csrf" value="${csrfToken(req.session)}">...`)
 * ```
 */
export function csrfToken<T extends SessionData>(session: Session<T>): string {
  const plain = session as unknown as Session<SessionData>;
  const stored = storedOf(plain);
  if (stored) return stored.token;
  const token = randomBytes(32).toString('base64url');
  plain.set(CSRF_SESSION_KEY, { token, session: bindingOf(plain) });
  return token;
}

/**
 * Checks the token a request carried against the session's. Safe methods (GET, HEAD, OPTIONS, TRACE)
 * pass; anything else needs the session's current token. The comparison is constant-time over
 * fixed-length digests, so neither the content nor the length of the token leaks through timing.
 * Never throws: a destroyed or unreadable session is simply `invalid`.
 *
 * @example
 * ```ts
 * const result = verifyCsrf(req.session, req.method, req.headers['x-csrf-token'])
 * if (!result.ok) return res.writeHead(403).end(JSON.stringify({ error: 'csrf_failed', reason: result.reason }))
 * ```
 */
export function verifyCsrf<T extends SessionData>(session: Session<T>, method: string | undefined, supplied: unknown): CsrfResult {
  if (SAFE_METHODS.has(String(method ?? 'GET').toUpperCase())) return { ok: true };
  const given = Array.isArray(supplied) ? supplied[0] : supplied;
  if (typeof given !== 'string' || given === '') return { ok: false, reason: 'missing' };
  let expected: string | undefined;
  try {
    expected = storedOf(session as unknown as Session<SessionData>)?.token;
  } catch {
    expected = undefined;
  }
  // Compare even when the session has no token, against a value no request can match, so the time
  // taken does not tell an attacker whether the session had one.
  const matches = timingSafeEqual(digest(given), digest(expected ?? `\0no-token\0${given}`));
  return matches && expected !== undefined ? { ok: true } : { ok: false, reason: 'invalid' };
}
