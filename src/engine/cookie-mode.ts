import { builtInCodecs } from '../codecs/envelope.js';
import { expireCookie, isCookieValue } from '../core/cookie.js';
import { HallpassError } from '../core/errors.js';
import { newSessionId } from '../core/random.js';
import type { AsyncCodec, Codec, Envelope, OpenResult } from '../core/types.js';
import type { CommitResult } from './commit-result.js';
import { NOTHING, withCookies } from './commit-result.js';
import { type CookieSource, cookieHeaderOf } from './cookie-source.js';
import { expiryProblem, remainingLifetime, touchDue } from './expiry.js';
import { configuredLifetime, lifetimeRefusal, maxAgeOf, persistentOf } from './lifetime.js';
import type { ResolvedOptions } from './options.js';
import type { Revocations } from './revocations/index.js';
import { warnIfLogoutsAreForgotten, warnLoginWithoutUser } from './revocations/warning.js';
import { type Offered, sessionCookies } from './session-cookies.js';
import { type AnySession, isDirty, isLoaded, markCommitted, newSession, stateOf } from './session-internals.js';
import { isEmpty, newState, type SessionBackend, type SessionState } from './session-state.js';
import { VerifiedCookies } from './verified-cookies.js';

export { MAX_COOKIE_BYTES } from '../core/cookie.js';

const OVERSIZED: OpenResult = Object.freeze({ ok: false, reason: 'oversized' });
const MALFORMED: OpenResult = Object.freeze({ ok: false, reason: 'malformed' });

/**
 * Cookie mode: the whole session travels in the cookie, sealed or signed by the codec. Decoding
 * waits for the first access when the codec and the revocation list answer synchronously (the
 * default on node:crypto), so a request that never reads its session pays nothing for it; with
 * Web Crypto the cookie is decoded while the adapter loads, and the commit awaits the encoding.
 */
export function cookieMode(options: ResolvedOptions) {
  const codec = options.codec as Codec | AsyncCodec;
  const revocations = options.revocations as Revocations;
  const emit = options.onEvent;
  const nowSeconds = () => Math.floor(options.now() / 1000);
  const identity = () => ({ id: newSessionId() });
  const builtIn = builtInCodecs.has(codec);
  const checkValues = !builtIn;
  const cookies = sessionCookies(options);
  warnIfLogoutsAreForgotten(codec, revocations);
  // Only hallpass's own codecs: they judge nothing by the clock, so a remembered result stays true.
  const verified = builtIn && options.cookieCache > 0 ? new VerifiedCookies(options.cookieCache) : undefined;

  /**
   * Opens one cookie value into a session state; `undefined` (after an `invalid` event) when it
   * cannot be used. A promise only when the codec answered with one.
   */
  function open(
    value: string,
    now: number,
    cookiesSent: number,
    joined: boolean,
  ): SessionState | undefined | Promise<SessionState | undefined> {
    const recalled = verified?.recall(value);
    if (recalled !== undefined) return opened(value, recalled, now, cookiesSent, joined, true);
    const result = value.length > cookies.maxValueBytes ? OVERSIZED : builtIn ? codec.decode(value, now) : decodeGuarded(value, now);
    if (!(result instanceof Promise)) return opened(value, result, now, cookiesSent, joined, false);
    // An app's codec that rejects was handed a cookie it did not expect; hallpass's own never reject on input.
    const settled = builtIn ? result : result.catch(() => MALFORMED);
    return settled.then((answer) => opened(value, answer, now, cookiesSent, joined, false));
  }

  function opened(
    value: string,
    result: OpenResult,
    now: number,
    cookiesSent: number,
    joined: boolean,
    remembered: boolean,
  ): SessionState | undefined {
    if (!result.ok) {
      // Chunks are authenticated as one value: a set that does not open was reordered, cut or mixed.
      const reason = joined && result.reason !== 'oversized' ? 'tampered' : result.reason;
      emit?.({ type: 'invalid', reason, codec: codec.kind });
      return undefined;
    }
    const { envelope, stale } = result;
    const maxAge = envelope.lifetime?.maxAge ?? options.maxAge;
    const problem = expiryProblem(options, envelope.createdAt, envelope.lastSeenAt, now, !codec.checksOwnExpiry, maxAge);
    if (problem) {
      emit?.({ type: 'invalid', reason: problem, codec: codec.kind });
      return undefined;
    }
    if (verified && !remembered) verified.remember(value, envelope, stale);
    const state = newState(envelope.id ?? newSessionId(), envelope.createdAt, cookiesSent);
    state.lastSeenAt = envelope.lastSeenAt;
    state.data = envelope.data;
    state.userId = envelope.userId;
    state.loadedUserId = envelope.userId;
    state.isNew = false;
    state.stale = stale;
    state.hasInnerId = envelope.id !== undefined;
    if (envelope.lifetime !== undefined) state.lifetime = envelope.lifetime;
    state.loadedMaxAge = maxAge;
    return state;
  }

  /** A codec object from the app may throw on input it did not expect: that is a bad cookie, not a 500. */
  function decodeGuarded(value: string, now: number): OpenResult | Promise<OpenResult> {
    try {
      return codec.decode(value, now);
    } catch {
      return MALFORMED;
    }
  }

  /** Only a session that held a user is ever revoked, so only such a cookie needs the check. */
  const mayBeRevoked = (state: SessionState) => state.hasInnerId && state.loadedUserId !== undefined;

  function revoked(state: SessionState, now: number): boolean | Promise<boolean> {
    if (!mayBeRevoked(state)) return false;
    const answer = revocations.isRevoked(state.id, now);
    const report = (isRevoked: boolean) => {
      if (isRevoked) emit?.({ type: 'invalid', reason: 'revoked', codec: codec.kind });
      return isRevoked;
    };
    return typeof answer === 'boolean' ? report(answer) : answer.then(report);
  }

  function loadSync(offered: Offered): SessionState {
    const now = nowSeconds();
    const { values } = offered;
    if (offered.gap) emit?.({ type: 'invalid', reason: 'tampered', codec: codec.kind });
    for (let i = 0; i < values.length; i++) {
      // Only a synchronous codec is decoded here (see `load`).
      const state = open(values[i] as string, now, offered.plain, i >= offered.joinedFrom) as SessionState | undefined;
      if (state && !(revoked(state, now) as boolean)) return carried(state, offered);
    }
    return carried(newState(newSessionId(), now, offered.plain), offered);
  }

  async function loadAsync(offered: Offered): Promise<SessionState> {
    const now = nowSeconds();
    const { values } = offered;
    if (offered.gap) emit?.({ type: 'invalid', reason: 'tampered', codec: codec.kind });
    for (let i = 0; i < values.length; i++) {
      const state = await open(values[i] as string, now, offered.plain, i >= offered.joinedFrom);
      if (state && !(await revoked(state, now))) return carried(state, offered);
    }
    return carried(newState(newSessionId(), now, offered.plain), offered);
  }

  /** Remembers which chunk cookies the request carried, so a write can expire those it no longer needs. */
  const carried = (state: SessionState, offered: Offered) => {
    state.chunksSent = offered.chunks;
    return state;
  };

  const excess = () => emit?.({ type: 'invalid', reason: 'duplicate', codec: codec.kind });
  const offer = (source: CookieSource) => cookies.read(cookieHeaderOf(source), excess);

  // One backend for every session: a session keeps its request's cookie source and hands it back here.
  const lazy: SessionBackend = {
    load: (source) => loadSync(offer(source as CookieSource)),
    freshIdentity: identity,
    lifetime: configuredLifetime(options),
    lifetimeRefused: codec.carriesLifetime === true ? undefined : lifetimeRefusal(codec.kind),
  };

  // A codec or a revocation list that answers with promises is consulted while the adapter loads.
  const eager = !revocations.synchronous || codec.synchronous === false;

  function load(source: CookieSource): AnySession | Promise<AnySession> {
    if (eager) {
      const offered = offer(source);
      if (offered.values.length > 0) return loadAsync(offered).then((state) => newSession(lazy, state));
    }
    // Even the Cookie header waits for the first access: an untouched session costs one small object.
    return newSession(lazy, undefined, source);
  }

  /** The `Set-Cookie` values that write the session (several when chunked). */
  function cookieFor(state: SessionState, now: number): string[] | Promise<string[]> {
    const envelope: Envelope = { createdAt: state.createdAt, lastSeenAt: now, data: state.data };
    if (state.hasInnerId !== false) envelope.id = state.id;
    if (state.userId !== undefined) envelope.userId = state.userId;
    if (state.lifetime !== undefined) envelope.lifetime = state.lifetime;
    const maxAge = persistentOf(state, options)
      ? remainingLifetime(options, state.createdAt, now, now, maxAgeOf(state, options))
      : undefined;
    const finish = (value: string) => {
      // A codec object from the app could write a ';' and inject attributes: refuse it loudly.
      if (checkValues && !isCookieValue(value)) {
        throw new HallpassError('ERR_COOKIE_ATTRIBUTE', `The "${codec.kind}" codec wrote characters a cookie value may not hold.`);
      }
      return cookies.write(value, maxAge, state);
    };
    const value = codec.encode(envelope);
    return value instanceof Promise ? value.then(finish) : finish(value);
  }

  /** Expires every session cookie the request carried; `vary` when it carried none. */
  const expired = (state: SessionState, vary: boolean): CommitResult => {
    const list = cookies.expire(state);
    return list.length > 0 ? withCookies(list, true) : { vary };
  };

  /**
   * Until when a revocation must stand: no cookie of the session can be accepted after its absolute
   * deadline, nor after the idle timeout counted from now (every cookie issued so far was seen by
   * now), with the clock leeway other servers may be allowed.
   */
  function revokedUntil(createdAt: number, now: number, maxAge: number): number {
    let until = createdAt + maxAge;
    if (options.idleTimeout !== false) until = Math.min(until, now + options.idleTimeout);
    return until + options.clockLeeway;
  }

  function commit(session: AnySession): CommitResult | Promise<CommitResult> {
    markCommitted(session);
    if (!isLoaded(session)) return NOTHING;
    const state = stateOf(session);
    const vary = state.accessed;
    const now = nowSeconds();
    const hadCookie = !state.isNew;
    const loadedCreatedAt = state.createdAt;
    // The lifetime the cookies already issued carry, whatever this request chose since. Every
    // lifetime change moves the session to a new inner ID, so all cookies of one ID carry the same
    // lifetime; the configured one is the floor for cookies issued before that was so.
    const loadedMaxAge = Math.max(state.loadedMaxAge ?? options.maxAge, options.maxAge);
    // The user changed without a regenerate() (a logout by `userId = undefined`, a switch of user):
    // the old cookie must not keep the old user, so the session moves to a new inner ID. So does a
    // lifetime change: a later logout's revocation lasts only the new lifetime, which must not let
    // an older copy carrying a longer one open again.
    const userChanged = state.loadedUserId !== undefined && state.userId !== state.loadedUserId;
    if (hadCookie && (userChanged || state.lifetimeChanged) && !state.regenerate) {
      state.regenerate = { previousId: state.id, keepData: true };
      state.id = newSessionId();
    }
    const originalId = state.regenerate?.previousId ?? state.id;
    const pending: Array<void | Promise<void>> = [];
    const retire = (id: string) => {
      if (!mayBeRevoked(state)) return;
      const entry = { id, userId: state.loadedUserId as string, until: revokedUntil(loadedCreatedAt, now, loadedMaxAge) };
      pending.push(revocations.revoke(entry, now));
    };
    const done = (result: CommitResult) =>
      pending.some((item) => item instanceof Promise) ? Promise.all(pending).then(() => result) : result;

    const ending = state.destroyed || (isEmpty(state) && isDirty(session));
    if (ending) {
      if (hadCookie) {
        retire(originalId);
        emit?.({ type: 'destroyed', id: originalId });
      }
      return done(expired(state, vary));
    }
    const write = isDirty(session) || (hadCookie && touchDue(options, state.lastSeenAt, now));
    if (!write || isEmpty(state)) return done({ vary });
    // A request that loaded before a logout must not issue a cookie after it: that cookie would
    // carry a later last-seen time (or, regenerated, a new ID) than the revocation covers.
    if (hadCookie && mayBeRevoked(state)) {
      const answer = revocations.isRevoked(originalId, now);
      if (answer === true) return endedMeanwhile(state, vary);
      if (answer instanceof Promise) {
        return answer.then((revokedNow) => (revokedNow ? endedMeanwhile(state, vary) : issue(state, now, retire, done)));
      }
    }
    return issue(state, now, retire, done);
  }

  /** The session was logged out by another request while this one ran: expire the cookie, write nothing. */
  function endedMeanwhile(state: SessionState, vary: boolean): CommitResult {
    emit?.({ type: 'conflict', id: state.regenerate?.previousId ?? state.id, detail: 'session ended by another request; changes dropped' });
    const list = cookies.expire(state);
    return withCookies(list.length > 0 ? list : [expireCookie(options.name, options.cookie)], vary || list.length > 0);
  }

  /** Writes the session's cookie, retiring the old inner ID first when it was regenerated. */
  function issue(
    state: SessionState,
    now: number,
    retire: (id: string) => void,
    done: (result: CommitResult) => CommitResult | Promise<CommitResult>,
  ): CommitResult | Promise<CommitResult> {
    const vary = state.accessed;
    if (state.regenerate) {
      if (state.userId === undefined && state.loadedUserId === undefined && builtIn) warnLoginWithoutUser();
      if (!state.isNew) {
        retire(state.regenerate.previousId);
        emit?.({ type: 'regenerated', id: state.id, previousId: state.regenerate.previousId });
      }
      state.createdAt = now;
    }
    const finish = (written: string[]) => {
      if (state.isNew) emit?.({ type: 'created', id: state.id });
      else if (state.stale) emit?.({ type: 'resealed', id: state.id });
      return done(withCookies(written, vary));
    };
    const written = cookieFor(state, now);
    return written instanceof Promise ? written.then(finish) : finish(written);
  }

  return { load, commit };
}
