/**
 * How the demo is configured: everything comes from the environment, with safe defaults for a
 * first run on a laptop and a hard stop in production when a secret is missing or weak.
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, type SessionOptions } from 'hallpass';

export interface DemoEnvironment {
  [name: string]: string | undefined;
}

/** Where the demo keeps secrets it generated for development (git-ignored). */
export const LOCAL_DIR = '.hallpass';

/**
 * The secret named `variable`: from the environment; outside production, generated once and kept
 * in `.hallpass/<file>` (mode 0600) so sessions survive restarts. In production a missing secret
 * is an error naming the variable and the command that makes one.
 */
export function secretFrom(env: DemoEnvironment, variable: string, log: (line: string) => void): string {
  const given = env[variable];
  if (given) return given;
  if (env.NODE_ENV === 'production') {
    throw new ConfigError(
      'ERR_SECRET_MISSING',
      `${variable} is not set. Generate one with \`npx hallpass secret\` and set ${variable} in the environment.`,
    );
  }
  const file = join(LOCAL_DIR, `${variable.toLowerCase().replace(/_/g, '-')}`);
  if (existsSync(file)) {
    log(`${variable} is not set: using the development secret kept in ${file}.`);
    return readFileSync(file, 'utf8').trim();
  }
  mkdirSync(LOCAL_DIR, { recursive: true, mode: 0o700 });
  const secret = randomBytes(32).toString('base64url');
  writeFileSync(file, `${secret}\n`, { mode: 0o600 });
  chmodSync(file, 0o600);
  log(
    `${variable} is not set: generated a development secret and saved it to ${file} (mode 0600, git-ignored). Set ${variable} to use your own.`,
  );
  return secret;
}

/** Positive whole seconds from an environment variable, or the fallback. */
export function secondsFrom(env: DemoEnvironment, variable: string, fallback?: number): number | undefined {
  const text = env[variable];
  if (text === undefined || text === '') return fallback;
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0)
    throw new ConfigError('ERR_LIFETIME', `${variable} must be a positive number of seconds, got ${JSON.stringify(text)}.`);
  return value;
}

/** The cookie options the demo's environment asks for (SESSION_COOKIE, SESSION_MAX_AGE, SESSION_SECURE). */
export function cookieOptionsFrom(env: DemoEnvironment): Partial<SessionOptions> {
  const options: Partial<SessionOptions> = {};
  if (env.SESSION_COOKIE) options.name = env.SESSION_COOKIE;
  const maxAge = secondsFrom(env, 'SESSION_MAX_AGE');
  if (maxAge !== undefined) options.maxAge = maxAge;
  if (env.SESSION_SECURE === 'false') options.secure = false;
  return options;
}
