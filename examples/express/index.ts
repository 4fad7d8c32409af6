import express from 'express';
import { createSessions, type Json } from 'hallpass';
import { expressSession, getSession } from 'hallpass/express';

const secret = process.env.SESSION_SECRET;
if (!secret) {
  console.error('SESSION_SECRET is not set. Create one with `npx hallpass secret`, then:');
  console.error('  SESSION_SECRET=<the secret> npx tsx examples/express/index.ts');
  process.exit(1);
}

type Data = { user_id: string; [key: string]: Json };
const app = express();
app.use(express.json());
app.use(expressSession(createSessions<Data>({ secret })));

app.get('/', (req, res) => {
  const user = getSession<Data>(req).get('user_id');
  res.json({ message: user ? `Welcome back, user ${user}!` : 'Hello, guest!' });
});

app.post('/login', (req, res) => {
  const username = req.query.username ?? req.body?.username;
  if (typeof username !== 'string' || username === '') {
    res.status(422).json({ error: 'username_required', message: 'Send ?username=<name>.' });
    return;
  }
  const session = getSession<Data>(req);
  session.regenerate(); // a new session ID on login: a cookie planted before it is worthless
  session.set('user_id', username);
  session.userId = username; // a logout then revokes every copy of the cookie
  res.json({ message: `Logged in as ${username}` });
});

app.post('/logout', (req, res) => {
  getSession<Data>(req).destroy();
  res.json({ message: 'Logged out successfully.' });
});

app.get('/session', (req, res) => {
  res.json(getSession<Data>(req).toJSON());
});

app.post('/session', (req, res) => {
  const session = getSession<Data>(req);
  for (const [key, value] of Object.entries(req.body ?? {})) session.set(key, value as Json);
  res.json(session.toJSON());
});

const port = Number(process.env.PORT ?? 3000);
app.listen(port, () => console.log(`hallpass + Express listening on http://localhost:${port}`));
