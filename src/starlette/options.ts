/** Checks the options that mirror Starlette's `SessionMiddleware`, once, at start-up. */
import { ConfigError } from '../core/errors.js';

/** Starlette's default `max_age`: 14 days. */
export const STARLETTE_MAX_AGE = 14 * 24 * 3600;

const FIX = 'Pass the same secret_key as the FastAPI/Starlette app, e.g. secret_key: process.env.SESSION_SECRET.';

/**
 * The secrets in itsdangerous's order (oldest first, the last one signs). Any non-empty string is
 * taken: the secret belongs to the Python app, and refusing a short one would log its users out.
 */
export function checkStarletteSecrets(secret: unknown, option = 'secret_key'): string[] {
  const list = typeof secret === 'string' ? [secret] : Array.isArray(secret) ? (secret as unknown[]) : undefined;
  if (secret === undefined || secret === null || secret === '' || (list && list.length === 0)) {
    throw new ConfigError('ERR_SECRET_MISSING', `\`${option}\` is required and has no default. ${FIX}`);
  }
  if (!list) throw new ConfigError('ERR_OPTION', `\`${option}\` must be a string or a list of strings. ${FIX}`);
  list.forEach((item, index) => {
    if (typeof item !== 'string' || item === '') {
      throw new ConfigError('ERR_OPTION', `\`${option}[${index}]\` must be a non-empty string. ${FIX}`);
    }
  });
  return list as string[];
}

/**
 * `max_age` in whole seconds, or `null` for no time check at all (Starlette's `None`). `0` is
 * refused: Starlette reads it as "valid during the second it was signed", never what anyone meant.
 */
export function checkStarletteMaxAge(maxAge: unknown, option = 'max_age'): number | null {
  if (maxAge === undefined) return STARLETTE_MAX_AGE;
  if (maxAge === null) return null;
  if (maxAge === 0) {
    throw new ConfigError(
      'ERR_LIFETIME',
      `\`${option}\` 0 makes Starlette cookies valid for one second only. Give a number of seconds, or null (no time check, a browser-session cookie).`,
    );
  }
  if (typeof maxAge !== 'number' || !Number.isSafeInteger(maxAge) || maxAge < 0) {
    throw new ConfigError('ERR_LIFETIME', `\`${option}\` must be a positive whole number of seconds or null, got ${String(maxAge)}.`);
  }
  return maxAge;
}
