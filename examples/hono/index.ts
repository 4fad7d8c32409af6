import { serve } from '@hono/node-server';
import { createSessions, type Json } from 'hallpass';
import { honoSession, type SessionEnv } from 'hallpass/hono';
import { Hono } from 'hono';

const secret = process.env.SESSION_SECRET;
if (!secret) {
  console.error('SESSION_SECRET is not set. Create one with `npx hallpass secret`, then:');
  console.error('  SESSION_SECRET=<the secret> npx tsx examples/hono/index.ts');
  process.exit(1);
}

type Data = { user_id: string; [key: string]: Json };
const app = new Hono<SessionEnv<Data>>();
app.use(honoSession(createSessions<Data>({ secret })));

app.get('/', (c) => {
  const user = c.get('session').get('user_id');
  return c.json({ message: user ? `Welcome back, user ${user}!` : 'Hello, guest!' });
});

app.post('/login', async (c) => {
  const username = c.req.query('username') ?? (await c.req.json().catch(() => ({}))).username;
  if (typeof username !== 'string' || username === '') {
    return c.json({ error: 'username_required', message: 'Send ?username=<name>.' }, 422);
  }
  const session = c.get('session');
  session.regenerate(); // a new session ID on login: a cookie planted before it is worthless
  session.set('user_id', username);
  session.userId = username; // a logout then revokes every copy of the cookie
  return c.json({ message: `Logged in as ${username}` });
});

app.post('/logout', (c) => {
  c.get('session').destroy();
  return c.json({ message: 'Logged out successfully.' });
});

app.get('/session', (c) => c.json(c.get('session').toJSON()));

app.post('/session', async (c) => {
  const session = c.get('session');
  const body: Record<string, Json> = await c.req.json();
  for (const [key, value] of Object.entries(body)) session.set(key, value);
  return c.json(session.toJSON());
});

const port = Number(process.env.PORT ?? 3000);
serve({ fetch: app.fetch, port }, () => console.log(`hallpass + Hono listening on http://localhost:${port}`));
