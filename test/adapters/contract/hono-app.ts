import type { Server } from 'node:http';
import { createAdaptorServer } from '@hono/node-server';
import type { Sessions } from 'hallpass';
import { honoSession, type SessionEnv } from 'hallpass/hono';
import { type Context, Hono } from 'hono';
import { listen, type Running } from './listen.js';
import * as contract from './routes.js';

type C = Context<SessionEnv>;

/** Builds the contract on Hono 4 through hallpass/hono. */
export function honoApp(sessions: Sessions) {
  const app = new Hono<SessionEnv>();
  app.use(honoSession(sessions));
  const send = (c: C, reply: contract.Reply) => c.json(reply.body as object, reply.status as 200, reply.headers);
  const body = async (c: C) => JSON.parse((await c.req.text()) || 'null');
  app.get('/', (c) => send(c, contract.home(c.get('session'))));
  app.post('/login', (c) => send(c, contract.login(c.get('session'), c.req.query('username'))));
  app.post('/logout', (c) => send(c, contract.logout(c.get('session'))));
  app.get('/session', (c) => send(c, contract.readSession(c.get('session'))));
  app.post('/session', async (c) => send(c, contract.mergeSession(c.get('session'), await body(c))));
  app.get('/cart', (c) => send(c, contract.readCart(c.get('session'))));
  app.post('/cart', async (c) => send(c, contract.addToCart(c.get('session'), await body(c))));
  app.on(['GET', 'POST'], '/cached', (c) => send(c, contract.cached(c.get('session'), c.req.method === 'POST', c.req.query('cache'))));
  return app;
}

export function startHono(sessions: Sessions): Promise<Running> {
  return listen(createAdaptorServer({ fetch: honoApp(sessions).fetch }) as Server);
}
