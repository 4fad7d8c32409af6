import { createSessions, type Json } from 'hallpass';
import { koaSession } from 'hallpass/koa';
import Koa from 'koa';

const secret = process.env.SESSION_SECRET;
if (!secret) {
  console.error('SESSION_SECRET is not set. Create one with `npx hallpass secret`, then:');
  console.error('  SESSION_SECRET=<the secret> npx tsx examples/koa/index.ts');
  process.exit(1);
}

type Data = { user_id: string; [key: string]: Json };
const app = new Koa().use(koaSession(createSessions<Data>({ secret })));

// Koa has no router or body parser built in: a switch and a few lines keep the example dependency-free.
async function readJson(ctx: Koa.Context): Promise<Record<string, Json>> {
  let text = '';
  for await (const chunk of ctx.req) text += chunk;
  return text ? JSON.parse(text) : {};
}

app.use(async (ctx) => {
  const session = ctx.session; // typed Session<Data>: app.use(koaSession(...)) carried the type
  switch (`${ctx.method} ${ctx.path}`) {
    case 'GET /': {
      const user = session.get('user_id');
      ctx.body = { message: user ? `Welcome back, user ${user}!` : 'Hello, guest!' };
      return;
    }
    case 'POST /login': {
      const username = ctx.query.username ?? (await readJson(ctx)).username;
      if (typeof username !== 'string' || username === '') {
        ctx.status = 422;
        ctx.body = { error: 'username_required', message: 'Send ?username=<name>.' };
        return;
      }
      session.regenerate(); // a new session ID on login: a cookie planted before it is worthless
      session.set('user_id', username);
      session.userId = username; // a logout then revokes every copy of the cookie
      ctx.body = { message: `Logged in as ${username}` };
      return;
    }
    case 'POST /logout':
      session.destroy();
      ctx.body = { message: 'Logged out successfully.' };
      return;
    case 'GET /session':
      ctx.body = session.toJSON();
      return;
    case 'POST /session':
      for (const [key, value] of Object.entries(await readJson(ctx))) session.set(key, value);
      ctx.body = session.toJSON();
  }
});

const port = Number(process.env.PORT ?? 3000);
app.listen(port, () => console.log(`hallpass + Koa listening on http://localhost:${port}`));
