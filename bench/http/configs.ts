/** The matrix: which libraries run on which framework, what each stores, and which peer is "fastest". */

export const FRAMEWORKS = ['node', 'express', 'fastify', 'hono', 'koa'] as const;
export type Framework = (typeof FRAMEWORKS)[number];

export const FRAMEWORK_LABEL: Record<Framework, string> = {
  node: 'node:http',
  express: 'Express 5',
  fastify: 'Fastify 5',
  hono: 'Hono 4 (@hono/node-server)',
  koa: 'Koa 3',
};

export interface LibraryInfo {
  label: string;
  store: string;
  hallpass: boolean;
  /** Uses the benchmark's Redis server. */
  redis?: boolean;
  /** Cookie mode (the whole session in the cookie) rather than a server-side store. */
  cookieMode: boolean;
  /** A reference app, not a session library: no session cookie, never a peer. */
  reference?: boolean;
  /** A reference for `/untouched` only (a middleware's own price), not run on the other routes. */
  untouchedOnly?: boolean;
}

export const LIBRARIES: Record<string, LibraryInfo> = {
  bare: { label: '(none)', store: '-', hallpass: false, cookieMode: false, reference: true },
  noop: { label: '(no-op middleware)', store: '-', hallpass: false, cookieMode: false, reference: true, untouchedOnly: true },
  'noop-session': {
    label: '(middleware setting req.session)',
    store: '-',
    hallpass: false,
    cookieMode: false,
    reference: true,
    untouchedOnly: true,
  },
  'hallpass-sealed': { label: 'hallpass', store: 'cookie, sealed (AES-256-GCM)', hallpass: true, cookieMode: true },
  'hallpass-sealed-own': { label: 'hallpass', store: 'cookie, sealed, `gateOnPrototype: false`', hallpass: true, cookieMode: true },
  'hallpass-signed': { label: 'hallpass', store: 'cookie, signed (HMAC-SHA256)', hallpass: true, cookieMode: true },
  'hallpass-secretbox': { label: 'hallpass', store: 'cookie, secretboxCodec (libsodium)', hallpass: true, cookieMode: true },
  'hallpass-memory': { label: 'hallpass', store: 'memoryStore', hallpass: true, cookieMode: false },
  'hallpass-redis': { label: 'hallpass', store: 'Redis (ioredis)', hallpass: true, redis: true, cookieMode: false },
  'hallpass-redis-node': { label: 'hallpass', store: 'Redis (node-redis)', hallpass: true, redis: true, cookieMode: false },
  'hallpass-multi': {
    label: 'hallpass',
    store: 'cookie, sealed, revocations shared on Redis (multi-instance)',
    hallpass: true,
    redis: true,
    cookieMode: true,
  },
  'express-session': { label: 'express-session', store: 'MemoryStore', hallpass: false, cookieMode: false },
  'express-session-redis': {
    label: 'express-session',
    store: 'connect-redis (node-redis)',
    hallpass: false,
    redis: true,
    cookieMode: false,
  },
  'cookie-session': { label: 'cookie-session', store: 'cookie, keygrip HMAC-SHA1', hallpass: false, cookieMode: true },
  'iron-session': { label: 'iron-session', store: 'cookie, iron seal', hallpass: false, cookieMode: true },
  'secure-session': { label: '@fastify/secure-session', store: 'cookie, libsodium secretbox', hallpass: false, cookieMode: true },
  'fastify-session': { label: '@fastify/session', store: 'MemoryStore', hallpass: false, cookieMode: false },
  'koa-session': { label: 'koa-session', store: 'cookie, keygrip HMAC-SHA1', hallpass: false, cookieMode: true },
  'hono-sessions': { label: 'hono-sessions', store: 'CookieStore, iron seal', hallpass: false, cookieMode: true },
};

/** hallpass's cookie-mode configs on one instance; with `--no-cache-options`, each also runs the pool with its verified-cookie cache off. */
export const COOKIE_CODECS = new Set(['hallpass-sealed', 'hallpass-signed', 'hallpass-secretbox']);

// `hallpass-multi`: the default cookie on several instances, logouts shared through Redis.
const HALLPASS = ['hallpass-sealed', 'hallpass-signed', 'hallpass-memory', 'hallpass-redis', 'hallpass-multi'];

export const MATRIX: Record<Framework, string[]> = {
  // On node:http and Express hallpass also runs on node-redis, connect-redis's client, to compare the session layers alone;
  // node:http runs the connect-style peers in front of its handler, free of Express's own cost per request.
  node: ['bare', ...HALLPASS, 'hallpass-redis-node', 'express-session', 'express-session-redis', 'cookie-session', 'iron-session'],
  // `noop-session`: on Express, the price of giving a request any own property (below).
  express: [
    'bare',
    'noop',
    'noop-session',
    ...HALLPASS,
    'hallpass-sealed-own',
    'hallpass-redis-node',
    'express-session',
    'express-session-redis',
    'cookie-session',
    'iron-session',
  ],
  // `noop`: one middleware shaped like hallpass's that does nothing, the framework's own price of any middleware.
  // `hallpass-secretbox`: hallpass on libsodium, the primitive @fastify/secure-session uses.
  fastify: ['bare', 'noop', ...HALLPASS, 'hallpass-secretbox', 'secure-session', 'fastify-session'],
  hono: ['bare', 'noop', ...HALLPASS, 'hono-sessions'],
  koa: ['bare', 'noop', ...HALLPASS, 'koa-session'],
};

/** `--quick`: bare, hallpass's cookie codecs and Redis store, and the fastest peers of the earlier measurements. */
export const QUICK = new Set([
  'bare',
  'noop',
  'noop-session',
  'hallpass-sealed',
  'hallpass-signed',
  'hallpass-secretbox',
  'hallpass-redis',
  'hallpass-redis-node',
  'hallpass-multi',
  'iron-session',
  'express-session',
  'express-session-redis',
  'cookie-session',
  'secure-session',
  'koa-session',
  'hono-sessions',
]);

export type Route = 'read' | 'write' | 'untouched';
export type Scenario = 'same' | 'pool';

/**
 * How the reports name a scenario. The same cookie on every request is what hallpass's
 * verified-cookie cache serves without decrypting; the pool, more distinct cookies than the cache
 * holds, makes every request open its cookie.
 */
export const SCENARIO_LABEL: Record<Scenario, string> = { same: 'repeat cookie (cache hit)', pool: 'pool' };

/** One load run of a config: a route under a cookie scenario. */
export interface Kind {
  route: Route;
  scenario: Scenario;
}

export const kindKey = (kind: Kind) => `${kind.scenario}/${kind.route}`;

/** A server to start: a library on a framework, with the environment that configures it. */
export interface Config {
  id: string;
  framework: Framework;
  library: string;
  /** Shown after the library's store, e.g. "cache off". */
  variant?: string;
  env?: Record<string, string>;
  kinds: Kind[];
}
