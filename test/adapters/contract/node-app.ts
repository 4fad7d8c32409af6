import { createServer } from 'node:http';
import type { Sessions } from 'hallpass';
import { withSessions } from 'hallpass/node';
import { listen, type Running, readJson } from './listen.js';
import { route } from './routes.js';

/** The contract on plain node:http through hallpass/node. */
export async function startNode(sessions: Sessions): Promise<Running> {
  const handler = withSessions(sessions, async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const body = req.method === 'POST' ? await readJson(req) : undefined;
    const reply = route(req.method ?? 'GET', url.pathname, req.session, url.searchParams, body);
    res.writeHead(reply?.status ?? 404, { 'Content-Type': 'application/json', ...reply?.headers });
    res.end(JSON.stringify(reply?.body ?? { error: 'not_found' }));
  });
  return listen(createServer(handler));
}
