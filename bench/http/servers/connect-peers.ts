/**
 * The connect-style peers (`(req, res, next)` middleware): express-session, with its MemoryStore or
 * connect-redis, and cookie-session. Express mounts them with `app.use`; node:http runs them in
 * front of its handler, as a connect app would, so they are measured without Express's own cost.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ServerContext } from './context.js';

export type ConnectMiddleware = (req: IncomingMessage, res: ServerResponse, next: (error?: unknown) => void) => void;

/** express-session with the settings its README recommends; MemoryStore, or connect-redis over node-redis. */
export async function expressSessionMiddleware(ctx: ServerContext, store: 'memory' | 'redis'): Promise<ConnectMiddleware> {
  const { default: session } = await import('express-session');
  let storeOption: import('express-session').Store | undefined;
  if (store === 'redis') {
    const { createClient } = await import('redis');
    const { RedisStore } = await import('connect-redis');
    const client = await createClient({ url: `redis://127.0.0.1:${ctx.redisPort}` }).connect();
    storeOption = new RedisStore({ client, prefix: `${ctx.prefix}cr:` });
  }
  return session({ secret: ctx.secret, resave: false, saveUninitialized: false, store: storeOption }) as unknown as ConnectMiddleware;
}

/** cookie-session with one key. */
export async function cookieSessionMiddleware(ctx: ServerContext): Promise<ConnectMiddleware> {
  const { default: cookieSession } = await import('cookie-session');
  return cookieSession({ name: 'session', keys: [ctx.secret] }) as unknown as ConnectMiddleware;
}
