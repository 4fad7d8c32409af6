import { isCookieValue } from '../../core/cookie.js';
import { HallpassError } from '../../core/errors.js';
import { type NextCookieOptions, parseSetCookie } from './set-cookie.js';

/**
 * What hallpass reads from a Next.js cookie store: `await cookies()` from `next/headers`, or a
 * `NextRequest`'s `request.cookies` in `proxy.ts`. Typed by shape, so hallpass imports nothing from Next.
 */
export interface ReadableCookieStore {
  getAll(name: string): { name: string; value: string }[];
}

/** A cookie store hallpass can also write to: `await cookies()` in a Server Action or Route Handler. */
export interface NextCookieStore extends ReadableCookieStore {
  set(name: string, value: string, options?: NextCookieOptions): unknown;
  delete(name: string): unknown;
}

/**
 * The `Cookie` header to load the session from, rebuilt from the store. Next's store holds one
 * value per name and hands it back percent-decoded: a value that is not a bare cookie value
 * (empty after a deletion earlier in the request, or decoded into `;` or spaces) is not one
 * hallpass wrote, and is left out rather than spliced into the header.
 */
export function cookieHeaderFrom(store: ReadableCookieStore, name: string, chunked = false): string | undefined {
  const pairs = pairsOf(store, name);
  // Chunked cookies (`<name>.0`, `<name>.1`, ...) up to the first missing index: a chunk past a gap
  // could not make a value anyway. 20 covers the largest `chunked.maxBytes`.
  for (let index = 0; chunked && index < 20; index++) {
    const chunk = pairsOf(store, `${name}.${index}`);
    if (chunk.length === 0) break;
    pairs.push(...chunk);
  }
  return pairs.length === 0 ? undefined : pairs.join('; ');
}

function pairsOf(store: ReadableCookieStore, name: string): string[] {
  return store
    .getAll(name)
    .filter((cookie) => cookie.name === name && cookie.value !== '' && isCookieValue(cookie.value))
    .map((cookie) => `${name}=${cookie.value}`);
}

/** Where the error says writes belong; shared by the read-only session and the refused commit. */
export const WRITES_ALLOWED =
  'Next.js lets only Server Actions (Server Functions) and Route Handlers set cookies, so a Server Component can read the session ' +
  'but not change it. Read it there with readSession(await cookies(), sessions), and make the change in a Server Action or ' +
  'Route Handler with withSession(await cookies(), sessions, (session) => ...).';

/**
 * True for the cookie store Next gives a Server Component. Next builds it as a proxy that answers
 * `set` and `delete` with one shared function that throws; a writable store's are two different
 * functions. Checking up front makes `withSession` in a Server Component fail on every request,
 * not only on the rare request whose commit has a cookie to write (an idle-timeout slide).
 */
export function isReadOnlyStore(store: NextCookieStore): boolean {
  return store.set === (store.delete as unknown);
}

/** The error Next throws when a cookie is set outside a Server Action or Route Handler. */
function isNextReadOnlyError(error: unknown): boolean {
  return error instanceof Error && error.message.startsWith('Cookies can only be modified in a Server Action or Route Handler');
}

/** A `HallpassError` saying where session writes are allowed. */
export function readOnlyError(cause?: unknown): HallpassError {
  return new HallpassError('ERR_SESSION_STATE', WRITES_ALLOWED, cause === undefined ? undefined : { cause });
}

/**
 * Writes hallpass's `Set-Cookie` through Next's cookie store with every attribute it carries; a
 * deletion is the same cookie with `Max-Age=0`, so its `Path`, `Domain` and `Partitioned` match
 * the cookie it removes. A store Next made read-only gives the `HallpassError` above.
 */
export function writeCookie(store: NextCookieStore, setCookie: string): void {
  const { name, value, options } = parseSetCookie(setCookie);
  try {
    store.set(name, value, options);
  } catch (error) {
    if (isNextReadOnlyError(error)) throw readOnlyError(error);
    throw error;
  }
}
