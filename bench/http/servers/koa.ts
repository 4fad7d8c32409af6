/** Koa 3 servers: bare, hallpass (`koaSession`), koa-session. */
import { createServer } from 'node:http';
import { koaSession } from 'hallpass/koa';
import Koa, { type Context } from 'koa';
import { asCount, countBody, type Starter, UNTOUCHED_BODY } from './context.js';
import { type CountSession, countWriter, HALLPASS_VARIANTS, type HallpassVariant, hallpassSessions } from './hallpass-sessions.js';

type Accessors = { read: (ctx: Context) => number; write: (ctx: Context, count: number) => unknown };

/** One routing middleware for all three routes: Koa has no router of its own. */
function routes(app: Koa, { read, write }: Accessors) {
  app.use((ctx) => {
    ctx.type = 'application/json';
    if (ctx.path === '/read') ctx.body = countBody(read(ctx));
    else if (ctx.path === '/write') {
      const count = read(ctx) + 1;
      write(ctx, count);
      ctx.body = countBody(count);
    } else if (ctx.path === '/untouched') ctx.body = UNTOUCHED_BODY;
    else ctx.status = 404;
  });
  return createServer(app.callback());
}

type Holder = { session: { get(key: string): unknown; set(key: string, value: unknown): void } };
type PlainHolder = { session: { count?: number } };

/** The bare app; `before` adds middleware in front of its routes (the no-op reference). */
function bare(before?: (app: Koa) => void): Starter {
  return async () => {
    let count = 0;
    const app = new Koa();
    before?.(app);
    return routes(app, { read: () => count, write: (_ctx, next) => (count = next) });
  };
}

function hallpass(variant: HallpassVariant): Starter {
  return async (ctx) => {
    const app = new Koa();
    app.use(koaSession(await hallpassSessions(variant, ctx)) as unknown as Koa.Middleware);
    const write = countWriter(variant);
    return routes(app, {
      read: (c) => asCount((c as unknown as Holder).session.get('count')),
      write: (c, count) => write((c as unknown as { session: CountSession }).session, count),
    });
  };
}

function koaSessionPeer(): Starter {
  return async (ctx) => {
    const { default: session } = await import('koa-session');
    const app = new Koa();
    app.keys = [ctx.secret];
    app.use(session({}, app as never) as unknown as Koa.Middleware);
    return routes(app, {
      read: (c) => asCount((c as unknown as PlainHolder).session.count),
      write: (c, count) => {
        (c as unknown as PlainHolder).session.count = count;
      },
    });
  };
}

export const koaServers: Record<string, Starter> = {
  bare: bare(),
  // One middleware that awaits `next()` and does nothing else.
  noop: bare((app) =>
    app.use(async (_ctx, next) => {
      await next();
    }),
  ),
  ...Object.fromEntries(HALLPASS_VARIANTS.map((variant) => [variant, hallpass(variant)])),
  'koa-session': koaSessionPeer(),
};
