import Fastify from 'fastify';
import { createSessions, type Json } from 'hallpass';
import { fastifySession, getSession } from 'hallpass/fastify';

const secret = process.env.SESSION_SECRET;
if (!secret) {
  console.error('SESSION_SECRET is not set. Create one with `npx hallpass secret`, then:');
  console.error('  SESSION_SECRET=<the secret> npx tsx examples/fastify/index.ts');
  process.exit(1);
}

type Data = { user_id: string; [key: string]: Json };
const app = Fastify();
await app.register(fastifySession(createSessions<Data>({ secret })));

app.get('/', async (request) => {
  const user = getSession<Data>(request).get('user_id');
  return { message: user ? `Welcome back, user ${user}!` : 'Hello, guest!' };
});

app.post('/login', async (request, reply) => {
  const { username } = { ...(request.body as object), ...(request.query as object) } as { username?: unknown };
  if (typeof username !== 'string' || username === '') {
    return reply.code(422).send({ error: 'username_required', message: 'Send ?username=<name>.' });
  }
  const session = getSession<Data>(request);
  session.regenerate(); // a new session ID on login: a cookie planted before it is worthless
  session.set('user_id', username);
  session.userId = username; // a logout then revokes every copy of the cookie
  return { message: `Logged in as ${username}` };
});

app.post('/logout', async (request) => {
  getSession<Data>(request).destroy();
  return { message: 'Logged out successfully.' };
});

app.get('/session', async (request) => getSession<Data>(request).toJSON());

app.post('/session', async (request) => {
  const session = getSession<Data>(request);
  for (const [key, value] of Object.entries(request.body ?? {})) session.set(key, value as Json);
  return session.toJSON();
});

const port = Number(process.env.PORT ?? 3000);
await app.listen({ port });
console.log(`hallpass + Fastify listening on http://localhost:${port}`);
