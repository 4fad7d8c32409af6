import { SessionValueError } from '../core/errors.js';
import { lifetimeFromJson, lifetimeToJson, MAX_SESSION_LIFETIME } from '../core/lifetime.js';
import type { AnySessionData, Json, SessionLifetime } from '../core/types.js';
import { DEFAULT_MAX_AGE, type ResolvedOptions } from './options.js';
import type { SessionState } from './session-state.js';

/** What `session.setLifetime` takes. */
export interface LifetimeChoice {
  /** `false`: a browser-session cookie (no `Max-Age`), gone when the browser closes. Default `true`. */
  persistent?: boolean;
  /**
   * The absolute lifetime in seconds from creation (or regeneration), enforced by the server. Default:
   * the configured `maxAge` for a persistent cookie; for a browser-session cookie the shorter of
   * `maxAge` and 12 hours, since a browser left open keeps such a cookie for weeks.
   */
  maxAge?: number;
}

/** The server-side cap of a browser-session cookie when the app names none. */
export const BROWSER_SESSION_MAX_AGE = 12 * 3600;

/** The lifetime a choice stands for, given the configured one. Throws `SessionValueError` for a bad choice. */
export function resolveLifetime(choice: LifetimeChoice, configured: SessionLifetime): SessionLifetime {
  if (choice === null || typeof choice !== 'object') {
    throw new SessionValueError(
      'ERR_SESSION_VALUE',
      'session.setLifetime needs an object, e.g. { persistent: false } or { maxAge: 30 * 86400 }.',
    );
  }
  const { persistent = true, maxAge } = choice;
  if (typeof persistent !== 'boolean') {
    throw new SessionValueError(
      'ERR_SESSION_VALUE',
      `session.setLifetime({ persistent }) must be true or false, got ${JSON.stringify(persistent)}.`,
    );
  }
  if (maxAge === undefined) {
    return { persistent, maxAge: persistent ? configured.maxAge : Math.min(configured.maxAge, BROWSER_SESSION_MAX_AGE) };
  }
  if (typeof maxAge !== 'number' || !Number.isFinite(maxAge) || maxAge < 1 || maxAge > MAX_SESSION_LIFETIME) {
    throw new SessionValueError(
      'ERR_SESSION_VALUE',
      `session.setLifetime({ maxAge }) must be 1 to ${MAX_SESSION_LIFETIME} seconds (400 days, what browsers keep), got ${String(maxAge)}.`,
    );
  }
  return { persistent, maxAge: Math.floor(maxAge) };
}

/** Why cookie mode refuses `setLifetime` with a codec whose format does not keep the choice. */
export function lifetimeRefusal(kind: string): string {
  return (
    `session.setLifetime needs a cookie format that keeps the choice, and the "${kind}" codec does not ` +
    '(it would hold for this response only). Use a hallpass codec (sealed, signed, secretboxCodec) or a store; ' +
    'a codec of your own that writes envelope.lifetime declares carriesLifetime: true.'
  );
}

/** The defaults, for a session that is never saved (an adapter's stand-in while the store is down). */
export const DEFAULT_LIFETIME: SessionLifetime = Object.freeze({ persistent: true, maxAge: DEFAULT_MAX_AGE });

/** The configured lifetime, for a session whose app chose none. */
export function configuredLifetime(options: ResolvedOptions): SessionLifetime {
  return { persistent: options.persistent, maxAge: options.maxAge };
}

/** The absolute lifetime (seconds) this session has: its own choice, else the configured `maxAge`. */
export function maxAgeOf(state: SessionState, options: ResolvedOptions): number {
  return state.lifetime?.maxAge ?? options.maxAge;
}

/** Whether this session's cookie carries `Max-Age`. */
export function persistentOf(state: SessionState, options: ResolvedOptions): boolean {
  return state.lifetime?.persistent ?? options.persistent;
}

/**
 * Server mode keeps a chosen lifetime in the record's data under this key, so every store keeps it
 * without a schema change; the session never shows it to the app, and `session.set` refuses it.
 */
export const STORED_LIFETIME_KEY = 'hallpass.lifetime';

/** Takes the stored lifetime out of a record's data (a malformed one is dropped: the configured lifetime applies). */
export function takeStoredLifetime(data: AnySessionData): SessionLifetime | undefined {
  if (!Object.hasOwn(data, STORED_LIFETIME_KEY)) return undefined;
  const lifetime = lifetimeFromJson(data[STORED_LIFETIME_KEY]);
  delete data[STORED_LIFETIME_KEY];
  return lifetime;
}

/** The stored form of a lifetime, as record data. */
export function storedLifetime(lifetime: SessionLifetime): Json {
  return JSON.parse(lifetimeToJson(lifetime)) as Json;
}
