/**
 * FastAPI/Starlette session cookies, read and written byte for byte, so a Python app and a hallpass
 * app on one domain share their users' sessions.
 *
 * A cookie is `base64(json.dumps(session)).<timestamp>.<signature>`, signed by itsdangerous's
 * `TimestampSigner` (HMAC-SHA1). It is signed, not encrypted: whoever holds it can read it.
 *
 * @example
 * ```ts
 * import { createSessions } from 'hallpass'
 * import { starletteSessionOptions } from 'hallpass/starlette'
 *
 * // The same secret_key, cookie name and max_age as `app.add_middleware(SessionMiddleware, ...)`
 * const sessions = createSessions(starletteSessionOptions({ secret_key: process.env.SESSION_SECRET! }))
 * ```
 * @module
 */
import { checkCookieName } from '../core/cookie.js';
import { ConfigError } from '../core/errors.js';
import type { SessionOptions } from '../engine/options.js';
import { type StarletteOptions, starletteCodec } from './codec.js';
import { checkStarletteMaxAge } from './options.js';

export { type StarletteCodecOptions, type StarletteOptions, starletteCodec } from './codec.js';
export { migrateFromStarlette, type StarletteImport, type StarletteMigration } from './migrate.js';

/** A span the core never reaches (about 31,700 years): Starlette has no absolute lifetime, and the codec checks `max_age`. */
const UNBOUNDED = 1e12;

/**
 * Options for `createSessions` that make hallpass behave like Starlette's `SessionMiddleware`:
 * its cookie name and attributes, its `max_age`, and its sliding expiry. Starlette (up to 0.47)
 * re-signs a non-empty session on every response, so an active user is never logged out;
 * hallpass re-signs on every response that used the session (`touchInterval: 0`).
 *
 * One deliberate difference: itsdangerous still accepts a cookie whose age equals `max_age`, so
 * the idle timeout is `max_age + 1` and the `Max-Age` attribute one second longer than
 * Starlette's, covering that last second. `https_only` defaults to `false` because Starlette's
 * does; set it to `true` in production.
 *
 * @example
 * ```ts
 * // Python: app.add_middleware(SessionMiddleware, secret_key=os.environ["SESSION_SECRET"], max_age=1800)
 * const sessions = createSessions({
 *   ...starletteSessionOptions({ secret_key: process.env.SESSION_SECRET!, max_age: 1800, https_only: true }),
 *   onEvent: (event) => log(event),
 * })
 * ```
 */
export function starletteSessionOptions(options: StarletteOptions): SessionOptions {
  const codec = starletteCodec(options);
  const maxAge = checkStarletteMaxAge(options.max_age);
  const { session_cookie: name = 'session', path = '/', same_site: sameSite = 'lax', https_only: secure = false } = options;
  try {
    checkCookieName(name);
  } catch (error) {
    throw new ConfigError('ERR_COOKIE_NAME', (error as Error).message.replace('`name`', '`session_cookie`'));
  }
  if (sameSite !== 'lax' && sameSite !== 'strict' && sameSite !== 'none') {
    throw new ConfigError('ERR_OPTION', `\`same_site\` must be "lax", "strict" or "none", got ${JSON.stringify(sameSite)}.`);
  }
  if (typeof secure !== 'boolean')
    throw new ConfigError('ERR_OPTION', `\`https_only\` must be true or false, got ${JSON.stringify(secure)}.`);
  if (sameSite === 'none' && !secure) {
    throw new ConfigError(
      'ERR_SAMESITE_NONE_INSECURE',
      'Browsers refuse `same_site: "none"` without `https_only: true`. Set both, or use "lax".',
    );
  }
  const sessionOptions: SessionOptions = {
    codec,
    name,
    path,
    sameSite,
    secure,
    httpOnly: true,
    maxAge: UNBOUNDED,
    // Without max_age (Starlette's None) the cookie lasts the browser session and nothing is
    // time-checked, the future-date check included; it is still re-signed on every response.
    persistent: maxAge !== null,
    idleTimeout: maxAge === null ? UNBOUNDED : maxAge + 1,
    touchInterval: 0,
  };
  if (options.domain !== undefined) sessionOptions.domain = options.domain;
  return sessionOptions;
}
