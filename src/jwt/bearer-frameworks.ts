/**
 * Bearer middleware for Fastify, Hono and Koa: each a few lines around `authenticateBearer`.
 * Only types come from the frameworks; hallpass never loads them.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { MiddlewareHandler } from 'hono';
import type { Middleware } from 'koa';
import { authenticateBearer, type BearerOptions, checkBearerOptions } from './bearer.js';
import type { Tokens } from './tokens.js';
import type { TokenClaims } from './verify.js';

/**
 * A Fastify `preHandler` hook: `request.auth` holds the claims, or the hook answers 401.
 *
 * @example
 * ```ts
 * app.get('/me', { preHandler: fastifyBearer(tokens) }, (request) => ({ user: request.auth.sub }))
 * ```
 */
export function fastifyBearer(tokens: Pick<Tokens, 'verify'>, options: BearerOptions = {}) {
  checkBearerOptions(options);
  return async (request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | undefined> => {
    const result = await authenticateBearer(tokens, request.headers.authorization, options);
    if (result.ok) {
      (request as FastifyRequest & { auth: TokenClaims }).auth = result.claims;
      return undefined;
    }
    // Returning the reply tells Fastify the hook answered, so the route handler never runs.
    return reply.code(result.status).headers(result.headers).send(result.body);
  };
}

/**
 * Hono middleware: `c.get('auth')` holds the claims, or it answers 401.
 *
 * @example
 * ```ts
 * app.use('/api/*', honoBearer(tokens))
 * app.get('/api/me', (c) => c.json({ user: c.get('auth').sub }))
 * ```
 */
export function honoBearer(
  tokens: Pick<Tokens, 'verify'>,
  options: BearerOptions = {},
): MiddlewareHandler<{ Variables: { auth: TokenClaims } }> {
  checkBearerOptions(options);
  return async (c, next) => {
    const result = await authenticateBearer(tokens, c.req.header('authorization'), options);
    if (!result.ok) return new Response(result.body, { status: result.status, headers: result.headers });
    c.set('auth', result.claims);
    await next();
  };
}

/**
 * Koa middleware: `ctx.state.auth` holds the claims, or it answers 401.
 *
 * @example
 * ```ts
 * router.get('/me', koaBearer(tokens), (ctx) => { ctx.body = { user: ctx.state.auth.sub } })
 * ```
 */
export function koaBearer(tokens: Pick<Tokens, 'verify'>, options: BearerOptions = {}): Middleware<{ auth: TokenClaims }> {
  checkBearerOptions(options);
  return async (ctx, next) => {
    const result = await authenticateBearer(tokens, ctx.get('authorization'), options);
    if (!result.ok) {
      ctx.status = result.status;
      ctx.body = result.body;
      ctx.set(result.headers);
      return;
    }
    ctx.state.auth = result.claims;
    await next();
  };
}
