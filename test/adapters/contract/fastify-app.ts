import Fastify from 'fastify';
import type { Sessions } from 'hallpass';
import { fastifySession, getSession } from 'hallpass/fastify';
import type { Running } from './listen.js';
import * as contract from './routes.js';

/** Builds the contract on Fastify 5 through hallpass/fastify. */
export async function fastifyApp(sessions: Sessions) {
  const app = Fastify();
  await app.register(fastifySession(sessions));
  const routes: Array<[string, string, (request: import('fastify').FastifyRequest) => contract.Reply]> = [
    ['GET', '/', (request) => contract.home(getSession(request))],
    ['POST', '/login', (request) => contract.login(getSession(request), (request.query as { username?: string }).username)],
    ['POST', '/logout', (request) => contract.logout(getSession(request))],
    ['GET', '/session', (request) => contract.readSession(getSession(request))],
    ['POST', '/session', (request) => contract.mergeSession(getSession(request), request.body)],
    ['GET', '/cart', (request) => contract.readCart(getSession(request))],
    ['POST', '/cart', (request) => contract.addToCart(getSession(request), request.body)],
    ...(['GET', 'POST'] as const).map((method): [string, string, (request: import('fastify').FastifyRequest) => contract.Reply] => [
      method,
      '/cached',
      (request) => contract.cached(getSession(request), method === 'POST', (request.query as { cache?: string }).cache),
    ]),
  ];
  for (const [method, url, handle] of routes) {
    app.route({
      method,
      url,
      handler: async (request, reply) => {
        const answer = handle(request);
        return reply
          .code(answer.status)
          .headers(answer.headers ?? {})
          .send(answer.body);
      },
    });
  }
  return app;
}

export async function startFastify(sessions: Sessions): Promise<Running> {
  const app = await fastifyApp(sessions);
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  return { url, close: () => app.close() };
}
