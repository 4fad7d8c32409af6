import { emptyData } from '../core/json-value.js';
import type { SessionData, SessionLifetime } from '../core/types.js';

/** Where a session came from and what happened to it; read by the commit step, not by apps. */
export interface SessionState {
  /** Inner session ID (cookie mode) or store key (server mode). */
  id: string;
  /** Server mode: the cookie token. */
  token?: string;
  data: SessionData;
  createdAt: number;
  lastSeenAt: number;
  userId?: string;
  /** Cookie mode: the user the cookie carried when the request came in (what a logout must revoke). */
  loadedUserId?: string;
  /** True when no valid cookie or record backed this session. */
  isNew: boolean;
  /** How many cookie values the request carried for our name (to know whether one must be expired). */
  cookiesSent: number;
  /** False for formats without an inner ID (Starlette's): nothing to revoke. */
  hasInnerId?: boolean;
  /** Opened with an older key: re-seal on the next write. */
  stale: boolean;
  /** Keys set or deleted since load; `clearedAll` means every key was dropped first. */
  changed: Set<string>;
  clearedAll: boolean;
  userChanged: boolean;
  /** The app's own lifetime choice (`session.setLifetime`), kept with the session; else the configured one applies. */
  lifetime?: SessionLifetime;
  /** Cookie mode: the absolute lifetime the loaded cookie carried (what a logout's revocation must cover). */
  loadedMaxAge?: number;
  /** The choice was made in this request: the cookie (and record) must be written. */
  lifetimeChanged: boolean;
  /** Chunked cookies: how many chunk cookies (`<name>.0`, `<name>.1`, ...) the request carried, so the stale ones can be expired. */
  chunksSent: number;
  regenerate?: { previousId: string; previousToken?: string; keepData: boolean };
  destroyed: boolean;
  /** The app read or wrote the session, so the response depends on the cookie (`Vary: Cookie`). */
  accessed: boolean;
}

export function newState(id: string, now: number, cookiesSent: number, token?: string): SessionState {
  return {
    id,
    token,
    data: emptyData(),
    createdAt: now,
    lastSeenAt: now,
    isNew: true,
    cookiesSent,
    stale: false,
    changed: new Set(),
    clearedAll: false,
    userChanged: false,
    lifetimeChanged: false,
    chunksSent: 0,
    destroyed: false,
    accessed: false,
  };
}

/**
 * Supplies the state on first access (lazy decode) and the fresh identity `regenerate` needs. One
 * backend serves every session of a `createSessions`: what it needs of the request (its cookie
 * source) is the `source` each session was made with, so a request allocates no backend of its own.
 */
export interface SessionBackend {
  load(source: unknown): SessionState;
  freshIdentity(): { id: string; token?: string };
  /** The configured lifetime, for a session whose app chose none (absent: the defaults, for a session never saved). */
  readonly lifetime?: SessionLifetime;
  /** Why `setLifetime` cannot be honoured (a cookie format with no room for the choice); absent when it can. */
  readonly lifetimeRefused?: string;
}

export function isEmpty(state: SessionState): boolean {
  for (const _ in state.data) return false;
  return state.userId === undefined;
}
