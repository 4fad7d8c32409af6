/** Express 5 servers: bare, hallpass (`expressSession`), express-session (memory, connect-redis), cookie-session, iron-session. */
import { createServer } from 'node:http';
import express, { type Express, type Request, type Response } from 'express';
import { type ExpressSessionOptions, expressSession, getSession } from 'hallpass/express';
import { type ConnectMiddleware, cookieSessionMiddleware, expressSessionMiddleware } from './connect-peers.js';
import { asCount, countBody, type ServerContext, type Starter, UNTOUCHED_BODY } from './context.js';
import { countWriter, HALLPASS_VARIANTS, type HallpassVariant, hallpassSessions } from './hallpass-sessions.js';

type Counter = { count?: number };

const json = (res: Response, body: string) => res.type('application/json').send(body);
const NO_SESSION = Object.freeze({});

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

/** The bare app; `before` adds middleware in front of its routes (the no-op reference). */
function bare(before?: (app: Express) => void): Starter {
  return async () => {
    let count = 0;
    const app = express();
    before?.(app);
    return createServer(
      routes(
        app,
        () => count,
        (_req, next) => (count = next),
      ),
    );
  };
}

function hallpass(variant: HallpassVariant, options: ExpressSessionOptions = {}): Starter {
  return async (ctx) => {
    const app = express();
    app.use(expressSession(await hallpassSessions(variant, ctx), options));
    const write = countWriter(variant);
    return createServer(
      routes(
        app,
        (req) => asCount(getSession<{ count: number }>(req).get('count')),
        (req, count) => write(getSession<{ count: number }>(req), count),
      ),
    );
  };
}

function connectPeer(middleware: (ctx: ServerContext) => Promise<ConnectMiddleware>): Starter {
  return async (ctx: ServerContext) => {
    const app = express();
    app.use(await middleware(ctx));
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
  // One middleware that does nothing: what Express charges for any session middleware.
  noop: bare((app) => app.use((_req, _res, next) => next())),
  // One that only gives the request a `session` property, as every session middleware does (an
  // accessor on a prototype would break `delete req.session`, express-session's logout). Express
  // sets each request's prototype, and on Node 20 (V8 11) a property added after that gives the
  // request a hidden class of its own, which costs more than the middleware (docs/benchmarks/profile.md).
  'noop-session': bare((app) =>
    app.use((req, _res, next) => {
      (req as unknown as { session: object }).session = NO_SESSION;
      next();
    }),
  ),
  ...Object.fromEntries(HALLPASS_VARIANTS.map((variant) => [variant, hallpass(variant)])),
  // The response gate as own methods of each response, beside the default gate on the app's prototype.
  'hallpass-sealed-own': hallpass('hallpass-sealed', { gateOnPrototype: false }),
  'express-session': connectPeer((ctx) => expressSessionMiddleware(ctx, 'memory')),
  'express-session-redis': connectPeer((ctx) => expressSessionMiddleware(ctx, 'redis')),
  'cookie-session': connectPeer(cookieSessionMiddleware),
  'iron-session': ironSession(),
};
