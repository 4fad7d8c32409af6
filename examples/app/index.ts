/**
 * `npm start`: the hallpass demo on HOST (default 127.0.0.1) and PORT (default 3000).
 *
 * SESSION_SECRET        the secret (generated and kept in .hallpass/ outside production)
 * SESSION_CODEC         sealed (default) | signed | starlette (FastAPI-compatible cookies)
 * SESSION_COOKIE        cookie name (default "sid")
 * SESSION_MAX_AGE       absolute lifetime in seconds (default 14 days)
 * SESSION_STORE         memory | sqlite | redis | memcached | postgres (default: none, cookie mode)
 * SESSION_REVOCATIONS   cookie mode: a SQLite file for logouts (default .hallpass/revocations.sqlite) | memory
 * SESSION_SECURE=false  drop the Secure attribute (plain-HTTP hosts other than localhost)
 * JWT_SECRET            the HS256 key of the token routes (generated outside production)
 * JWT_SQLITE_PATH       where the token routes keep revocations and refresh tokens when the session
 *                       store may evict or there is none (default .hallpass/tokens.sqlite)
 */
import { createServer } from 'node:http';
import { ConfigError, createSessions, type SessionOptions } from 'hallpass';
import { createDemoApp, type DemoData } from './app.js';
import { cookieOptionsFrom, secondsFrom, secretFrom } from './config.js';
import { type ChosenRevocations, revocationsFrom } from './revocations.js';
import { storeFrom } from './stores.js';
import { createTokenRoutes } from './tokens.js';

const env = process.env;
const log = (line: string) => console.log(line);

async function main(): Promise<void> {
  const chosen = await storeFrom(env);
  const options: SessionOptions = { ...cookieOptionsFrom(env) };
  let mode: string;
  let revocations: ChosenRevocations | undefined;
  if (chosen) {
    options.store = chosen.store;
    mode = `server mode, ${chosen.name} store`;
  } else if (env.SESSION_CODEC === 'starlette') {
    // The cookies of FastAPI/Starlette's SessionMiddleware, so a Python app and this one share users.
    const { starletteSessionOptions } = await import('hallpass/starlette');
    Object.assign(
      options,
      starletteSessionOptions({
        secret_key: secretFrom(env, 'SESSION_SECRET', log),
        session_cookie: env.SESSION_COOKIE ?? 'session',
        max_age: secondsFrom(env, 'SESSION_MAX_AGE', 14 * 24 * 3600) as number,
        https_only: env.SESSION_SECURE !== 'false' && env.SESSION_HTTPS_ONLY === '1',
      }),
    );
    mode = 'cookie mode, starlette';
  } else {
    const codec = env.SESSION_CODEC ?? 'sealed';
    if (codec !== 'sealed' && codec !== 'signed') {
      throw new ConfigError('ERR_OPTION', `SESSION_CODEC must be "sealed", "signed" or "starlette", got ${JSON.stringify(codec)}.`);
    }
    options.secret = secretFrom(env, 'SESSION_SECRET', log);
    options.codec = codec;
    revocations = await revocationsFrom(env);
    options.revocations = revocations.revocations;
    mode = `cookie mode, ${codec}, ${revocations.where}`;
  }
  const sessions = createSessions<DemoData>(options);
  const tokenRoutes = await createTokenRoutes(env, log, chosen?.store);
  const server = createServer(createDemoApp(sessions, tokenRoutes));
  const host = env.HOST ?? '127.0.0.1';
  const port = Number(env.PORT ?? 3000);
  server.listen(port, host, () => {
    const address = server.address();
    const actualPort = typeof address === 'object' && address ? address.port : port;
    log(`hallpass demo (${mode}) listening on http://${host}:${actualPort}`);
  });
  const stop = () =>
    server.close(async () => {
      revocations?.close();
      await chosen?.close();
      process.exit(0);
    });
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) {
    console.error(`hallpass demo cannot start: ${error.message}`);
    process.exit(1);
  }
  throw error;
});
