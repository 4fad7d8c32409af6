import { createServer } from 'node:http';
import { createSessions } from 'hallpass';
import { withSessions } from 'hallpass/node';

// A secret of 32+ random bytes from the environment: `npx hallpass secret` makes one.
const sessions = createSessions<{ user_id: string }>({ secret: process.env.SESSION_SECRET });

createServer(
  withSessions(sessions, (req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const reply = (body: object) => res.setHeader('Content-Type', 'application/json').end(JSON.stringify(body));
    if (req.method === 'GET' && url.pathname === '/') {
      const userId = req.session.get('user_id');
      return reply({ message: userId ? `Welcome back, user ${userId}!` : 'Hello, guest!' });
    }
    if (req.method === 'POST' && url.pathname === '/login') {
      const username = url.searchParams.get('username') ?? 'anonymous';
      req.session.regenerate(); // a new session ID on every login
      req.session.set('user_id', username);
      req.session.userId = username; // a logout then revokes every copy of the cookie
      return reply({ message: `Logged in as ${username}` });
    }
    if (req.method === 'POST' && url.pathname === '/logout') {
      req.session.destroy(); // the cookie is expired and refused if replayed
      return reply({ message: 'Logged out successfully.' });
    }
    res.statusCode = 404;
    reply({ error: 'not_found' });
  }),
).listen(Number(process.env.PORT ?? 3000));
