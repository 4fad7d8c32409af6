/**
 * The hallpass demo: a guest/login/cart/logout app over plain node:http, the same contract whatever
 * the session mode (sealed or signed cookies, Starlette cookies, or a server-side store). JSON
 * clients get JSON; a browser gets a page, and its form posts are answered with a 303 back to it.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { FLASH_KEY, type Json, type Session, type Sessions } from 'hallpass';
import { CSRF_SESSION_KEY } from 'hallpass/csrf';
import { type SessionRequest, withSessions } from 'hallpass/node';
import { flash, takeFlashes } from './flash.js';
import { HttpError, isFormPost, loadAssets, readBody, redirect, sendHtml, sendJson, wantsHtml } from './http.js';
import { type CookieFacts, type HomeView, renderHome } from './pages.js';

export type DemoData = { user_id: string; cart: string[]; [key: string]: Json };
type Route = (req: SessionRequest<DemoData>, res: ServerResponse, url: URL) => Promise<void> | void;

/** Extra routes a mode adds (the JWT routes, for one), matched before the session routes. */
export type ExtraRoutes = (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<boolean> | boolean;

const RESERVED_KEYS = new Set(['user_id', FLASH_KEY, CSRF_SESSION_KEY]);
const USERNAME = /^[\w.@-]{1,64}$/;
const ASSETS = loadAssets(new URL('./assets/', import.meta.url));

function greeting(session: Session<DemoData>): string {
  const user = session.get('user_id');
  return user ? `Welcome back, user ${user}!` : 'Hello, guest!';
}

/** A form post from a browser page, answered with a redirect (and a flash) rather than JSON. */
const fromPage = (req: IncomingMessage) => isFormPost(req) && wantsHtml(req);

/** Answers JSON, or for a browser form post, a flash message and a 303 back to the page. */
function reply(req: SessionRequest<DemoData>, res: ServerResponse, body: Record<string, unknown>, note?: string): void {
  if (!fromPage(req)) {
    sendJson(res, 200, body);
    return;
  }
  if (note) flash(req.session, note, 'success');
  redirect(res, '/');
}

/** Bytes of the session cookie in the request, for the cookie panel. */
function cookieBytes(header: string | undefined, name: string): number | undefined {
  for (const part of header?.split(';') ?? []) {
    const [key, value] = part.trim().split('=', 2);
    if (key === name && value) return name.length + 1 + value.length;
  }
  return undefined;
}

/** `remember=0|1` from the query, the form (a hidden 0 before the checkbox's 1) or JSON; default 1. */
function rememberChoice(value: unknown): boolean {
  if (value === undefined || value === '1' || value === 1 || value === true) return true;
  if (value === '0' || value === 0 || value === false) return false;
  throw new HttpError(422, { error: 'remember_invalid', message: 'remember is 0 (until the browser closes) or 1 (remember me).' });
}

async function homeView(sessions: Sessions<DemoData>, req: SessionRequest<DemoData>): Promise<HomeView> {
  const { session } = req;
  const user = session.get('user_id');
  const options = sessions.options;
  const sentBytes = cookieBytes(req.headers.cookie, options.name);
  let devices: HomeView['devices'] = sessions.mode === 'cookie' ? 'cookie-mode' : 'guest';
  if (user && sessions.mode === 'server') {
    const list = await sessions.listByUser(user);
    devices = list
      .map((d) => ({ createdAt: d.createdAt, lastSeenAt: d.lastSeenAt, current: d.id === session.id }))
      .sort((a, b) => Number(b.current) - Number(a.current) || b.createdAt - a.createdAt);
  }
  const cookie: CookieFacts = {
    name: options.name,
    ...options.cookie,
    // This session's own lifetime: the login's "Remember me" chooses it.
    ...session.lifetime,
    idleTimeout: options.idleTimeout,
    touchInterval: options.touchInterval,
    mode: sessions.mode,
    codec: options.codec?.kind,
    sentBytes: session.isNew ? undefined : sentBytes,
    createdAt: session.createdAt,
    lastSeenAt: session.lastSeenAt,
  };
  return {
    message: greeting(session),
    user,
    cart: session.get('cart', []),
    flashes: takeFlashes(session),
    devices,
    cookie,
    now: Math.floor(options.now() / 1000),
    assets: { style: ASSETS.url('style.css'), script: ASSETS.url('page.js'), icon: ASSETS.url('icon.svg') },
  };
}

export function createDemoRoutes(sessions: Sessions<DemoData>): Record<string, Route> {
  return {
    'GET /': async (req, res) => {
      if (wantsHtml(req)) sendHtml(res, 200, renderHome(await homeView(sessions, req)));
      else sendJson(res, 200, { message: greeting(req.session) });
    },
    'POST /login': async (req, res, url) => {
      const body = await readBody(req);
      const username = url.searchParams.get('username') ?? body.username;
      if (typeof username !== 'string' || username.trim() === '') {
        throw new HttpError(422, { error: 'username_required', message: 'Send a non-empty username (query, form or JSON field).' });
      }
      if (!USERNAME.test(username.trim())) {
        throw new HttpError(422, { error: 'username_invalid', message: 'A username is 1-64 letters, digits, dots, @, _ or -.' });
      }
      const remember = rememberChoice(url.searchParams.get('remember') ?? body.remember);
      const id = username.trim();
      req.session.regenerate();
      req.session.set('user_id', id);
      req.session.userId = id;
      // Not remembered: a browser-session cookie (no Max-Age), and at most 12 hours on the server.
      if (!remember) req.session.setLifetime({ persistent: false });
      reply(req, res, { message: `Logged in as ${id}` }, `Logged in as ${id}`);
    },
    'POST /logout': (req, res) => {
      req.session.destroy();
      reply(req, res, { message: 'Logged out successfully.' });
    },
    'GET /session': (req, res) => sendJson(res, 200, req.session.toJSON()),
    'POST /session': async (req, res) => {
      const body = await readBody(req);
      // Who is logged in changes only through /login (which regenerates the session), never by a merge.
      const reserved = Object.keys(body).filter((key) => RESERVED_KEYS.has(key));
      if (reserved.length > 0) {
        throw new HttpError(422, { error: 'reserved_key', message: `These keys are set by the app only: ${reserved.join(', ')}.` });
      }
      for (const [key, value] of Object.entries(body)) req.session.set(key, value as Json);
      sendJson(res, 200, req.session.toJSON());
    },
    'GET /cart': (req, res) => sendJson(res, 200, { cart: req.session.get('cart', []) }),
    'POST /cart': async (req, res) => {
      const { item } = await readBody(req);
      if (typeof item !== 'string' || item.trim() === '' || item.length > 100) {
        throw new HttpError(422, { error: 'item_required', message: 'Send {"item": "..."} with 1-100 characters.' });
      }
      const cart = [...req.session.get('cart', []), item.trim()];
      req.session.set('cart', cart);
      reply(req, res, { cart });
    },
    'GET /devices': async (req, res) => {
      const user = req.session.get('user_id');
      if (!user) throw new HttpError(401, { error: 'login_required' });
      if (sessions.mode !== 'server')
        throw new HttpError(409, { error: 'server_store_required', message: 'Start the demo with SESSION_STORE set.' });
      const devices = (await sessions.listByUser(user)).map((device) => ({ ...device, current: device.id === req.session.id }));
      sendJson(res, 200, { devices });
    },
    'POST /devices/logout-others': async (req, res) => {
      const user = req.session.get('user_id');
      if (!user) throw new HttpError(401, { error: 'login_required', message: 'Log in first.' });
      if (sessions.mode !== 'server')
        throw new HttpError(409, { error: 'server_store_required', message: 'Start the demo with SESSION_STORE set.' });
      const loggedOut = await sessions.destroyByUser(user, { except: req.session.id });
      reply(req, res, { loggedOut }, `Logged out ${loggedOut} other device${loggedOut === 1 ? '' : 's'}.`);
    },
  };
}

/** The demo's request handler for node:http. */
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Cross-site request forgery defence for the demo's forms, with no token to carry: browsers say
 * where a request comes from (`Sec-Fetch-Site`, else `Origin`), and a write from another site is
 * refused. Clients that send neither (curl, server-to-server) are not browsers and pass. For pages
 * of your own, `hallpass/csrf` adds per-session tokens as well.
 */
export function isCrossSiteWrite(req: IncomingMessage): boolean {
  if (SAFE_METHODS.has(req.method ?? 'GET')) return false;
  const site = req.headers['sec-fetch-site'];
  if (typeof site === 'string') return site !== 'same-origin' && site !== 'none';
  const origin = req.headers.origin;
  if (typeof origin !== 'string') return false;
  try {
    return new URL(origin).host !== req.headers.host;
  } catch {
    return true;
  }
}

export function createDemoApp(sessions: Sessions<DemoData>, extraRoutes?: ExtraRoutes) {
  const routes = createDemoRoutes(sessions);
  const sessionHandler = withSessions(sessions, async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://demo.local');
    const route = routes[`${req.method} ${url.pathname}`];
    try {
      if (!route) throw new HttpError(404, { error: 'not_found' });
      await route(req, res, url);
    } catch (error) {
      if (!(error instanceof HttpError)) throw error;
      // A page's form gets the problem as a message on the page it came from.
      if (fromPage(req) && typeof error.body.message === 'string') {
        flash(req.session, error.body.message, 'error');
        redirect(res, '/');
      } else sendJson(res, error.status, error.body);
    }
  });
  return async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://demo.local');
    // Style sheets and scripts are the same for everyone: no session is loaded for them.
    if (ASSETS.serve(req, res, url)) return;
    if (isCrossSiteWrite(req)) {
      sendJson(res, 403, { error: 'cross_site_request', message: 'This form was posted from another site.' });
      return;
    }
    if (extraRoutes && (await extraRoutes(req, res, url))) return;
    return sessionHandler(req, res);
  };
}
