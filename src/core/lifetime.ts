import type { SessionLifetime } from './types.js';

/**
 * The longest lifetime a session may choose: browsers cap a cookie's `Max-Age` at 400 days
 * (RFC 6265bis), so a longer one would be a promise the cookie cannot keep.
 */
export const MAX_SESSION_LIFETIME = 400 * 24 * 3600;

/** A lifetime as the cookie envelope and the store record keep it: `[persistent 0|1, maxAge]`. */
export function lifetimeToJson(lifetime: SessionLifetime): string {
  return `[${lifetime.persistent ? 1 : 0},${lifetime.maxAge}]`;
}

/** Shape-checks a stored lifetime; `undefined` for anything else. Never throws. */
export function lifetimeFromJson(value: unknown): SessionLifetime | undefined {
  if (!Array.isArray(value) || value.length !== 2) return undefined;
  const [persistent, maxAge] = value as unknown[];
  if (persistent !== 0 && persistent !== 1) return undefined;
  if (!Number.isSafeInteger(maxAge) || (maxAge as number) < 1 || (maxAge as number) > MAX_SESSION_LIFETIME) return undefined;
  return { persistent: persistent === 1, maxAge: maxAge as number };
}
