import { createServer } from 'node:http';
import { createRequestListener } from '@remix-run/node-fetch-server';
import { createSessions } from 'hallpass';
import { hallpassSessionStorage } from 'hallpass/react-router';
import { createStaticHandler, isRouteErrorResponse } from 'react-router';

const secret = process.env.SESSION_SECRET;
if (!secret) {
  console.error('SESSION_SECRET is not set. Create one with `npx hallpass secret`, then:');
  console.error('  SESSION_SECRET=<the secret> npx tsx examples/react-router/index.ts');
  process.exit(1);
}

type Data = { userId: string; cart: string[] };
const { getSession, commitSession, destroySession, regenerateSession } = hallpassSessionStorage<Data>(createSessions({ secret }));

// SessionStorage hands back only the cookie, so the caching headers hallpass's other adapters add are ours to add.
function json(body: unknown, setCookie?: string, status = 200): Response {
  const headers = new Headers(setCookie === undefined ? {} : { 'Set-Cookie': setCookie, Vary: 'Cookie' });
  if (setCookie) headers.set('Cache-Control', 'private, no-store');
  return Response.json(body, { status, headers });
}
const sessionOf = (request: Request) => getSession(request.headers.get('Cookie'));

const handler = createStaticHandler([
  {
    path: '/',
    loader: async ({ request }) => {
      const session = await sessionOf(request);
      const user = session.get('userId');
      // Commit on reads too: '' (an empty Set-Cookie, which browsers ignore) unless the idle timeout must slide.
      return json({ message: user ? `Welcome back, user ${user}!` : 'Hello, guest!' }, await commitSession(session));
    },
  },
  {
    path: '/login',
    action: async ({ request }) => {
      const username = new URL(request.url).searchParams.get('username');
      if (!username) return json({ error: 'username_required', message: 'Send ?username=<name>.' }, undefined, 422);
      const session = await sessionOf(request);
      regenerateSession(session); // a new session ID on login: a cookie planted before it is worthless
      session.set('userId', username);
      return json({ message: `Logged in as ${username}` }, await commitSession(session));
    },
  },
  {
    path: '/logout',
    action: async ({ request }) => {
      const session = await sessionOf(request);
      // Ends the session for good: a copy of the old cookie is refused from now on.
      return json({ message: 'Logged out successfully.' }, await destroySession(session));
    },
  },
  {
    path: '/cart',
    loader: async ({ request }) => {
      const session = await sessionOf(request);
      return json({ cart: session.get('cart') ?? [] }, await commitSession(session));
    },
    action: async ({ request }) => {
      const { item } = await request.json().catch(() => ({}));
      if (typeof item !== 'string' || item === '')
        return json({ error: 'item_required', message: 'Send {"item": "..."}.' }, undefined, 422);
      const session = await sessionOf(request);
      const cart = [...(session.get('cart') ?? []), item];
      session.set('cart', cart);
      return json({ cart }, await commitSession(session));
    },
  },
]);

const server = createServer(
  createRequestListener(async (request) => {
    try {
      return await handler.queryRoute(request);
    } catch (error) {
      if (error instanceof Response) return error; // thrown by a loader or action, e.g. a 503 when the store is down
      // No route for the path (404), or none of its loader and action for the method (400): answer JSON.
      if (isRouteErrorResponse(error)) return json({ error: error.statusText }, undefined, error.status);
      throw error;
    }
  }),
);
const port = Number(process.env.PORT ?? 3000);
server.listen(port, () => console.log(`hallpass + React Router listening on http://localhost:${port}`));
