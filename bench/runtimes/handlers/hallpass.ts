/** hallpass with its default settings (a sealed cookie, the verified-cookie cache) through `hallpass/fetch`. */
import { createSessions } from 'hallpass';
import { withSessions } from 'hallpass/fetch';
import { asCount, countResponse, notFound, routeOf } from './routes.js';

export function makeHandler(secret: string): (request: Request) => Promise<Response> {
  const sessions = createSessions<{ count: number }>({ secret });
  return withSessions(sessions, (request, session) => {
    const route = routeOf(request);
    if (route === 'read') return countResponse(asCount(session.get('count')));
    if (route !== 'write') return notFound();
    const count = asCount(session.get('count')) + 1;
    session.set('count', count);
    return countResponse(count);
  });
}
