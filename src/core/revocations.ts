import { callStore } from './store-call.js';
import type { SessionEvent, SessionStore } from './types.js';

/**
 * Cookie mode's memory of ended sessions: an inner session ID is kept from logout (or
 * regeneration) until the cookie would have expired anyway, so a copied cookie cannot come back.
 * `isRevoked` answers synchronously when it can, which keeps cookie decoding lazy.
 */
export interface RevocationList {
  /** `untilSeconds` is the cookie's own deadline (creation + maxAge), the value it was revoked with. */
  isRevoked(id: string, untilSeconds?: number): boolean | Promise<boolean>;
  revoke(id: string, untilSeconds: number): void | Promise<void>;
}

/**
 * The default: a map in this process, swept of entries whose cookies have expired, holding at most
 * `max` entries. It fails closed: when the bound forces an entry out, every cookie whose deadline
 * is not later than that entry's is refused from then on, so logging in and out in a loop can
 * never flush a revoked cookie back to life (it logs out older sessions instead). Several
 * instances, or more than `max` logouts per `maxAge`, call for a `revocationStore`.
 */
export function memoryRevocations(now: () => number, max = 1_000_000): RevocationList {
  const until = new Map<string, number>();
  // Cookies whose deadline is at or before this (Unix seconds) may have had their entry dropped.
  let floor = Number.NEGATIVE_INFINITY;
  return {
    isRevoked(id, untilSeconds) {
      if (untilSeconds !== undefined && untilSeconds <= floor) return true;
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
      // Entries are swept oldest first: expired ones go; past the bound the oldest goes and raises the floor.
      const nowMs = now();
      for (const [oldId, expiry] of until) {
        if (expiry * 1000 <= nowMs) until.delete(oldId);
        else if (until.size > max) {
          until.delete(oldId);
          floor = Math.max(floor, expiry);
        } else break;
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
