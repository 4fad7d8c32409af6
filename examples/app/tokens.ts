/**
 * The demo's token routes (`hallpass/jwt`): an API client logs in for a bearer token and a refresh
 * token, calls `GET /me` with the bearer token, refreshes, and revokes.
 *
 * POST /token?username=<id>   -> {"access_token","refresh_token","token_type":"Bearer","expires_in"}
 * GET  /me                    -> {"user":"<id>"} with `Authorization: Bearer <access_token>`, else 401
 * POST /token/refresh         {"refresh_token":"..."} -> a new pair; the old refresh token is spent
 * POST /token/revoke          with the bearer token (and optionally {"refresh_token"}) -> it stops working
 */
import { mkdirSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import { type SessionStore, StoreError } from 'hallpass';
import { authenticateBearer, createTokens, TokenError, type TokenPair } from 'hallpass/jwt';
import type { ExtraRoutes } from './app.js';
import { type DemoEnvironment, LOCAL_DIR, secretFrom } from './config.js';
import { HttpError, readBody } from './http.js';
import { openSqlite } from './stores.js';

const USERNAME = /^[\w.@-]{1,64}$/;

type Route = (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<void>;

/** Token responses must not be cached anywhere (RFC 6749, section 5.1). */
function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store', ...headers });
  res.end(JSON.stringify(body));
}

const pairBody = (pair: TokenPair) => ({
  access_token: pair.accessToken,
  refresh_token: pair.refreshToken,
  token_type: pair.tokenType,
  expires_in: pair.expiresIn,
});

/**
 * Where revocations and refresh tokens live: the demo's session store when it keeps every record
 * until its TTL and has compareAndSet (SQLite, PostgreSQL, Redis), else a SQLite file of their own,
 * JWT_SQLITE_PATH (default `.hallpass/tokens.sqlite`; `:memory:` for one process). Never an evicting
 * store (memory, Memcached): an evicted revocation would let a revoked token back in.
 */
async function tokenStoreFor(env: DemoEnvironment, log: (line: string) => void, store?: SessionStore): Promise<SessionStore> {
  if (store && store.evicts === false && typeof store.compareAndSet === 'function') return store;
  const path = env.JWT_SQLITE_PATH || join(LOCAL_DIR, 'tokens.sqlite');
  if (path !== ':memory:') mkdirSync(LOCAL_DIR, { recursive: true, mode: 0o700 });
  const { sqliteStore } = await import('hallpass/sqlite');
  log(`JWT revocations and refresh tokens are kept in SQLite at ${path}${store ? ' (the session store may evict records)' : ''}.`);
  return sqliteStore(await openSqlite(path));
}

/**
 * Builds the token routes. JWT_SECRET signs (HS256); outside production it is generated and kept
 * like SESSION_SECRET. Revocations and refresh tokens live in a store that never evicts (see
 * `tokenStoreFor`).
 */
export async function createTokenRoutes(env: DemoEnvironment, log: (line: string) => void, store?: SessionStore): Promise<ExtraRoutes> {
  const tokens = createTokens({
    algorithms: ['HS256'],
    keys: [{ alg: 'HS256', key: secretFrom(env, 'JWT_SECRET', log) }],
    issuer: 'hallpass-demo',
    audience: 'hallpass-demo-api',
    store: await tokenStoreFor(env, log, store),
  });

  /** The verified bearer token and its claims, or the 401 already sent. */
  async function bearer(req: IncomingMessage, res: ServerResponse) {
    const result = await authenticateBearer(tokens, req.headers.authorization, { realm: 'hallpass-demo' });
    if (!result.ok) {
      res.writeHead(result.status, result.headers);
      res.end(result.body);
      return undefined;
    }
    return { token: (req.headers.authorization ?? '').replace(/^bearer\s+/i, '').trim(), claims: result.claims };
  }

  const routes: Record<string, Route> = {
    'POST /token': async (req, res, url) => {
      const body = await readBody(req);
      const username = url.searchParams.get('username') ?? body.username;
      if (typeof username !== 'string' || !USERNAME.test(username.trim())) {
        throw new HttpError(422, { error: 'username_invalid', message: 'Send a username of 1-64 letters, digits, dots, @, _ or -.' });
      }
      sendJson(res, 200, pairBody(await tokens.issuePair({ sub: username.trim() })));
    },
    'GET /me': async (req, res) => {
      const auth = await bearer(req, res);
      if (auth) sendJson(res, 200, { user: auth.claims.sub });
    },
    'POST /token/refresh': async (req, res) => {
      const { refresh_token: refreshToken } = await readBody(req);
      if (typeof refreshToken !== 'string')
        throw new HttpError(400, { error: 'invalid_request', message: 'Send {"refresh_token": "..."}.' });
      sendJson(res, 200, pairBody(await tokens.refresh(refreshToken)));
    },
    'POST /token/revoke': async (req, res) => {
      const auth = await bearer(req, res);
      if (!auth) return;
      const { refresh_token: refreshToken } = await readBody(req);
      await tokens.revoke(auth.token);
      if (typeof refreshToken === 'string') await tokens.revokeRefresh(refreshToken).catch(() => undefined);
      sendJson(res, 200, { revoked: true });
    },
  };

  return async (req, res, url) => {
    const route = routes[`${req.method} ${url.pathname}`];
    if (!route) return false;
    try {
      await route(req, res, url);
    } catch (error) {
      if (error instanceof HttpError) sendJson(res, error.status, error.body);
      // A refused refresh token: spent (the family is now revoked), unknown or expired.
      else if (error instanceof TokenError) sendJson(res, 401, { error: 'invalid_grant', error_description: error.message });
      else if (error instanceof StoreError) sendJson(res, 503, { error: 'store_unavailable' }, { 'Retry-After': '1' });
      else throw error;
    }
    return true;
  };
}
