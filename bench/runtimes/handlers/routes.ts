/** The two routes every handler serves, and the answer's shape, so the three differ only in the session work. */
export const JSON_HEADERS = { 'content-type': 'application/json' };

/** A count read from a session, whatever the cookie held: a non-number is 0. */
export const asCount = (value: unknown): number => (typeof value === 'number' && Number.isFinite(value) ? value : 0);

export const countResponse = (count: number): Response => new Response(`{"count":${count}}`, { headers: JSON_HEADERS });

export const notFound = (): Response => new Response(null, { status: 404 });

/** `/read`, `/write` or undefined, from the request's URL. */
export function routeOf(request: Request): 'read' | 'write' | undefined {
  const path = new URL(request.url).pathname;
  return path === '/read' ? 'read' : path === '/write' ? 'write' : undefined;
}
