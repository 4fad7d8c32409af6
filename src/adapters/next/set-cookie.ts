import { HallpassError } from '../../core/errors.js';

/**
 * The options Next.js's cookie store takes (`cookieStore.set(name, value, options)`), as far as a
 * hallpass cookie needs them. Next serialises these back into a `Set-Cookie` header itself.
 */
export interface NextCookieOptions {
  path: string;
  domain?: string;
  maxAge?: number;
  expires?: Date;
  httpOnly: boolean;
  secure: boolean;
  sameSite?: 'lax' | 'strict' | 'none';
  partitioned?: boolean;
}

/** A `Set-Cookie` header taken apart into what `cookieStore.set(name, value, options)` takes. */
export interface CookieWrite {
  name: string;
  value: string;
  options: NextCookieOptions;
}

const SAME_SITE = new Set(['lax', 'strict', 'none']);

/**
 * Takes apart a `Set-Cookie` value that hallpass's commit produced, so it can travel through
 * Next's `cookies().set()`, which takes fields rather than a header. Every attribute hallpass
 * writes has a field; an attribute without one throws, because dropping it silently (a `Domain`, a
 * `Partitioned`) would write a different cookie than the one hallpass asked for.
 *
 * @example
 * ```ts
 * parseSetCookie('sid=abc; Path=/; Max-Age=60; HttpOnly; Secure; SameSite=Lax')
 * // { name: 'sid', value: 'abc', options: { path: '/', maxAge: 60, httpOnly: true, secure: true, sameSite: 'lax' } }
 * ```
 */
export function parseSetCookie(header: string): CookieWrite {
  const [pair = '', ...attributes] = header.split(';');
  const eq = pair.indexOf('=');
  if (eq <= 0) throw unexpected(header, 'it has no name=value pair');
  const options: NextCookieOptions = { path: '/', httpOnly: false, secure: false };
  for (const attribute of attributes) {
    const at = attribute.indexOf('=');
    const key = (at === -1 ? attribute : attribute.slice(0, at)).trim().toLowerCase();
    const value = at === -1 ? '' : attribute.slice(at + 1).trim();
    switch (key) {
      case 'path':
        options.path = value;
        break;
      case 'domain':
        options.domain = value;
        break;
      case 'max-age': {
        const seconds = Number(value);
        if (!/^\d+$/.test(value) || !Number.isSafeInteger(seconds)) throw unexpected(header, `Max-Age=${value} is not whole seconds`);
        options.maxAge = seconds;
        break;
      }
      case 'expires': {
        const date = new Date(value);
        if (Number.isNaN(date.getTime())) throw unexpected(header, `Expires=${value} is not a date`);
        options.expires = date;
        break;
      }
      case 'httponly':
        options.httpOnly = true;
        break;
      case 'secure':
        options.secure = true;
        break;
      case 'samesite': {
        const sameSite = value.toLowerCase();
        if (!SAME_SITE.has(sameSite)) throw unexpected(header, `SameSite=${value} is not Lax, Strict or None`);
        options.sameSite = sameSite as NextCookieOptions['sameSite'];
        break;
      }
      case 'partitioned':
        options.partitioned = true;
        break;
      default:
        throw unexpected(header, `Next's cookie store has no field for the attribute "${attribute.trim()}"`);
    }
  }
  return { name: pair.slice(0, eq).trim(), value: pair.slice(eq + 1).trim(), options };
}

function unexpected(header: string, why: string): HallpassError {
  // The header names the cookie but its value is left out: it is a session credential.
  const name = header.slice(0, Math.max(0, header.indexOf('='))).trim();
  return new HallpassError('ERR_COOKIE_ATTRIBUTE', `hallpass/next cannot pass the session cookie "${name}" to Next.js: ${why}.`);
}
