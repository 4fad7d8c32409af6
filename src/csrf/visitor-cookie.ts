import { checkCookieName, readCookie, serializeCookie } from '../core/cookie.js';
import { cryptoProvider } from '../core/crypto/index.js';
import { ConfigError } from '../core/errors.js';
import { isTokenShaped, newToken } from '../core/random.js';

/**
 * The cookie a visitor without a session keeps its CSRF binding in: 256 random bits, `HttpOnly`,
 * `SameSite=Lax`, no `Max-Age` (it ends with the browser session).
 */
export interface CsrfCookieOptions {
  /** The cookie's name. Default `"__Host-csrf"`, or `"csrf"` with `secure: false`. */
  cookieName?: string;
  /**
   * Send the cookie with `Secure`. Default `true` (browsers accept it on http://localhost too); a
   * `__Host-` or `__Secure-` name requires it. Only plain-HTTP development on other hosts needs `false`.
   */
  secure?: boolean;
}

/** What a check needs to find the visitor's CSRF cookie: the request's `Cookie` header. */
export interface CsrfVisitor extends CsrfCookieOptions {
  /** The request's `Cookie` header, as it arrived. */
  cookie: string | null | undefined;
}

/** What `csrfToken` needs to bind a token to a CSRF cookie: the request's cookies and a way to set one. */
export interface CsrfCookieJar extends CsrfVisitor {
  /** Adds one `Set-Cookie` header (the value given) to the response, next to any others. */
  setCookie(value: string): void;
}

interface ResolvedCookie {
  name: string;
  secure: boolean;
}

/** Validates the cookie options; throws `ConfigError` naming the option and the fix. */
export function resolveCsrfCookie(options: CsrfCookieOptions): ResolvedCookie {
  const secure = options.secure ?? true;
  if (typeof secure !== 'boolean') throw new ConfigError('ERR_OPTION', `\`secure\` must be true or false, got ${JSON.stringify(secure)}.`);
  const name = options.cookieName ?? (secure ? '__Host-csrf' : 'csrf');
  try {
    checkCookieName(name);
  } catch {
    throw new ConfigError(
      'ERR_COOKIE_NAME',
      `\`cookieName\` must be an RFC 6265 token such as "__Host-csrf", got ${JSON.stringify(name)}.`,
    );
  }
  if (!secure && /^__(host|secure)-/i.test(name)) {
    throw new ConfigError(
      'ERR_SECURE_PREFIX',
      `A ${JSON.stringify(name)} cookie must be Secure: keep \`secure: true\`, or pick a name without the prefix.`,
    );
  }
  if (secure && !/^__host-/i.test(name)) {
    // Over HTTPS nothing forces a plain name: a sibling subdomain could plant the cookie, and with
    // it a token of its choosing. `__Host-` makes browsers refuse such a cookie.
    throw new ConfigError(
      'ERR_HOST_PREFIX',
      `\`cookieName\` must start with "__Host-" when \`secure\` is true (a sibling subdomain cannot plant such a cookie), got ${JSON.stringify(name)}. Use "__Host-csrf".`,
    );
  }
  return { name, secure };
}

/**
 * The visitor's cookie secret: the one well-formed value of the cookie, else `undefined`. Two
 * values mean someone set a second cookie of that name (tossing, without a `__Host-` name): no
 * value is trusted then, so a tossed cookie can never pass for the visitor's.
 */
export function visitorSecretOf(header: string | null | undefined, cookie: ResolvedCookie): string | undefined {
  const values = readCookie(header, cookie.name);
  return values.length === 1 && isTokenShaped(values[0] as string) ? values[0] : undefined;
}

/** A new visitor secret and the `Set-Cookie` that gives it to the browser. */
export function newVisitorCookie(cookie: ResolvedCookie): { secret: string; setCookie: string } {
  const secret = newToken();
  const attributes = { path: '/', sameSite: 'lax', secure: cookie.secure, httpOnly: true } as const;
  return { secret, setCookie: serializeCookie(cookie.name, secret, attributes) };
}

/**
 * The token pages carry for a visitor secret: its SHA-256 under a label of its own, so the page
 * never shows the cookie value and no other hallpass value (a store key is an unlabelled SHA-256)
 * can be presented as it.
 */
export function visitorToken(secret: string): string {
  return cryptoProvider().sha256Base64url(`hallpass/csrf-cookie/v1\0${secret}`);
}
