import { ConfigError } from './errors.js';

/** Cookie attributes hallpass writes. Times are seconds. */
export interface CookieAttributes {
  path: string;
  domain?: string;
  sameSite: 'lax' | 'strict' | 'none';
  secure: boolean;
  httpOnly: boolean;
  partitioned?: boolean;
}

// RFC 6265 token characters (cookie-name) and cookie-octets (cookie-value).
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const COOKIE_OCTETS = /^[\x21\x23-\x2B\x2D-\x3A\x3C-\x5B\x5D-\x7E]*$/;
// Attribute values may not contain ';' or control characters, which would inject attributes.
const ATTRIBUTE_VALUE = /^[\x20-\x3A\x3C-\x7E]+$/;

export function checkCookieName(name: unknown): string {
  if (typeof name !== 'string' || !TOKEN.test(name)) {
    throw new ConfigError(
      'ERR_COOKIE_NAME',
      `\`name\` must be an RFC 6265 token (letters, digits and !#$%&'*+-.^_\`|~), got ${JSON.stringify(name)}. Use a name such as "sid" or "__Host-sid".`,
    );
  }
  return name;
}

export function checkAttributeValue(option: string, value: unknown): void {
  if (typeof value !== 'string' || !ATTRIBUTE_VALUE.test(value)) {
    throw new ConfigError(
      'ERR_COOKIE_ATTRIBUTE',
      `\`${option}\` may not contain ';' or control characters (it would inject cookie attributes), got ${JSON.stringify(value)}.`,
    );
  }
}

/** True when `value` may stand as a cookie value without quoting or escaping. */
export function isCookieValue(value: string): boolean {
  return COOKIE_OCTETS.test(value);
}

/**
 * Returns every value the `Cookie` header carries for `name`, in header order. Browsers send
 * several when cookies of one name were set for different paths or domains (cookie tossing), so
 * the caller tries each. Never throws; values are not percent-decoded (hallpass writes none).
 */
export function readCookie(header: string | null | undefined, name: string): string[] {
  if (!header) return [];
  const values: string[] = [];
  let start = 0;
  const length = header.length;
  while (start < length) {
    let end = header.indexOf(';', start);
    if (end === -1) end = length;
    const eq = header.indexOf('=', start);
    if (eq !== -1 && eq < end) {
      const key = header.slice(start, eq).trim();
      if (key === name) {
        let value = header.slice(eq + 1, end).trim();
        if (value.length >= 2 && value.charCodeAt(0) === 34 && value.charCodeAt(value.length - 1) === 34) {
          value = value.slice(1, -1);
        }
        values.push(value);
      }
    }
    start = end + 1;
  }
  return values;
}

/** The most bytes a browser keeps for one cookie; hallpass counts the whole `Set-Cookie` line against it. */
export const MAX_COOKIE_BYTES = 4096;

/**
 * How many distinct values of the session cookie a request may offer. Browsers send two or three
 * when cookies of one name were set for different paths or domains; any more is an attacker
 * multiplying the work (a decryption or a store call) one request costs.
 */
export const MAX_COOKIE_CANDIDATES = 3;

/**
 * The distinct values the `Cookie` header carries for `name`, in header order, at most
 * `MAX_COOKIE_CANDIDATES` of them; `onExcess` is called once when more were sent (they are ignored).
 */
export function cookieCandidates(header: string | null | undefined, name: string, onExcess?: () => void): string[] {
  const values = readCookie(header, name);
  if (values.length < 2) return values;
  const distinct = [...new Set(values)];
  if (distinct.length <= MAX_COOKIE_CANDIDATES) return distinct;
  onExcess?.();
  return distinct.slice(0, MAX_COOKIE_CANDIDATES);
}

/** Serialises a `Set-Cookie` value. `maxAge` undefined makes a browser-session cookie. */
export function serializeCookie(name: string, value: string, attributes: CookieAttributes, maxAge?: number): string {
  let out = `${name}=${value}; Path=${attributes.path}`;
  if (attributes.domain) out += `; Domain=${attributes.domain}`;
  if (maxAge !== undefined) out += `; Max-Age=${Math.max(0, Math.floor(maxAge))}`;
  if (attributes.httpOnly) out += '; HttpOnly';
  if (attributes.secure) out += '; Secure';
  out += `; SameSite=${attributes.sameSite === 'lax' ? 'Lax' : attributes.sameSite === 'strict' ? 'Strict' : 'None'}`;
  if (attributes.partitioned) out += '; Partitioned';
  return out;
}

/** A `Set-Cookie` that makes the browser drop the cookie at once. */
export function expireCookie(name: string, attributes: CookieAttributes): string {
  return serializeCookie(name, '', attributes, 0);
}
