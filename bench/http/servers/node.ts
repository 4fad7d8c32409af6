/** `node:http` servers: the bare app, hallpass (`withSessions`), iron-session, and the connect-style peers run in front of the handler. */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { withSessions } from 'hallpass/node';
import { type ConnectMiddleware, cookieSessionMiddleware, expressSessionMiddleware } from './connect-peers.js';
import { asCount, countBody, type ServerContext, type Starter, UNTOUCHED_BODY } from './context.js';
import { countWriter, HALLPASS_VARIANTS, hallpassSessions } from './hallpass-sessions.js';

const JSON_TYPE = { 'content-type': 'application/json' };

function send(res: ServerResponse, body: string): void {
  res.writeHead(200, JSON_TYPE);
  res.end(body);
}

function notFound(res: ServerResponse): void {
  res.writeHead(404);
  res.end();
}

function bare(): Starter {
  return async () => {
    let count = 0;
    return createServer((req, res) => {
      if (req.url === '/read') send(res, countBody(count));
      else if (req.url === '/write') send(res, countBody(++count));
      else if (req.url === '/untouched') send(res, UNTOUCHED_BODY);
      else notFound(res);
    });
  };
}

function hallpass(variant: (typeof HALLPASS_VARIANTS)[number]): Starter {
  return async (ctx) => {
    const sessions = await hallpassSessions(variant, ctx);
    const write = countWriter(variant);
    return createServer(
      withSessions(sessions, (req, res) => {
        if (req.url === '/read') send(res, countBody(req.session.get('count', 0)));
        else if (req.url === '/write') {
          const count = req.session.get('count', 0) + 1;
          write(req.session, count);
          send(res, countBody(count));
        } else if (req.url === '/untouched') send(res, UNTOUCHED_BODY);
        else notFound(res);
      }),
    );
  };
}

function ironSession(): Starter {
  return async (ctx: ServerContext) => {
    const { getIronSession } = await import('iron-session');
    const options = { password: ctx.secret, cookieName: 'iron', cookieOptions: { secure: false } };
    const handle = async (req: IncomingMessage, res: ServerResponse) => {
      if (req.url === '/untouched') return send(res, UNTOUCHED_BODY);
      if (req.url !== '/read' && req.url !== '/write') return notFound(res);
      const session = await getIronSession<{ count?: number }>(req, res, options);
      if (req.url === '/read') return send(res, countBody(asCount(session.count)));
      session.count = asCount(session.count) + 1;
      await session.save();
      send(res, countBody(session.count));
    };
    return createServer((req, res) => {
      handle(req, res).catch((error) => {
        console.error(error);
        res.destroy();
      });
    });
  };
}

/** A connect-style middleware in front of the routes, over the plain object it puts on `req.session`. */
function connectPeer(middleware: (ctx: ServerContext) => Promise<ConnectMiddleware>): Starter {
  return async (ctx: ServerContext) => {
    const run = await middleware(ctx);
    const handle = (req: IncomingMessage, res: ServerResponse) => {
      const session = (req as IncomingMessage & { session: { count?: number } }).session;
      if (req.url === '/read') send(res, countBody(asCount(session.count)));
      else if (req.url === '/write') {
        session.count = asCount(session.count) + 1;
        send(res, countBody(session.count));
      } else if (req.url === '/untouched') send(res, UNTOUCHED_BODY);
      else notFound(res);
    };
    return createServer((req, res) => {
      run(req, res, (error) => {
        if (error === undefined) return handle(req, res);
        console.error(error);
        res.destroy();
      });
    });
  };
}

export const nodeServers: Record<string, Starter> = {
  bare: bare(),
  ...Object.fromEntries(HALLPASS_VARIANTS.map((variant) => [variant, hallpass(variant)])),
  'iron-session': ironSession(),
  'express-session': connectPeer((ctx) => expressSessionMiddleware(ctx, 'memory')),
  'express-session-redis': connectPeer((ctx) => expressSessionMiddleware(ctx, 'redis')),
  'cookie-session': connectPeer(cookieSessionMiddleware),
};
