import { memoryStore, type SessionStore } from 'hallpass';

/** A clock frozen at 2026-01-01T00:00:00Z, in milliseconds. */
export const FROZEN = 1_767_225_600_000;
export const now = () => FROZEN;

/** A 32-byte test secret (base64url). */
export const SECRET = 'n3xQ9vLr7mK2pW8sT5yB1cF4hJ6dA0eGiUoZqXwVbNk';

/** A memory store whose writes (set, patch, touch, destroy) resolve only after `ms` milliseconds. */
export function delayedStore(ms: number): SessionStore {
  const inner = memoryStore({ now });
  const later = <T>(run: () => Promise<T>) => new Promise<T>((resolve, reject) => setTimeout(() => run().then(resolve, reject), ms));
  return {
    get: (key) => inner.get(key),
    set: (key, record, ttl) => later(() => inner.set(key, record, ttl)),
    destroy: (key) => later(() => inner.destroy(key)),
    patch: (key, patch, ttl) => later(() => inner.patch(key, patch, ttl)),
    touch: (key, lastSeenAt, ttl) => later(() => inner.touch(key, lastSeenAt, ttl)),
  };
}

/** A store that fails every write (set, patch, touch), and with `'get'` every read too, as a database that went away. */
export function failingStore(fail: 'get' | 'set'): SessionStore {
  const inner = memoryStore({ now });
  const down = async (): Promise<never> => {
    throw new Error('connect ECONNREFUSED 10.0.0.7:6379');
  };
  return {
    get: fail === 'get' ? down : (key) => inner.get(key),
    set: down,
    patch: down,
    touch: down,
    destroy: (key) => inner.destroy(key),
  };
}

/** A cookie header with a well-formed token, so server mode asks the store about it. */
export const TOKEN_COOKIE = `sid=${'A'.repeat(43)}`;

/** The exact body every adapter answers a store failure with (status 503), and that body parsed. */
export const STORE_DOWN_BODY =
  '{"error":"session_store_unavailable","message":"The session store is unavailable; please try again shortly."}';
export const STORE_DOWN = JSON.parse(STORE_DOWN_BODY) as { error: string; message: string };

/** A store whose every call fails, as a database that is not there. */
export const downStore: SessionStore = {
  get: async () => {
    throw new Error('ECONNREFUSED');
  },
  set: async () => {
    throw new Error('ECONNREFUSED');
  },
  destroy: async () => {
    throw new Error('ECONNREFUSED');
  },
  touch: async () => {
    throw new Error('ECONNREFUSED');
  },
  patch: async () => {
    throw new Error('ECONNREFUSED');
  },
};
