import { createServer } from 'node:http';
import type { Sessions } from 'hallpass';
import { koaSession } from 'hallpass/koa';
import type Koa from 'koa';
import { listen, type Running, readJson } from './listen.js';
import { route } from './routes.js';

/** Builds the contract on the given Koa (2 or 3, they share this code) through hallpass/koa. */
export function koaApp(framework: typeof Koa, sessions: Sessions) {
  const app = new framework().use(koaSession(sessions));
  app.use(async (ctx) => {
    const body = ctx.method === 'POST' ? await readJson(ctx.req) : undefined;
    const reply = route(ctx.method, ctx.path, ctx.session, new URLSearchParams(ctx.querystring), body);
    if (!reply) return;
    ctx.status = reply.status;
    if (reply.headers) ctx.set(reply.headers);
    ctx.body = reply.body;
  });
  return app;
}

export function startKoa(framework: typeof Koa, sessions: Sessions): Promise<Running> {
  return listen(createServer(koaApp(framework, sessions).callback()));
}
