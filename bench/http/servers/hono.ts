/** Hono 4 servers on @hono/node-server: bare, hallpass (`honoSession`), hono-sessions. */

import type { Server } from 'node:http';
import { createAdaptorServer } from '@hono/node-server';
import { honoSession, type SessionEnv } from 'hallpass/hono';
import { Hono } from 'hono';
import { asCount, countBody, type Starter, UNTOUCHED_BODY } from './context.js';
import { countWriter, HALLPASS_VARIANTS, type HallpassVariant, hallpassSessions } from './hallpass-sessions.js';

const JSON_TYPE = { 'content-type': 'application/json' };
const serve = (app: { fetch: (request: Request) => Response | Promise<Response> }) =>
  createAdaptorServer({ fetch: app.fetch }) as unknown as Server;

/** The bare app; `before` adds middleware in front of its routes (the no-op reference). */
function bare(before?: (app: Hono) => void): Starter {
  return async () => {
    let count = 0;
    const app = new Hono();
    before?.(app);
    app.get('/read', (c) => c.body(countBody(count), 200, JSON_TYPE));
    app.get('/write', (c) => c.body(countBody(++count), 200, JSON_TYPE));
    app.get('/untouched', (c) => c.body(UNTOUCHED_BODY, 200, JSON_TYPE));
    return serve(app);
  };
}

function hallpass(variant: HallpassVariant): Starter {
  return async (ctx) => {
    const app = new Hono<SessionEnv<{ count: number }>>();
    app.use(honoSession(await hallpassSessions(variant, ctx)));
    const write = countWriter(variant);
    app.get('/read', (c) => c.body(countBody(c.get('session').get('count', 0)), 200, JSON_TYPE));
    app.get('/write', (c) => {
      const session = c.get('session');
      const count = session.get('count', 0) + 1;
      write(session, count);
      return c.body(countBody(count), 200, JSON_TYPE);
    });
    app.get('/untouched', (c) => c.body(UNTOUCHED_BODY, 200, JSON_TYPE));
    return serve(app);
  };
}

function honoSessions(): Starter {
  return async (ctx) => {
    const { CookieStore, sessionMiddleware } = await import('hono-sessions');
    type Peer = { get(key: string): unknown; set(key: string, value: unknown): void };
    const app = new Hono<{ Variables: { session: Peer } }>();
    // Its README's configuration (CookieStore, default autoExtendExpiration).
    app.use(
      sessionMiddleware({
        store: new CookieStore(),
        encryptionKey: ctx.secret,
        expireAfterSeconds: 900,
        cookieOptions: { sameSite: 'Lax', path: '/', httpOnly: true },
      }) as never,
    );
    app.get('/read', (c) => c.body(countBody(asCount(c.get('session').get('count'))), 200, JSON_TYPE));
    app.get('/write', (c) => {
      const session = c.get('session');
      const count = asCount(session.get('count')) + 1;
      session.set('count', count);
      return c.body(countBody(count), 200, JSON_TYPE);
    });
    app.get('/untouched', (c) => c.body(UNTOUCHED_BODY, 200, JSON_TYPE));
    return serve(app);
  };
}

export const honoServers: Record<string, Starter> = {
  bare: bare(),
  // One middleware that awaits `next()` and does nothing else.
  noop: bare((app) =>
    app.use(async (_c, next) => {
      await next();
    }),
  ),
  ...Object.fromEntries(HALLPASS_VARIANTS.map((variant) => [variant, hallpass(variant)])),
  'hono-sessions': honoSessions(),
};
