/**
 * iron-session on Web `Request`/`Response`: `getIronSession(request, response, options)` reads the
 * request's cookie and, on `save()`, appends the `Set-Cookie` to the response it was given; the
 * answer is then built with that response's headers, as its documentation's Route Handlers do.
 */
import { getIronSession } from 'iron-session';
import { asCount, countResponse, JSON_HEADERS, notFound, routeOf } from './routes.js';

export function makeHandler(secret: string): (request: Request) => Promise<Response> {
  const options = { password: secret, cookieName: 'iron', cookieOptions: { secure: false } };
  return async (request) => {
    const route = routeOf(request);
    if (!route) return notFound();
    const carrier = new Response(null, { headers: JSON_HEADERS });
    const session = await getIronSession<{ count?: number }>(request, carrier, options);
    if (route === 'read') return countResponse(asCount(session.count));
    session.count = asCount(session.count) + 1;
    await session.save();
    return new Response(`{"count":${session.count}}`, { headers: carrier.headers });
  };
}
