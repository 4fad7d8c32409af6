/**
 * The demo's HTTP contract as plain functions of a session, so every contract app wires the same
 * behaviour into its framework and the matrix tests only the adapter in between.
 */
import type { Session, SessionData } from 'hallpass';

export interface Reply {
  status: number;
  body: unknown;
  /** Headers the app sets itself, each through its framework's own way of setting headers. */
  headers?: Record<string, string>;
}

const ok = (body: unknown): Reply => ({ status: 200, body });
const invalid = (message: string): Reply => ({ status: 422, body: { error: 'invalid_request', message } });

type S = Session<SessionData>;

export function home(session: S): Reply {
  const user = session.get('user_id');
  return ok({ message: user ? `Welcome back, user ${user}!` : 'Hello, guest!' });
}

export function login(session: S, username: string | null | undefined): Reply {
  if (!username) return invalid('username is required');
  session.regenerate();
  session.set('user_id', username);
  session.userId = username; // a logout then revokes every copy of the cookie
  return ok({ message: `Logged in as ${username}` });
}

export function logout(session: S): Reply {
  session.destroy();
  return ok({ message: 'Logged out successfully.' });
}

export function readSession(session: S): Reply {
  return ok(session.toJSON());
}

export function mergeSession(session: S, body: unknown): Reply {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return invalid('the body must be a JSON object');
  for (const [key, value] of Object.entries(body)) session.set(key, value);
  return ok(session.toJSON());
}

export function readCart(session: S): Reply {
  return ok({ cart: session.get('cart', []) });
}

export function addToCart(session: S, body: unknown): Reply {
  const item = (body as { item?: unknown } | null)?.item;
  if (typeof item !== 'string' || item === '') return invalid('item must be a non-empty string');
  const cart = [...(session.get('cart', []) as string[]), item];
  session.set('cart', cart);
  return ok({ cart });
}

/**
 * An app that asks caches to keep its page (`?cache=<Cache-Control value>`): `POST /cached` also
 * writes the session, so its response sets the cookie; `GET /cached` only reads it.
 */
export function cached(session: S, write: boolean, cacheControl: string | null | undefined): Reply {
  if (write) session.set('cached', true);
  else session.get('cached');
  return { status: 200, body: { cached: true }, headers: cacheControl ? { 'Cache-Control': cacheControl } : {} };
}

/** Routes by method and path; `undefined` for anything outside the contract (a 404). */
export function route(method: string, path: string, session: S, query: URLSearchParams, body: unknown): Reply | undefined {
  const key = `${method} ${path}`;
  if (key === 'GET /') return home(session);
  if (key === 'POST /login') return login(session, query.get('username'));
  if (key === 'POST /logout') return logout(session);
  if (key === 'GET /session') return readSession(session);
  if (key === 'POST /session') return mergeSession(session, body);
  if (key === 'GET /cart') return readCart(session);
  if (key === 'POST /cart') return addToCart(session, body);
  if (path === '/cached') return cached(session, method === 'POST', query.get('cache'));
  return undefined;
}
