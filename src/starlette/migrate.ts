/**
 * Leaving Starlette cookies for `sealed` cookies or a server-side store without logging anyone out:
 * a request that has no hallpass session yet but carries a valid Starlette cookie gets that
 * session's data, and the commit writes it in the new format.
 */
import { checkCookieName, expireCookie, readCookie } from '../core/cookie.js';
import { after, type MaybePromise } from '../core/crypto/index.js';
import { ConfigError } from '../core/errors.js';
import type { Json, OpenResult, SessionData } from '../core/types.js';
import type { Session } from '../engine/session.js';
import type { Sessions } from '../engine/sessions.js';
import { type StarletteOptions, starletteCodec } from './codec.js';

/** What one call of a migration did. */
export interface StarletteImport {
  /** True when the Starlette session's keys were copied into the hallpass session. */
  imported: boolean;
  /**
   * A `Set-Cookie` that deletes the Starlette cookie, when it lives under another name, path or
   * domain than the hallpass cookie (under the same ones the new cookie simply replaces it).
   * Append it to the response.
   */
  setCookie?: string;
}

/**
 * Copies a Starlette session into a request's hallpass session, once. Synchronous with node:crypto,
 * a promise with Web Crypto: `await` it either way.
 */
export type StarletteMigration = (
  session: Session<any>,
  cookieHeader: string | null | undefined,
) => StarletteImport | Promise<StarletteImport>;

/**
 * Returns a function to call on each request, after hallpass loaded the session: when the
 * session is new and the request carries a valid Starlette cookie, every key is copied with
 * `session.set`, so the commit writes the session in the new format (a sealed cookie, or a store
 * record and its token). Remove it once `max_age` has passed since the switch: by then every
 * Starlette cookie has expired. Until then a copy of an old Starlette cookie still opens a
 * session, as it did under FastAPI.
 *
 * @example
 * ```ts
 * const sessions = createSessions({ secret: process.env.HALLPASS_SECRET, name: 'session' })
 * const migrate = migrateFromStarlette(sessions, { secret_key: process.env.FASTAPI_SECRET_KEY! })
 * createServer(withSessions(sessions, async (req, res) => {
 *   const { setCookie } = await migrate(req.session, req.headers.cookie)
 *   if (setCookie) res.appendHeader('Set-Cookie', setCookie)
 *   // ... the app, unchanged
 * }))
 * ```
 */
export function migrateFromStarlette(sessions: Sessions<any>, options: StarletteOptions): StarletteMigration {
  const codec = starletteCodec(options);
  const name = options.session_cookie ?? 'session';
  try {
    checkCookieName(name);
  } catch (error) {
    throw new ConfigError('ERR_COOKIE_NAME', (error as Error).message.replace('`name`', '`session_cookie`'));
  }
  const path = options.path ?? '/';
  const target = sessions.options;
  const sameCookie = name === target.name && path === target.cookie.path && options.domain === target.cookie.domain;
  const clear = sameCookie
    ? undefined
    : expireCookie(name, {
        path,
        domain: options.domain,
        sameSite: options.same_site ?? 'lax',
        secure: options.https_only ?? false,
        httpOnly: true,
      });

  return (session, cookieHeader) => {
    const values = readCookie(cookieHeader, name);
    if (values.length === 0) return { imported: false };
    // Under the same name the value may be hallpass's own, valid cookie: nothing to do then.
    if (!session.isNew) return { imported: false, setCookie: clear };
    const now = Math.floor(target.now() / 1000);
    // The values in turn: the first that opens is imported.
    const tryFrom = (index: number): MaybePromise<StarletteImport> => {
      // Invalid or expired: it can never open again, so a cookie of its own is deleted too.
      if (index === values.length) return { imported: false, setCookie: clear };
      return after(codec.decode(values[index] as string, now), (opened: OpenResult) => {
        if (!opened.ok) return tryFrom(index + 1);
        const data: SessionData = opened.envelope.data;
        const keys = Object.keys(data);
        for (const key of keys) session.set(key, data[key] as Json);
        return { imported: keys.length > 0, setCookie: clear };
      });
    };
    return tryFrom(0);
  };
}
