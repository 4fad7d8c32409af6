/**
 * The app the outage tests hit: `createSessions({ store, storeTimeout })` behind `hallpass/node`
 * over real HTTP, with a client that times every request and never waits longer than a bound.
 */
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createSessions, type SessionStore } from 'hallpass';
import { withSessions } from 'hallpass/node';

/** The body adapters answer with when the store fails (the documented contract, spelled out). */
export const UNAVAILABLE = '{"error":"session_store_unavailable","message":"The session store is unavailable; please try again shortly."}';

/** A request no test waits on longer than this: past it, the request counts as hung. */
export const HUNG_MS = 3000;

export interface Outcome {
  status: number;
  ms: number;
  body: string;
  token?: string;
}

export async function startOutageApp(store: SessionStore, storeTimeout: number) {
  const storeErrors: string[] = [];
  const sessions = createSessions({
    store,
    storeTimeout,
    onEvent: (event) => {
      if (event.type === 'store-error') storeErrors.push((event.error as { code?: string }).code ?? 'unknown');
    },
  });
  const handler = withSessions(
    sessions,
    (req, res) => {
      const url = new URL(req.url ?? '/', 'http://outage.test');
      if (url.pathname === '/write') req.session.set(url.searchParams.get('k') ?? 'k', url.searchParams.get('v') ?? '');
      res.setHeader('Content-Type', 'application/json');
      res.end(JSON.stringify(req.session.toJSON()));
    },
    { onError: () => {} }, // failures are counted from the responses and events instead
  );
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  /** One request, timed; `token` is the session cookie to send. A request past `HUNG_MS` fails the test. */
  async function request(path: string, token?: string): Promise<Outcome> {
    const started = performance.now();
    const res = await fetch(base + path, {
      headers: token ? { cookie: `sid=${token}` } : {},
      signal: AbortSignal.timeout(HUNG_MS),
    });
    const body = await res.text();
    const ms = performance.now() - started;
    const cookie = /^sid=([A-Za-z0-9_-]{43});/.exec(res.headers.getSetCookie()[0] ?? '')?.[1];
    return { status: res.status, ms, body, token: cookie ?? token };
  }

  async function close() {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  return { request, close, storeErrors };
}

export type OutageApp = Awaited<ReturnType<typeof startOutageApp>>;

/**
 * One request through a throwaway server, so the first measured request does not also pay for
 * loading the HTTP client and compiling the request path.
 */
export async function warmUp(): Promise<void> {
  const app = await startOutageApp(
    { get: async () => null, set: async () => {}, destroy: async () => false, touch: async () => false, patch: async () => false },
    1000,
  );
  await app.request('/write?k=warm&v=up');
  await app.close();
}

/** Asserts an outcome is the documented fast failure: 503, the JSON body, within `limitMs`. */
export function assertFastFailure(outcome: Outcome, limitMs: number, what: string): void {
  assert.equal(outcome.status, 503, `${what}: status ${outcome.status}, body ${outcome.body}`);
  assert.equal(outcome.body, UNAVAILABLE, what);
  assert.ok(outcome.ms < limitMs, `${what}: took ${outcome.ms.toFixed(0)} ms, limit ${limitMs} ms`);
}

/** Requests until one succeeds (status 200), at most `maxTries` times and `maxMs` long; resolves the time it took. */
export async function waitForService(app: OutageApp, path: string, token: string | undefined, maxMs = 8000, maxTries = 200) {
  const started = performance.now();
  for (let tries = 0; tries < maxTries && performance.now() - started < maxMs; tries++) {
    const outcome = await app.request(path, token);
    if (outcome.status === 200) return { ms: performance.now() - started, outcome };
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  assert.fail(`the service did not come back within ${maxMs} ms`);
}

/**
 * Runs `workers` request loops side by side, each writing to its own session, for at most `count`
 * requests in all and `maxMs`; `during(done)` runs alongside (to kill the store once `done`
 * requests have finished). Resolves every outcome in completion order.
 */
export async function underLoad(
  app: OutageApp,
  options: { workers: number; count: number; maxMs: number },
  during: (done: () => number) => Promise<void>,
) {
  const outcomes: Outcome[] = [];
  const started = performance.now();
  let issued = 0;
  const worker = async (id: number) => {
    let token: string | undefined;
    while (issued < options.count && performance.now() - started < options.maxMs) {
      issued++;
      const outcome = await app.request(`/write?k=w${id}&v=${issued}`, token);
      if (outcome.status === 200) token = outcome.token;
      outcomes.push(outcome);
    }
  };
  await Promise.all([...Array.from({ length: options.workers }, (_, id) => worker(id)), during(() => outcomes.length)]);
  return outcomes;
}
