import { createServer } from 'node:http';
import type express from 'express';
import type { Response } from 'express';
import type { Sessions } from 'hallpass';
import { expressSession, getSession } from 'hallpass/express';
import { listen, type Running } from './listen.js';
import * as contract from './routes.js';

type Express = typeof express;

/** Builds the contract on the given Express (4 or 5, they share this code) through hallpass/express. */
export function expressApp(framework: Express, sessions: Sessions) {
  const app = framework();
  app.use(framework.json());
  app.use(expressSession(sessions));
  const send = (res: Response, reply: contract.Reply) =>
    res
      .status(reply.status)
      .set(reply.headers ?? {})
      .json(reply.body);
  app.get('/', (req, res) => send(res, contract.home(getSession(req))));
  app.post('/login', (req, res) => send(res, contract.login(getSession(req), req.query.username as string | undefined)));
  app.post('/logout', (req, res) => send(res, contract.logout(getSession(req))));
  app.get('/session', (req, res) => send(res, contract.readSession(getSession(req))));
  app.post('/session', (req, res) => send(res, contract.mergeSession(getSession(req), req.body)));
  app.get('/cart', (req, res) => send(res, contract.readCart(getSession(req))));
  app.post('/cart', (req, res) => send(res, contract.addToCart(getSession(req), req.body)));
  app.all('/cached', (req, res) =>
    send(res, contract.cached(getSession(req), req.method === 'POST', req.query.cache as string | undefined)),
  );
  return app;
}

export function startExpress(framework: Express, sessions: Sessions): Promise<Running> {
  return listen(createServer(expressApp(framework, sessions)));
}
