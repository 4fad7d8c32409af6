/** Express 5 servers: bare, hallpass (`expressSession`), express-session (memory, connect-redis), cookie-session, iron-session. */
import { createServer } from 'node:http';
import express, { type Express, type Request, type Response } from 'express';
import { expressSession, getSession } from 'hallpass/express';
import { asCount, countBody, type ServerContext, type Starter, UNTOUCHED_BODY } from './context.js';
import { HALLPASS_VARIANTS, type HallpassVariant, hallpassSessions } from './hallpass-sessions.js';

type Counter = { count?: number };

const json = (res: Response, body: string) => res.type('application/json').send(body);

/** The three routes over a session reached through `get`/`set` accessors. */
function routes(app: Express, read: (req: Request) => number, write: (req: Request, count: number) => unknown): Express {
  app.get('/read', (req, res) => json(res, countBody(read(req))));
  app.get('/write', async (req, res, next) => {
    try {
      const count = read(req) + 1;
      await write(req, count);
      json(res, countBody(count));
    } catch (error) {
      next(error);
    }
  });
  app.get('/untouched', (_req, res) => json(res, UNTOUCHED_BODY));
  return app;
}

/** Peers that put a plain object on `req.session`. */
const plain = (req: Request) => (req as unknown as { session: Counter }).session;

function bare(): Starter {
  return async () => {
    let count = 0;
    return createServer(
      routes(
        express(),
        () => count,
        (_req, next) => (count = next),
      ),
    );
  };
}

function hallpass(variant: HallpassVariant): Starter {
  return async (ctx) => {
    const app = express();
    app.use(expressSession(await hallpassSessions(variant, ctx)));
    return createServer(
      routes(
        app,
        (req) => asCount(getSession<{ count: number }>(req).get('count')),
        (req, count) => getSession<{ count: number }>(req).set('count', count),
      ),
    );
  };
}

function expressSessionPeer(store: 'memory' | 'redis'): Starter {
  return async (ctx: ServerContext) => {
    const { default: session } = await import('express-session');
    const app = express();
    let storeOption: import('express-session').Store | undefined;
    if (store === 'redis') {
      const { createClient } = await import('redis');
      const { RedisStore } = await import('connect-redis');
      const client = await createClient({ url: `redis://127.0.0.1:${ctx.redisPort}` }).connect();
      storeOption = new RedisStore({ client, prefix: `${ctx.prefix}cr:` });
    }
    // The settings express-session's README recommends; MemoryStore when no store is given.
    app.use(session({ secret: ctx.secret, resave: false, saveUninitialized: false, store: storeOption }));
    return createServer(
      routes(
        app,
        (req) => asCount(plain(req).count),
        (req, count) => {
          plain(req).count = count;
        },
      ),
    );
  };
}

function cookieSession(): Starter {
  return async (ctx) => {
    const { default: cookieSessionMiddleware } = await import('cookie-session');
    const app = express();
    app.use(cookieSessionMiddleware({ name: 'session', keys: [ctx.secret] }));
    return createServer(
      routes(
        app,
        (req) => asCount(plain(req).count),
        (req, count) => {
          plain(req).count = count;
        },
      ),
    );
  };
}

function ironSession(): Starter {
  return async (ctx) => {
    const { getIronSession } = await import('iron-session');
    const options = { password: ctx.secret, cookieName: 'iron', cookieOptions: { secure: false } };
    const app = express();
    app.get('/read', async (req, res) => {
      const session = await getIronSession<Counter>(req, res, options);
      json(res, countBody(asCount(session.count)));
    });
    app.get('/write', async (req, res) => {
      const session = await getIronSession<Counter>(req, res, options);
      session.count = asCount(session.count) + 1;
      await session.save();
      json(res, countBody(session.count));
    });
    app.get('/untouched', (_req, res) => json(res, UNTOUCHED_BODY));
    return createServer(app);
  };
}

export const expressServers: Record<string, Starter> = {
  bare: bare(),
  ...Object.fromEntries(HALLPASS_VARIANTS.map((variant) => [variant, hallpass(variant)])),
  'express-session': expressSessionPeer('memory'),
  'express-session-redis': expressSessionPeer('redis'),
  'cookie-session': cookieSession(),
  'iron-session': ironSession(),
};
