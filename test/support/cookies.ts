/** Cookie helpers every test folder shares: reading `Set-Cookie` headers back, and the usual expired cookie. */
import { createHash } from 'node:crypto';

/** The `name=value` pair of a `Set-Cookie` header, ready to send back as a `Cookie` header. */
export function cookiePair(setCookie: string | undefined): string {
  if (!setCookie) throw new Error('expected a Set-Cookie header');
  return setCookie.slice(0, setCookie.indexOf(';'));
}

/** The value of a `Set-Cookie` header. */
export function cookieValue(setCookie: string | undefined): string {
  return valueOfPair(cookiePair(setCookie));
}

/** The value half of a `name=value` pair. */
export const valueOfPair = (pair: string) => pair.slice(pair.indexOf('=') + 1);

/** The `Set-Cookie` that ends the default `sid` session. */
export const EXPIRED = 'sid=; Path=/; Max-Age=0; HttpOnly; Secure; SameSite=Lax';

/** How a store keys a session: the SHA-256 of its token, base64url. */
export const sha256 = (text: string) => createHash('sha256').update(text).digest('base64url');

/** The same cookie with one character in the middle of its value changed. */
export function tamper(pair: string): string {
  const at = pair.indexOf('=') + Math.floor((pair.length - pair.indexOf('=')) / 2);
  return pair.slice(0, at) + (pair[at] === 'A' ? 'B' : 'A') + pair.slice(at + 1);
}
