/**
 * Twelve concurrent refreshes of one refresh token against the demo's JWT routes, over real HTTP.
 * At most one may succeed, and the family must be dead afterwards (its newest refresh token refused,
 * its newest access token revoked): a refresh token used twice is the sign of a stolen token.
 *
 *   node --import tsx scripts/refresh-race.ts
 *
 * The token routes keep their state where the demo would without a session store: SQLite, in
 * memory here unless JWT_SQLITE_PATH names a file. Exits 1 when the race lets more than one refresh
 * through or leaves the family alive.
 */
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createSessions } from 'hallpass';
import { createDemoApp, type DemoData } from '../examples/app/app.js';
import { createTokenRoutes } from '../examples/app/tokens.js';

const CONCURRENT = 12;

interface Pair {
  access_token: string;
  refresh_token: string;
}

const env = {
  JWT_SECRET: randomBytes(32).toString('base64url'),
  JWT_SQLITE_PATH: process.env.JWT_SQLITE_PATH || ':memory:',
};
const routes = await createTokenRoutes(env, (line) => console.log(line));
const sessions = createSessions<DemoData>({ secret: randomBytes(32).toString('base64url'), secure: false });
const server = createServer(createDemoApp(sessions, routes));
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

const refresh = (refreshToken: string) =>
  fetch(`${base}/token/refresh`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ refresh_token: refreshToken }),
  });

try {
  const login = (await (await fetch(`${base}/token?username=alice`, { method: 'POST' })).json()) as Pair;
  const replies = await Promise.all(Array.from({ length: CONCURRENT }, () => refresh(login.refresh_token)));
  const bodies = await Promise.all(replies.map((reply) => reply.json() as Promise<Pair & { error?: string }>));
  const won = bodies.filter((_, i) => replies[i]?.status === 200);
  const statuses = replies.map((reply) => reply.status).join(' ');
  console.log(`${CONCURRENT} concurrent refreshes of one refresh token at ${base}: ${won.length} succeeded (statuses: ${statuses})`);

  // The family is dead when its newest refresh token is refused and its newest access token revoked.
  const newest = won[0] ?? login;
  const again = await refresh(newest.refresh_token);
  const me = await fetch(`${base}/me`, { headers: { authorization: `Bearer ${newest.access_token}` } });
  const dead = again.status === 401 && me.status === 401;
  console.log(`afterwards: refresh with the newest refresh token -> ${again.status}, GET /me with the newest access token -> ${me.status}`);
  console.log(`family dead afterwards: ${dead ? 'yes' : 'NO'}`);
  process.exitCode = won.length <= 1 && dead ? 0 : 1;
} finally {
  server.closeAllConnections();
  server.close();
}
