import { builtInCodecs } from '../../codecs/envelope.js';
import { isProduction, warnOnce } from '../../core/runtime.js';
import type { AsyncCodec, Codec } from '../../core/types.js';
import type { Revocations } from './index.js';

/** The text of the start-up warning: what a restart and other instances do to logouts, and the fix. */
export const FORGOTTEN_LOGOUTS_WARNING =
  'hallpass: cookie sessions remember logouts in this process only. A restart or deploy forgets them, ' +
  'so a cookie copied before a logout is accepted again until it expires, and other instances or ' +
  'cluster/PM2 workers never refuse it. Set `revocations: sqliteRevocations(db)` (hallpass/sqlite: a ' +
  'file shared by the processes of this host) or `revocationStore` (a shared store such as Redis) ' +
  'in createSessions. See docs/security.md, "What a logout guarantees".';

/**
 * In production, warns when cookie-mode logouts live only in this process's memory. Only
 * hallpass's own codecs carry the inner ID a logout revokes; an app's codec or Starlette's cookies
 * are left alone.
 */
export function warnIfLogoutsAreForgotten(codec: Codec | AsyncCodec, revocations: Revocations): void {
  if (revocations.durable || !builtInCodecs.has(codec) || !isProduction()) return;
  warnOnce('HALLPASS_LOGOUTS_IN_MEMORY', FORGOTTEN_LOGOUTS_WARNING);
}

/** The text of the warning for a login that gives the session no user. */
export const LOGIN_WITHOUT_USER_WARNING =
  'hallpass: a cookie session was regenerated (a login?) without `session.userId`. Cookie mode ' +
  'revokes a logout only for a session with a user, so copies of this cookie will stay valid after ' +
  'logout until they expire. Set `session.userId = <the user id>` at login.';

/** Warns when cookie mode regenerates a session that holds data but no user. */
export function warnLoginWithoutUser(): void {
  warnOnce('HALLPASS_LOGIN_WITHOUT_USER', LOGIN_WITHOUT_USER_WARNING);
}
