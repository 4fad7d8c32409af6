import type { SessionEvent } from '../core/types.js';
import { type CommitResult, setCookiesOf } from '../engine/commit-result.js';

/** `Vary` with `Cookie` added to whatever the app already listed (a string, or a list as `node:http` keeps it). */
export function varyWithCookie(existing: string | number | readonly string[] | undefined | null): string {
  if (Array.isArray(existing)) existing = existing.join(', ');
  existing = existing === undefined || existing === null ? '' : String(existing);
  if (!existing) return 'Cookie';
  if (existing.trim() === '*' || /(^|,)\s*cookie\s*(,|$)/i.test(existing)) return existing;
  return `${existing}, Cookie`;
}

/** `Cache-Control` for a response that sets a session cookie, unless the app's own value already keeps it private. */
export const PRIVATE_NO_STORE = 'private, no-store';

type HeaderValue = string | number | readonly string[] | undefined | null;

/**
 * The `Cache-Control` a response that sets the session cookie leaves with. A shared cache that
 * stored it would hand one user's `Set-Cookie` to the next visitor, so only an app value that
 * already keeps shared caches out stays: one with `no-store`, or with an unqualified `private`,
 * and without `public`. Anything else (`public`, `max-age`, `s-maxage`, `no-cache`, which still
 * lets a shared cache store and revalidate, `private="Set-Cookie"`, which few caches honour)
 * becomes `private, no-store`, and the app's value is reported as `cache-control-replaced`.
 *
 * @example
 * ```ts
 * sessionCacheControl('public, max-age=600', onEvent) // 'private, no-store', onEvent told the previous value
 * sessionCacheControl('private, max-age=60')          // 'private, max-age=60'
 * sessionCacheControl(undefined)                      // 'private, no-store'
 * ```
 */
export function sessionCacheControl(existing: HeaderValue, onEvent?: (event: SessionEvent) => void): string {
  const previous = Array.isArray(existing) ? existing.join(', ') : existing === undefined || existing === null ? '' : String(existing);
  if (previous.trim() === '') return PRIVATE_NO_STORE;
  if (keepsSharedCachesOut(previous)) return previous;
  onEvent?.({ type: 'cache-control-replaced', previous });
  return PRIVATE_NO_STORE;
}

function keepsSharedCachesOut(value: string): boolean {
  let noStore = false;
  let isPrivate = false;
  for (const directive of directivesOf(value)) {
    const equals = directive.indexOf('=');
    const name = (equals === -1 ? directive : directive.slice(0, equals)).trim().toLowerCase();
    if (name === 'public') return false;
    if (name === 'no-store') noStore = true;
    // `private="field"` only hides the listed fields, and caches may ignore the list: not enough.
    else if (name === 'private' && equals === -1) isPrivate = true;
  }
  return noStore || isPrivate;
}

/** The comma-separated directives of a `Cache-Control` value; a comma inside a quoted string splits nothing. */
function directivesOf(value: string): string[] {
  const out: string[] = [];
  let start = 0;
  let quoted = false;
  for (let i = 0; i < value.length; i++) {
    const char = value[i];
    if (quoted) {
      if (char === '\\') i++;
      else if (char === '"') quoted = false;
    } else if (char === '"') quoted = true;
    else if (char === ',') {
      out.push(value.slice(start, i));
      start = i + 1;
    }
  }
  out.push(value.slice(start));
  return out;
}

/**
 * Applies a commit result to a fetch `Headers`, merging with what the app set. A replaced
 * `Cache-Control` is reported through `onEvent` (the sessions' own hook).
 */
export function applyToHeaders(headers: Headers, result: CommitResult, onEvent?: (event: SessionEvent) => void): void {
  if (result.vary) headers.set('Vary', varyWithCookie(headers.get('Vary')));
  if (result.setCookie) {
    // Appended first: immutable headers throw here, before anything is reported.
    for (const cookie of setCookiesOf(result)) headers.append('Set-Cookie', cookie);
    headers.set('Cache-Control', sessionCacheControl(headers.get('Cache-Control'), onEvent));
  }
}
