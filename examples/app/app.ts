/**
 * The hallpass demo: a guest/login/cart/logout app over plain node:http, the same contract whatever
 * the session mode (sealed or signed cookies, Starlette cookies, or a server-side store).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Json, Session, Sessions } from 'hallpass';
import { type SessionRequest, withSessions } from 'hallpass/node';
import { HttpError, isFormPost, readBody, redirect, sendHtml, sendJson, wantsHtml } from './http.js';
import { renderHome } from './pages.js';

export type DemoData = { user_id: string; cart: string[]; [key: string]: Json };
type Route = (req: SessionRequest<DemoData>, res: ServerResponse, url: URL) => Promise<void> | void;

/** Extra routes a mode adds (the JWT routes, for one), matched before the session routes. */
export type ExtraRoutes = (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<boolean> | boolean;

const USERNAME = /^[\w.@-]{1,64}$/;

function greeting(session: Session<DemoData>): string {
  const user = session.get('user_id');
  return user ? `Welcome back, user ${user}!` : 'Hello, guest!';
}

/** Answers JSON, or for a browser form post, a 303 back to the page. */
function reply(req: IncomingMessage, res: ServerResponse, body: Record<string, unknown>): void {
  if (isFormPost(req) && wantsHtml(req)) redirect(res, '/');
  else sendJson(res, 200, body);
}

export function createDemoRoutes(sessions: Sessions<DemoData>): Record<string, Route> {
  return {
    'GET /': (req, res) => {
      const message = greeting(req.session);
      if (wantsHtml(req)) sendHtml(res, 200, renderHome({ message, user: req.session.get('user_id'), cart: req.session.get('cart', []) }));
      else sendJson(res, 200, { message });
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
      const id = username.trim();
      req.session.regenerate();
      req.session.set('user_id', id);
      req.session.userId = id;
      reply(req, res, { message: `Logged in as ${id}` });
    },
    'POST /logout': (req, res) => {
      req.session.destroy();
      reply(req, res, { message: 'Logged out successfully.' });
    },
    'GET /session': (req, res) => sendJson(res, 200, req.session.toJSON()),
    'POST /session': async (req, res) => {
      const body = await readBody(req);
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
      if (sessions.mode !== 'server') throw new HttpError(409, { error: 'server_store_required', message: 'Start the demo with SESSION_STORE set.' });
      const devices = (await sessions.listByUser(user)).map((device) => ({ ...device, current: device.id === req.session.id }));
      sendJson(res, 200, { devices });
    },
    'POST /devices/logout-others': async (req, res) => {
      const user = req.session.get('user_id');
      if (!user) throw new HttpError(401, { error: 'login_required' });
      if (sessions.mode !== 'server') throw new HttpError(409, { error: 'server_store_required' });
      const loggedOut = await sessions.destroyByUser(user, { except: req.session.id });
      reply(req, res, { loggedOut });
    },
  };
}

/** The demo's request handler for node:http. */
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
      sendJson(res, error.status, error.body);
    }
  });
  return async (req: IncomingMessage, res: ServerResponse) => {
    if (extraRoutes && (await extraRoutes(req, res, new URL(req.url ?? '/', 'http://demo.local')))) return;
    return sessionHandler(req, res);
  };
}
