/** Keys, clocks and token factories shared by the JWT tests. */
import { generateKeyPairSync } from 'node:crypto';
import type { SessionStore } from 'hallpass';
import { createTokens, type TokenOptions } from 'hallpass/jwt';
import { sqliteStore } from 'hallpass/sqlite';
import { type FrozenClock, frozenClock } from '../support/clock.js';
import { SECRET } from '../support/core-fixtures.js';
import { openDatabase } from '../support/sqlite.js';

export { SECRET };
export const OLD_JWT_SECRET = 'Hn3xUe8JpQa5cWz1LvRk7mYs0DgTf4bNiO9rKwZq2Ax';

export const ED = generateKeyPairSync('ed25519');
export const EC = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
export const RSA = generateKeyPairSync('rsa', { modulusLength: 2048 });

export const ISSUER = 'https://auth.example.test';
export const AUDIENCE = 'https://api.example.test';

/**
 * A store for token state in this process: SQLite in memory, which keeps every record until its TTL
 * (`evicts: false`) and has `compareAndSet`, as `createTokens` requires. `clock` drives its expiry.
 */
export function durableStore(clock?: FrozenClock): SessionStore {
  return sqliteStore(openDatabase(':memory:'), { now: clock?.now, cleanupIntervalMs: 0, wal: false });
}

/** A store that counts calls and can be switched to failing or hanging. */
export function spyStore(inner: SessionStore = durableStore()) {
  const calls: string[] = [];
  let inFlight = 0;
  let mode: 'ok' | 'fail' | 'hang' = 'ok';
  const spy = {
    calls,
    maxInFlight: 0,
    set mode(value: 'ok' | 'fail' | 'hang') {
      mode = value;
    },
  };
  const wrap =
    <A extends unknown[], R>(name: string, run: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      calls.push(`${name} ${String(args[0])}`);
      if (mode === 'fail') throw new Error('store down');
      if (mode === 'hang') return new Promise<R>(() => {});
      inFlight++;
      spy.maxInFlight = Math.max(spy.maxInFlight, inFlight);
      try {
        await new Promise((resolve) => setImmediate(resolve));
        return await run(...args);
      } finally {
        inFlight--;
      }
    };
  const store: SessionStore = {
    get: wrap('get', (key: string) => inner.get(key)),
    set: wrap('set', (key: string, record: Parameters<SessionStore['set']>[1], ttl: number) => inner.set(key, record, ttl)),
    destroy: wrap('destroy', (key: string) => inner.destroy(key)),
    touch: wrap('touch', (key: string, lastSeenAt: number, ttl: number) => inner.touch(key, lastSeenAt, ttl)),
    patch: wrap('patch', (key: string, patch: Parameters<SessionStore['patch']>[1], ttl: number) => inner.patch(key, patch, ttl)),
    evicts: inner.evicts,
  };
  const compareAndSet = inner.compareAndSet?.bind(inner);
  if (compareAndSet) store.compareAndSet = wrap('compareAndSet', compareAndSet);
  return Object.assign(spy, { store });
}

/** `createTokens` over HS256 with SECRET on a frozen clock; `options` override. */
export function hsTokens(options: Partial<TokenOptions> = {}, clock: FrozenClock = frozenClock()) {
  const tokens = createTokens({
    algorithms: ['HS256'],
    keys: [{ kid: 'k1', alg: 'HS256', key: SECRET }],
    issuer: ISSUER,
    audience: AUDIENCE,
    now: clock.now,
    ...options,
  });
  return { tokens, clock };
}
