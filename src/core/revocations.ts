import { callStore } from './store-call.js';
import type { SessionEvent, SessionStore } from './types.js';

/**
 * Cookie mode's memory of ended sessions: an inner session ID is kept from logout (or
 * regeneration) until the cookie would have expired anyway, so a copied cookie cannot come back.
 * `isRevoked` answers synchronously when it can, which keeps cookie decoding lazy.
 */
export interface RevocationList {
  isRevoked(id: string): boolean | Promise<boolean>;
  revoke(id: string, untilSeconds: number): void | Promise<void>;
}

/** The default: a map in this process, swept of entries whose cookies have expired. */
export function memoryRevocations(now: () => number, max = 1_000_000): RevocationList {
  const until = new Map<string, number>();
  return {
    isRevoked(id) {
      const expiry = until.get(id);
      if (expiry === undefined) return false;
      if (expiry * 1000 <= now()) {
        until.delete(id);
        return false;
      }
      return true;
    },
    revoke(id, untilSeconds) {
      until.set(id, untilSeconds);
      // Entries are swept oldest first; at the bound the oldest (soonest to expire anyway) goes.
      for (const [oldId, expiry] of until) {
        if (expiry * 1000 <= now() || until.size > max) until.delete(oldId);
        else break;
      }
    },
  };
}

/** Revocations kept in a shared store (Redis, PostgreSQL, ...) so every instance refuses an ended session. */
export function storeRevocations(
  store: SessionStore,
  now: () => number,
  timeoutMs: number,
  onEvent?: (event: SessionEvent) => void,
): RevocationList {
  const key = (id: string) => `revoked:${id}`;
  return {
    async isRevoked(id) {
      return (await callStore('get', () => store.get(key(id)), timeoutMs, onEvent)) != null;
    },
    async revoke(id, untilSeconds) {
      const nowSeconds = Math.floor(now() / 1000);
      const ttl = Math.max(1, untilSeconds - nowSeconds);
      const record = { data: {}, createdAt: nowSeconds, lastSeenAt: nowSeconds };
      await callStore('set', () => store.set(key(id), record, ttl), timeoutMs, onEvent);
    },
  };
}
