import { createAdaptorServer } from '@hono/node-server';
import type { Sessions } from 'hallpass';
import { withSessions } from 'hallpass/fetch';
import { listen, type Running } from './listen.js';
import { route } from './routes.js';

/** The contract as a fetch handler through hallpass/fetch, served over node:http by @hono/node-server. */
export async function startFetch(sessions: Sessions): Promise<Running> {
  const fetch = withSessions(sessions, async (request, session) => {
    const url = new URL(request.url);
    const text = request.method === 'POST' ? await request.text() : '';
    const reply = route(request.method, url.pathname, session, url.searchParams, text ? JSON.parse(text) : undefined);
    return Response.json(reply?.body ?? { error: 'not_found' }, { status: reply?.status ?? 404, headers: reply?.headers });
  });
  return listen(createAdaptorServer({ fetch }) as import('node:http').Server);
}
