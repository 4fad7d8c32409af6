/** Fastify 5 servers: bare, hallpass (`fastifySession`), @fastify/secure-session, @fastify/session. */
import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import { fastifySession, getSession } from 'hallpass/fastify';
import { asCount, countBody, type Starter, UNTOUCHED_BODY } from './context.js';
import { countWriter, HALLPASS_VARIANTS, type HallpassVariant, hallpassSessions } from './hallpass-sessions.js';

type Accessors = {
  read: (request: FastifyRequest) => number;
  write: (request: FastifyRequest, count: number) => unknown;
};

async function serve(app: FastifyInstance, { read, write }: Accessors) {
  // Replies are strings with a JSON type, as on every framework, so no framework serialiser differs.
  app.get('/read', async (request, reply) => reply.type('application/json').send(countBody(read(request))));
  app.get('/write', async (request, reply) => {
    const count = read(request) + 1;
    await write(request, count);
    return reply.type('application/json').send(countBody(count));
  });
  app.get('/untouched', async (_request, reply) => reply.type('application/json').send(UNTOUCHED_BODY));
  await app.listen({ port: 0, host: '127.0.0.1' });
  return app.server;
}

/** The bare app; `before` registers plugins in front of its routes (the no-op reference). */
function bare(before?: (app: FastifyInstance) => PromiseLike<unknown>): Starter {
  return async () => {
    let count = 0;
    const app = Fastify();
    await before?.(app);
    return serve(app, {
      read: () => count,
      write: (_request, next) => (count = next),
    });
  };
}

/** The hooks hallpass registers (onRequest, onSend, onResponse), each doing nothing, in the app's scope as hallpass's are. */
const noopHooks = async (instance: FastifyInstance) => {
  instance.addHook('onRequest', (_request, _reply, done) => done());
  instance.addHook('onSend', (_request, _reply, payload, done) => done(null, payload));
  instance.addHook('onResponse', (_request, _reply, done) => done());
};

function hallpass(variant: HallpassVariant): Starter {
  return async (ctx) => {
    const app = Fastify();
    await app.register(fastifySession(await hallpassSessions(variant, ctx)));
    const write = countWriter(variant);
    return serve(app, {
      read: (request) => asCount(getSession<{ count: number }>(request).get('count')),
      write: (request, count) => write(getSession<{ count: number }>(request), count),
    });
  };
}

type PeerSession = { get(key: string): unknown; set(key: string, value: unknown): void };
const peerSession = (request: FastifyRequest) => (request as unknown as { session: PeerSession }).session;

function secureSession(): Starter {
  return async (ctx) => {
    const { default: plugin } = await import('@fastify/secure-session');
    const app = Fastify();
    // A 32-byte key given directly (no key derivation per start), as its README recommends.
    await app.register(plugin, { key: Buffer.from(ctx.secret, 'base64url'), cookie: { path: '/' } });
    return serve(app, {
      read: (request) => asCount(peerSession(request).get('count')),
      write: (request, count) => peerSession(request).set('count', count),
    });
  };
}

function fastifySessionPeer(): Starter {
  return async (ctx) => {
    const { default: cookie } = await import('@fastify/cookie');
    const { default: plugin } = await import('@fastify/session');
    const app = Fastify();
    await app.register(cookie);
    // Defaults (MemoryStore, rolling), except `secure`, which would keep the cookie off plain HTTP.
    await app.register(plugin, { secret: ctx.secret, cookie: { secure: false } });
    return serve(app, {
      read: (request) => asCount(peerSession(request).get('count')),
      write: (request, count) => peerSession(request).set('count', count),
    });
  };
}

export const fastifyServers: Record<string, Starter> = {
  bare: bare(),
  noop: bare((app) => app.register(Object.assign(noopHooks, { [Symbol.for('skip-override')]: true }))),
  ...Object.fromEntries(HALLPASS_VARIANTS.map((variant) => [variant, hallpass(variant)])),
  'secure-session': secureSession(),
  'fastify-session': fastifySessionPeer(),
};
