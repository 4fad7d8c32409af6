/** The baseline: the same routes and answers with no session, the cookie sent and ignored. */
import { countResponse, notFound, routeOf } from './routes.js';

export function makeHandler(_secret: string): (request: Request) => Promise<Response> {
  let count = 0;
  return async (request) => {
    const route = routeOf(request);
    if (route === 'read') return countResponse(count);
    if (route === 'write') return countResponse(++count);
    return notFound();
  };
}
