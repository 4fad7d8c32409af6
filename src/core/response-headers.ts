import type { CommitResult } from './commit-result.js';

/** `Vary` with `Cookie` added to whatever the app already listed (a string, or a list as `node:http` keeps it). */
export function varyWithCookie(existing: string | number | readonly string[] | undefined | null): string {
  if (Array.isArray(existing)) existing = existing.join(', ');
  existing = existing === undefined || existing === null ? '' : String(existing);
  if (!existing) return 'Cookie';
  if (existing.trim() === '*' || /(^|,)\s*cookie\s*(,|$)/i.test(existing)) return existing;
  return `${existing}, Cookie`;
}

/** `Cache-Control` for a response that sets a session cookie: the app's own value wins. */
export const PRIVATE_NO_STORE = 'private, no-store';

/** The JSON body adapters answer with (status 503) when the session store fails. */
export const STORE_UNAVAILABLE_BODY = JSON.stringify({
  error: 'session_store_unavailable',
  message: 'The session store is unavailable; please try again shortly.',
});

/** Applies a commit result to a fetch `Headers`, merging with what the app set. */
export function applyToHeaders(headers: Headers, result: CommitResult): void {
  if (result.vary) headers.set('Vary', varyWithCookie(headers.get('Vary')));
  if (result.setCookie) {
    headers.append('Set-Cookie', result.setCookie);
    if (!headers.has('Cache-Control')) headers.set('Cache-Control', PRIVATE_NO_STORE);
  }
}
