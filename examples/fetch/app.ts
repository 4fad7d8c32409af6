/**
 * The demo's JSON contract as one fetch handler, `(Request) => Response`, on `hallpass/fetch`:
 * the same routes and answers as the Node demo (examples/app) and examples/next's `/api` routes.
 * examples/deno, examples/bun and examples/worker serve it, and test/runtimes/ runs the contract
 * against each of them.
 *
 * @example
 * ```ts
 * import { createSessions } from 'hallpass'
 * import { demoApp } from './app.js'
 *
 * const fetch = demoApp(createSessions({ secret: process.env.SESSION_SECRET }))
 * const reply = await fetch(new Request('http://localhost/login?username=alice', { method: 'POST' }))
 * ```
 */
import type { Json, Sessions } from 'hallpass';
import { withSessions } from 'hallpass/fetch';

export type Data = { user_id: string; cart: string[]; [key: string]: Json };

const USERNAME = /^[\w.@-]{1,64}$/;

function reply(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json; charset=utf-8' } });
}

function problem(status: number, error: string, message: string): Response {
  return reply({ error, message }, status);
}

/** A JSON object or a form from the request body; `{}` when there is none or it does not parse. */
async function readBody(request: Request): Promise<Record<string, Json>> {
  const text = await request.text();
  // A form post is read as a form, unless it is plainly JSON (as `curl -d '{...}'` sends it).
  if ((request.headers.get('content-type') ?? '').startsWith('application/x-www-form-urlencoded') && !text.trimStart().startsWith('{')) {
    return Object.fromEntries(new URLSearchParams(text));
  }
  try {
    const body: unknown = JSON.parse(text);
    return typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as Record<string, Json>) : {};
  } catch {
    return {};
  }
}

/** The demo's routes over the sessions given: greeting, login, logout, session data and a cart. */
export function demoApp(sessions: Sessions<Data>): (request: Request) => Promise<Response> {
  return withSessions(sessions, async (request, session) => {
    const url = new URL(request.url);
    switch (`${request.method} ${url.pathname}`) {
      case 'GET /': {
        const user = session.get('user_id');
        return reply({ message: user ? `Welcome back, user ${user}!` : 'Hello, guest!' });
      }
      case 'POST /login': {
        const given = url.searchParams.get('username') ?? (await readBody(request)).username;
        if (typeof given !== 'string' || given.trim() === '') {
          return problem(422, 'username_required', 'Send a non-empty username (query, form or JSON field).');
        }
        const user = given.trim();
        if (!USERNAME.test(user)) return problem(422, 'username_invalid', 'A username is 1-64 letters, digits, dots, @, _ or -.');
        session.regenerate(); // a new session ID on login: a cookie planted before it is worthless
        session.set('user_id', user);
        session.userId = user; // a logout then revokes every copy of this cookie
        return reply({ message: `Logged in as ${user}` });
      }
      case 'POST /logout':
        session.destroy();
        return reply({ message: 'Logged out successfully.' });
      case 'GET /session':
        return reply(session.toJSON());
      case 'POST /session': {
        const body = await readBody(request);
        // Who is logged in changes only through /login (which regenerates the session), never by a merge.
        if (Object.hasOwn(body, 'user_id')) return problem(422, 'reserved_key', 'These keys are set by the app only: user_id.');
        for (const [key, value] of Object.entries(body)) session.set(key, value);
        return reply(session.toJSON());
      }
      case 'GET /cart':
        return reply({ cart: session.get('cart', []) });
      case 'POST /cart': {
        const { item } = await readBody(request);
        if (typeof item !== 'string' || item.trim() === '' || item.length > 100) {
          return problem(422, 'item_required', 'Send {"item": "..."} with 1-100 characters.');
        }
        const cart = [...session.get('cart', []), item.trim()];
        session.set('cart', cart);
        return reply({ cart });
      }
      default:
        return reply({ error: 'not_found' }, 404);
    }
  });
}
