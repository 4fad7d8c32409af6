import { cookieCandidates, expireCookie, serializeCookie } from '../core/cookie.js';
import { cryptoProvider } from '../core/crypto/index.js';
import { adoptData } from '../core/json-value.js';
import { isTokenShaped, newToken } from '../core/random.js';
import { callStore } from '../core/store-call.js';
import type { SessionData, SessionStore, StorePatch, StoreRecord } from '../core/types.js';
import type { CommitResult } from './commit-result.js';
import { NOTHING, VARY_ONLY } from './commit-result.js';
import { type CookieSource, cookieHeaderOf } from './cookie-source.js';
import { expiryProblem, remainingLifetime, touchDue } from './expiry.js';
import { configuredLifetime, maxAgeOf, persistentOf, STORED_LIFETIME_KEY, storedLifetime, takeStoredLifetime } from './lifetime.js';
import type { ResolvedOptions } from './options.js';
import { type AnySession, isDirty, isLoaded, markCommitted, newSession, stateOf } from './session-internals.js';
import { isEmpty, newState, type SessionBackend, type SessionState } from './session-state.js';

/** The store key for a token: its SHA-256, so a copy of the store holds no live token. */
export function storeKeyFor(token: string): string {
  return cryptoProvider().sha256Base64url(token);
}

/**
 * Server mode: the cookie carries a random 256-bit token and the data lives in a store under the
 * token's hash. Reads cost one store call and only when a well-formed cookie arrives; unchanged
 * sessions write nothing but a throttled TTL touch; changes are applied as a patch.
 */
export function serverMode(options: ResolvedOptions) {
  const store = options.store as SessionStore;
  const emit = options.onEvent;
  const call = <T>(operation: string, run: () => Promise<T>) => callStore(operation, run, options.storeTimeout, emit);
  const nowSeconds = () => Math.floor(options.now() / 1000);
  const identity = () => {
    const token = newToken();
    return { id: storeKeyFor(token), token };
  };
  // The state is at hand when a session is made; a fresh one is still handed over lazily, as its
  // `source`, so that `isLoaded(session)` stays false (nothing to commit) until the app uses it.
  const backend: SessionBackend = {
    load: (state) => state as SessionState,
    freshIdentity: identity,
    lifetime: configuredLifetime(options),
  };

  function fresh(now: number, cookiesSent: number): AnySession {
    const { id, token } = identity();
    return newSession(backend, undefined, newState(id, now, cookiesSent, token));
  }

  async function load(source: CookieSource): Promise<AnySession> {
    const values = cookieCandidates(cookieHeaderOf(source), options.name, () =>
      emit?.({ type: 'invalid', reason: 'duplicate', codec: 'store' }),
    );
    const now = nowSeconds();
    for (const token of values) {
      if (!isTokenShaped(token)) {
        emit?.({ type: 'invalid', reason: 'malformed', codec: 'store' });
        continue;
      }
      const key = storeKeyFor(token);
      const record = await call('get', () => store.get(key));
      if (!record) {
        emit?.({ type: 'invalid', reason: 'unknown', codec: 'store' });
        continue;
      }
      const data = adoptData(record.data);
      const lifetime = data && takeStoredLifetime(data);
      const problem = expiryProblem(options, record.createdAt, record.lastSeenAt, now, true, lifetime?.maxAge ?? options.maxAge);
      if (problem) {
        emit?.({ type: 'invalid', reason: problem, codec: 'store' });
        await call('destroy', () => store.destroy(key));
        continue;
      }
      const state = newState(key, record.createdAt, values.length, token);
      state.lastSeenAt = record.lastSeenAt;
      state.data = data ?? state.data;
      state.userId = record.userId;
      if (lifetime) state.lifetime = lifetime;
      state.isNew = false;
      return newSession(backend, state);
    }
    // A fresh identity, never the one the cookie offered: a planted token is never adopted.
    const session = fresh(now, values.length);
    return session;
  }

  function recordOf(state: SessionState, now: number): StoreRecord {
    const record: StoreRecord = { data: withLifetime(state, state.data), createdAt: state.createdAt, lastSeenAt: now };
    if (state.userId !== undefined) record.userId = state.userId;
    return record;
  }

  /** The record's data with the session's lifetime choice, which stores keep as one more key. */
  function withLifetime(state: SessionState, data: SessionData): SessionData {
    if (state.lifetime === undefined) return data;
    const out: SessionData = Object.create(null);
    Object.assign(out, data);
    out[STORED_LIFETIME_KEY] = storedLifetime(state.lifetime);
    return out;
  }

  function cookieFor(state: SessionState, now: number): string {
    const maxAge = persistentOf(state, options) ? state.createdAt + maxAgeOf(state, options) - now : undefined;
    return serializeCookie(options.name, state.token as string, options.cookie, maxAge);
  }

  function patchOf(state: SessionState, now: number): StorePatch {
    const set: SessionData = Object.create(null);
    const unset: string[] = [];
    // A clear() replaces the stored data only when this request also changed the lifetime: the
    // lifetime is a data key, and a replacing patch from a request that never saw a choice made
    // meanwhile would wipe it. Otherwise the keys it cleared (all it saw) are removed one by one.
    const replace = state.clearedAll && state.lifetimeChanged;
    for (const key of replace ? Object.keys(state.data) : state.changed) {
      if (Object.hasOwn(state.data, key)) set[key] = state.data[key] as SessionData[string];
      else unset.push(key);
    }
    if (state.lifetimeChanged) {
      if (state.lifetime !== undefined) set[STORED_LIFETIME_KEY] = storedLifetime(state.lifetime);
      else if (!replace) unset.push(STORED_LIFETIME_KEY);
    }
    const patch: StorePatch = { set, unset, lastSeenAt: now };
    if (replace) patch.replace = true;
    if (state.userChanged) patch.userId = state.userId ?? null;
    return patch;
  }

  /**
   * Saves what changed. Synchronous when there is nothing to write (a read, or a touch not yet
   * due), which is most requests: the adapter then sends the response without waiting a tick.
   */
  function commit(session: AnySession): CommitResult | Promise<CommitResult> {
    markCommitted(session);
    if (!isLoaded(session)) return NOTHING;
    const state = stateOf(session);
    const now = nowSeconds();
    // A new session is written once it holds something; a stored one when its idle timeout slides.
    const due = state.isNew ? !isEmpty(state) : touchDue(options, state.lastSeenAt, now);
    if (state.destroyed || isDirty(session) || due) return write(session, state, now);
    return state.accessed ? VARY_ONLY : NOTHING;
  }

  async function write(session: AnySession, state: SessionState, now: number): Promise<CommitResult> {
    const vary = state.accessed;
    const hadRecord = !state.isNew;
    const originalKey = state.regenerate?.previousId ?? state.id;
    const expired = (): CommitResult =>
      state.cookiesSent > 0 ? { setCookie: expireCookie(options.name, options.cookie), vary: true } : { vary };
    // The record went away since this request loaded it (a logout or a regeneration elsewhere):
    // the session is over, and nothing this request does may bring it back under any key.
    const ended = (id: string, detail: string): CommitResult => {
      emit?.({ type: 'conflict', id, detail });
      return expired();
    };

    if (state.destroyed || (isEmpty(state) && isDirty(session))) {
      if (hadRecord) {
        await call('destroy', () => store.destroy(originalKey));
        emit?.({ type: 'destroyed', id: originalKey });
      }
      return expired();
    }
    const maxAge = maxAgeOf(state, options);
    const ttl = remainingLifetime(options, state.createdAt, now, now, maxAge);
    if (state.regenerate && hadRecord) {
      // 1. This request's changes go onto the old record, merged with what other requests wrote
      //    meanwhile; the patch is conditional, so a logout that came first stays a logout.
      if (!(await call('patch', () => store.patch(originalKey, patchOf(state, now), ttl)))) {
        return ended(originalKey, 'session ended by another request before it could be regenerated; not recreated');
      }
      // 2. The record as it now stands is copied under the new key.
      const current = await call('get', () => store.get(originalKey));
      if (!current) return ended(originalKey, 'session ended by another request before it could be regenerated; not recreated');
      state.createdAt = now;
      const data = adoptData(current.data);
      const stored = data && takeStoredLifetime(data);
      state.data = data ?? state.data;
      state.userId = current.userId;
      if (stored) state.lifetime = stored;
      const regeneratedTtl = remainingLifetime(options, now, now, now, maxAgeOf(state, options));
      await call('set', () => store.set(state.id, recordOf(state, now), regeneratedTtl));
      // 3. The old key goes. Gone already means a logout (or "log out everywhere") ran since step 1
      //    and found only the old key: it wins, and the new record is taken back.
      if (!(await call('destroy', () => store.destroy(originalKey)))) {
        await call('destroy', () => store.destroy(state.id));
        return ended(originalKey, 'session ended by another request while it was regenerated; not recreated');
      }
      emit?.({ type: 'regenerated', id: state.id, previousId: originalKey });
      return { setCookie: cookieFor(state, now), vary };
    }
    if (!hadRecord) {
      if (isEmpty(state)) return { vary };
      state.createdAt = now;
      await call('set', () => store.set(state.id, recordOf(state, now), remainingLifetime(options, now, now, now, maxAge)));
      emit?.({ type: 'created', id: state.id });
      return { setCookie: cookieFor(state, now), vary };
    }
    // Writes after a load are conditional: patch and touch never create a record.
    if (isDirty(session)) {
      if (!(await call('patch', () => store.patch(state.id, patchOf(state, now), ttl)))) {
        return ended(state.id, 'session ended by another request; changes dropped');
      }
      // A new lifetime changes the cookie's Max-Age (or drops it): the same token, sent again.
      return state.lifetimeChanged ? { setCookie: cookieFor(state, now), vary } : { vary };
    }
    // Unchanged, and the idle timeout is due to slide.
    if (!(await call('touch', () => store.touch(state.id, now, ttl)))) {
      return ended(state.id, 'session ended by another request; not slid');
    }
    return { vary };
  }

  async function listByUser(userId: string) {
    if (!store.listByUser) throw new TypeError('This store has no per-user index (listByUser).');
    return call('listByUser', () => (store.listByUser as NonNullable<SessionStore['listByUser']>)(userId));
  }

  async function destroyByUser(userId: string, exceptKeys: readonly string[]) {
    if (!store.destroyByUser) throw new TypeError('This store has no per-user index (destroyByUser).');
    return call('destroyByUser', () => (store.destroyByUser as NonNullable<SessionStore['destroyByUser']>)(userId, exceptKeys));
  }

  return { load, commit, listByUser, destroyByUser };
}
