/**
 * hallpass for Fastify 5: a plugin that gives every request of the app `request.session`.
 *
 * @example
 * ```ts
 * import Fastify from 'fastify'
 * import { createSessions } from 'hallpass'
 * import { fastifySession, getSession } from 'hallpass/fastify'
 *
 * type Data = { user_id: string }
 * const app = Fastify()
 * await app.register(fastifySession(createSessions<Data>({ secret: process.env.SESSION_SECRET })))
 * app.get('/', async (request) => ({ user: getSession<Data>(request).get('user_id') ?? null }))
 * ```
 * @module
 */
import type { FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { HallpassError, StoreError } from '../core/errors.js';
import type { SessionData } from '../core/types.js';
import { type CommitResult, setCookiesOf } from '../engine/commit-result.js';
import type { Session } from '../engine/session.js';
import { type AnySession, isCommitted, isDirty, isLoaded, stateOf } from '../engine/session-internals.js';
import type { Sessions } from '../engine/sessions.js';
import type { AdapterOptions } from './options.js';
import { sessionCacheControl, varyWithCookie } from './response-headers.js';
import { STORE_UNAVAILABLE_HEADERS, STORE_UNAVAILABLE_MESSAGE } from './store-unavailable.js';
import { commitSession, DETACHED, openSession } from './support.js';

export type { AdapterOptions } from './options.js';

type Holder = { session?: AnySession | null };

// Cast: Fastify's request type does not declare the `session` this plugin decorates it with.
const holderOf = (request: FastifyRequest | { session?: unknown }) => request as Holder;

/**
 * Creates the plugin. Register it once on the root instance; it is visible to every route and
 * child plugin (no encapsulation), like a `fastify-plugin` plugin. The session is committed in an
 * `onSend` hook, so it is saved before the reply leaves, also for streams and for replies sent
 * from hooks. A store failure goes through Fastify's error handler as a 503 (`statusCode` 503,
 * code `ERR_STORE`/`ERR_STORE_TIMEOUT`), so `setErrorHandler` can shape it.
 */
export function fastifySession<T extends SessionData>(sessions: Sessions<T>, options: AdapterOptions = {}): FastifyPluginAsync {
  // Callback-style hooks: in cookie mode nothing here waits, so a request takes no promise or
  // microtask for its session.
  const plugin = async (app: FastifyInstance) => {
    app.decorateRequest('session', null, []);

    app.addHook('onRequest', (request, _reply, done) => {
      let opened: Session<T> | Promise<Session<T>>;
      try {
        opened = openSession(sessions, request, options);
      } catch (error) {
        return done(unavailable(error) as Error);
      }
      if (opened instanceof Promise) {
        opened.then(
          (session) => {
            holderOf(request).session = session;
            done();
          },
          (error: unknown) => done(unavailable(error) as Error),
        );
      } else {
        holderOf(request).session = opened;
        done();
      }
    });

    app.addHook('onSend', (request, reply, payload, done) => {
      const session = holderOf(request).session;
      // The error reply that a failed commit produces comes through here again: commit once.
      if (!session || isCommitted(session)) return done(null, payload);
      let result: CommitResult | Promise<CommitResult>;
      try {
        result = commitSession(sessions, session);
      } catch (error) {
        return done(unavailable(error) as Error);
      }
      if (result instanceof Promise) {
        result.then(
          (settled) => {
            applyToReply(reply, settled, sessions);
            done(null, payload);
          },
          (error: unknown) => done(unavailable(error) as Error),
        );
      } else {
        applyToReply(reply, result, sessions);
        done(null, payload);
      }
    });

    // A hijacked reply (`reply.hijack()` and raw writes) skips onSend: say so rather than lose changes silently.
    app.addHook('onResponse', (request, _reply, done) => {
      const session = holderOf(request).session;
      if (
        session &&
        !isCommitted(session) &&
        isLoaded(session) &&
        !DETACHED.has(session) &&
        (isDirty(session) || stateOf(session).destroyed)
      ) {
        const error = new HallpassError(
          'ERR_SESSION_STATE',
          'The reply was sent without Fastify (reply.hijack() or reply.raw), so the session changes of this request were not saved. Change the session only in replies sent with reply.send().',
        );
        if (options.onError) options.onError(error);
        else request.log.error(error);
      }
      done();
    });
  };
  Object.assign(plugin, { [Symbol.for('skip-override')]: true, [Symbol.for('fastify.display-name')]: 'hallpass' });
  return plugin;
}

/**
 * The request's session, typed by the data shape you give. Throws when the plugin is not
 * registered on this instance, naming the fix.
 *
 * @example
 * ```ts
 * app.post('/login', async (request, reply) => {
 *   const session = getSession<{ user_id: string }>(request)
 *   session.regenerate()
 *   session.set('user_id', 'alice')
 *   return reply.redirect('/', 303)
 * })
 * ```
 */
export function getSession<T extends SessionData = SessionData>(request: FastifyRequest | { session?: unknown }): Session<T> {
  const session = holderOf(request).session;
  if (!session) {
    throw new HallpassError(
      'ERR_SESSION_STATE',
      'This request has no hallpass session: register the plugin first, app.register(fastifySession(sessions)).',
    );
  }
  return session;
}

/** A store failure as Fastify's error handler expects it: status 503, a message safe to show. */
function unavailable(error: unknown): unknown {
  if (!(error instanceof StoreError)) return error;
  return Object.assign(new StoreError(error.code, STORE_UNAVAILABLE_MESSAGE, { cause: error }), {
    statusCode: 503,
    // Fastify renders the JSON body itself (from the message and code); only these two headers are ours.
    headers: { 'retry-after': STORE_UNAVAILABLE_HEADERS['Retry-After'], 'cache-control': STORE_UNAVAILABLE_HEADERS['Cache-Control'] },
  });
}

function applyToReply<T extends SessionData>(reply: FastifyReply, result: CommitResult, sessions: Sessions<T>): void {
  if (result.vary) {
    const vary = reply.getHeader('vary');
    reply.header('vary', varyWithCookie(Array.isArray(vary) ? vary.join(', ') : (vary as string | undefined)));
  }
  if (result.setCookie) {
    // Fastify appends to an existing Set-Cookie rather than replacing it.
    reply.header('set-cookie', result.moreCookies ? [...setCookiesOf(result)] : result.setCookie);
    reply.header('cache-control', sessionCacheControl(reply.getHeader('cache-control'), sessions.options.onEvent));
  }
}
