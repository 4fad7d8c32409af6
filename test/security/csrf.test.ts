/**
 * I52: the opt-in CSRF helper. A per-session token that unsafe methods must carry (header or form
 * field), compared in constant time, refused with 403 and a JSON reason, renewed on regenerate.
 */
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { syncBuiltinESMExports } from 'node:module';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it, type Mock, mock } from 'node:test';
import { ConfigError, createSessions, memoryStore, type SessionOptions } from 'hallpass';
import { CSRF_BODY_LIMIT, checkCsrfRequest, csrfMiddleware, csrfToken, csrfTokenFor, requireCsrf, verifyCsrf } from 'hallpass/csrf';
import { withSessions } from 'hallpass/node';
import { resolveCsrfCookie } from '../../src/csrf/visitor-cookie.js';
import { cookiePair } from '../support/cookies.js';
import { SECRET } from '../support/core-fixtures.js';
import { keepAliveAgent, type Reply, send } from './support/client.js';

async function readBody(req: IncomingMessage): Promise<Record<string, unknown>> {
  let text = '';
  for await (const chunk of req) text += chunk;
  if (!text) return {};
  if (String(req.headers['content-type']).includes('urlencoded')) return Object.fromEntries(new URLSearchParams(text));
  return JSON.parse(text);
}

/** A small app: GET /token mints the token, POST /login regenerates, anything else is guarded. */
async function csrfApp(options: SessionOptions) {
  const sessions = createSessions(options);
  const server: Server = createServer(
    withSessions(sessions, async (req, res) => {
      if (req.url === '/token') return void res.end(JSON.stringify({ token: csrfToken(req.session) }));
      const body = await readBody(req);
      if (req.url === '/login') {
        if (!requireCsrf(req, res, { body })) return;
        req.session.regenerate();
        req.session.set('user', 'alice');
        return void res.end(JSON.stringify({ token: csrfToken(req.session) }));
      }
      if (!requireCsrf(req, res, { body })) return;
      res.setHeader('Content-Type', 'application/json');
      res.end(JSON.stringify({ ok: true, method: req.method }));
    }),
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const agent = keepAliveAgent();
  return {
    call: (method: string, path: string, options: Parameters<typeof send>[4] = {}) => send(port, agent, method, path, options),
    close: async () => {
      agent.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A visitor's cookie and token, from GET /token. */
async function visitor(app: Awaited<ReturnType<typeof csrfApp>>): Promise<{ cookie: string; token: string }> {
  const reply: Reply = await app.call('GET', '/token');
  return { cookie: cookiePair(reply.setCookie[0]), token: JSON.parse(reply.text).token };
}

const refused = (reply: Reply, reason: string) => {
  assert.equal(reply.status, 403);
  assert.deepEqual(reply.json, { error: 'csrf_failed', reason });
  assert.equal(reply.headers['cache-control'], 'no-store');
};

for (const [mode, options] of [
  ['cookie mode', { secret: SECRET }],
  ['server mode', { store: memoryStore() }],
] as const) {
  describe(`I52 CSRF tokens for unsafe methods (${mode})`, () => {
    let app: Awaited<ReturnType<typeof csrfApp>>;
    before(async () => (app = await csrfApp(options)));
    after(() => app.close());

    it('I52 an anonymous visitor gets a 256-bit base64url token and a session to bind it to', async () => {
      const { cookie, token } = await visitor(app);
      assert.match(token, /^[A-Za-z0-9_-]{43}$/);
      assert.match(cookie, /^sid=/);
      assert.equal(JSON.parse((await app.call('GET', '/token', { cookie })).text).token, token, 'stable within the session');
    });

    it('I52 POST without a token is refused: 403 {"error":"csrf_failed","reason":"missing"}', async () => {
      const { cookie } = await visitor(app);
      refused(await app.call('POST', '/transfer', { cookie, json: { amount: 1 } }), 'missing');
      refused(await app.call('POST', '/transfer', { cookie, headers: { 'x-csrf-token': '' } }), 'missing');
      refused(await app.call('POST', '/transfer', { cookie, json: { _csrf: 42 } }), 'missing');
    });

    it("I52 a wrong token, another session's token, or any token for a session that never had one is refused as invalid", async () => {
      const mine = await visitor(app);
      const theirs = await visitor(app);
      refused(await app.call('POST', '/transfer', { cookie: mine.cookie, headers: { 'x-csrf-token': 'A'.repeat(43) } }), 'invalid');
      refused(await app.call('POST', '/transfer', { cookie: mine.cookie, headers: { 'x-csrf-token': theirs.token } }), 'invalid');
      refused(await app.call('POST', '/transfer', { cookie: mine.cookie, headers: { 'x-csrf-token': `${mine.token}x` } }), 'invalid');
      refused(await app.call('POST', '/transfer', { headers: { 'x-csrf-token': mine.token } }), 'invalid');
    });

    it('I52 the right token passes in the x-csrf-token header, a form field or a JSON field, for POST, PUT, PATCH and DELETE', async () => {
      const { cookie, token } = await visitor(app);
      for (const method of ['POST', 'PUT', 'PATCH', 'DELETE']) {
        const reply = await app.call(method, '/transfer', { cookie, headers: { 'x-csrf-token': token } });
        assert.equal(reply.status, 200, method);
        refused(await app.call(method, '/transfer', { cookie }), 'missing');
      }
      assert.equal((await app.call('POST', '/transfer', { cookie, form: { _csrf: token, amount: '1' } })).status, 200);
      assert.equal((await app.call('POST', '/transfer', { cookie, json: { _csrf: token } })).status, 200);
    });

    it('I52 safe methods (GET, HEAD, OPTIONS) pass without a token', async () => {
      for (const method of ['GET', 'HEAD', 'OPTIONS']) assert.equal((await app.call(method, '/transfer')).status, 200, method);
    });

    it('I52 regenerate (login) gives a new token, and the old one is refused from then on', async () => {
      const { cookie, token } = await visitor(app);
      const signIn = await app.call('POST', '/login', { cookie, headers: { 'x-csrf-token': token } });
      assert.equal(signIn.status, 200);
      const after = cookiePair(signIn.setCookie[0]);
      const fresh = JSON.parse(signIn.text).token;
      assert.notEqual(fresh, token);
      refused(await app.call('POST', '/transfer', { cookie: after, headers: { 'x-csrf-token': token } }), 'invalid');
      assert.equal((await app.call('POST', '/transfer', { cookie: after, headers: { 'x-csrf-token': fresh } })).status, 200);
    });
  });
}

describe('I52 CSRF checks are constant-time and never throw', () => {
  let compare: Mock<typeof crypto.timingSafeEqual>;
  before(() => {
    compare = mock.method(crypto, 'timingSafeEqual');
    syncBuiltinESMExports();
  });
  after(() => {
    compare.mock.restore();
    syncBuiltinESMExports();
  });

  it('I52 every check of a supplied token goes through crypto.timingSafeEqual on fixed-length digests', async () => {
    const sessions = createSessions({ secret: SECRET });
    const session = await sessions.load(undefined);
    const other = await sessions.load(undefined);
    compare.mock.resetCalls();
    assert.deepEqual(verifyCsrf(session, 'POST', 'x'), { ok: false, reason: 'invalid' }, 'a session without a token');
    const token = csrfToken(session);
    assert.deepEqual(verifyCsrf(session, 'POST', token), { ok: true });
    assert.deepEqual(verifyCsrf(session, 'post', csrfToken(other)), { ok: false, reason: 'invalid' });
    assert.deepEqual(verifyCsrf(session, 'DELETE', 'short'), { ok: false, reason: 'invalid' });
    assert.equal(compare.mock.callCount(), 4);
    for (const call of compare.mock.calls) {
      const [a, b] = call.arguments as [Buffer, Buffer];
      assert.equal(a.length, 32);
      assert.equal(b.length, 32);
    }
  });

  it('I52 odd input and a destroyed session give a refusal, not an exception', async () => {
    const sessions = createSessions({ secret: SECRET });
    const session = await sessions.load(undefined);
    const token = csrfToken(session);
    assert.deepEqual(verifyCsrf(session, 'POST', [token, 'x']), { ok: true });
    for (const supplied of [undefined, null, 0, {}, [], ['']])
      assert.deepEqual(verifyCsrf(session, 'POST', supplied), { ok: false, reason: 'missing' });
    session.destroy();
    assert.deepEqual(verifyCsrf(session, 'POST', token), { ok: false, reason: 'invalid' });
    assert.deepEqual(verifyCsrf(session, undefined, undefined), { ok: true }, 'no method reads as GET');
  });

  it('I52 the Connect/Express middleware calls next() or answers 403 itself', async () => {
    const sessions = createSessions({ secret: SECRET });
    const session = await sessions.load(undefined);
    const token = csrfToken(session);
    const run = (headers: Record<string, string>, body?: unknown) => {
      const written: { status?: number; body?: string } = {};
      const req = { method: 'POST', headers, session, body } as unknown as IncomingMessage;
      const res = {
        headersSent: false,
        writeHead: (status: number) => (written.status = status),
        end: (text: string) => (written.body = text),
      } as never;
      let nexted = false;
      csrfMiddleware()(req, res, () => (nexted = true));
      return { nexted, ...written };
    };
    assert.deepEqual(run({ 'x-csrf-token': token }), { nexted: true });
    assert.deepEqual(run({}, { _csrf: token }), { nexted: true });
    assert.deepEqual(run({}), { nexted: false, status: 403, body: '{"error":"csrf_failed","reason":"missing"}' });
  });

  it('I52 fetch-style requests: header or form field, 403 Response otherwise', async () => {
    const sessions = createSessions({ secret: SECRET });
    const session = await sessions.load(undefined);
    const token = csrfToken(session);
    const url = 'https://app.example/transfer';
    assert.equal(await checkCsrfRequest(session, new Request(url, { method: 'POST', headers: { 'x-csrf-token': token } })), undefined);
    const form = new Request(url, { method: 'POST', body: new URLSearchParams({ _csrf: token }) });
    assert.equal(await checkCsrfRequest(session, form), undefined);
    assert.equal(await form.text(), `_csrf=${token}`, 'the body is still there for the app');
    const refusedResponse = await checkCsrfRequest(session, new Request(url, { method: 'PUT' }));
    assert.equal(refusedResponse?.status, 403);
    assert.deepEqual(await refusedResponse?.json(), { error: 'csrf_failed', reason: 'missing' });
    assert.equal(await checkCsrfRequest(session, new Request(url)), undefined);
  });
});

/**
 * A request whose body is `head`, then `size` bytes of filler, then `tail`, produced lazily in
 * 64 KiB chunks: `pulled()` tells how much of it anything has read.
 */
function streamedRequest(contentType: string, head: string, size: number, tail = '') {
  const CHUNK = 64 * 1024;
  const filler = Buffer.alloc(CHUNK, 'a');
  const pieces: Array<Buffer | number> = [Buffer.from(head), size, Buffer.from(tail)];
  let offset = 0;
  let pulled = 0;
  const body = new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        for (let piece = pieces[0]; piece !== undefined; piece = pieces[0]) {
          const length = typeof piece === 'number' ? piece : piece.length;
          if (offset >= length) {
            pieces.shift();
            offset = 0;
            continue;
          }
          const take = Math.min(CHUNK, length - offset);
          controller.enqueue(new Uint8Array(typeof piece === 'number' ? filler.subarray(0, take) : piece.subarray(offset, offset + take)));
          offset += take;
          pulled += take;
          return;
        }
        controller.close();
      },
    },
    { highWaterMark: 0 },
  );
  const request = new Request('https://app.example/upload', {
    method: 'POST',
    headers: { 'content-type': contentType },
    body,
    duplex: 'half',
  } as RequestInit);
  return { request, pulled: () => pulled };
}

const FIFTY_MB = 50 * 1024 * 1024;
const BOUNDARY = 'hallpassBoundary7MA4YWxk';
const MULTIPART = `multipart/form-data; boundary=${BOUNDARY}`;
const textPart = (name: string, value: string) => `--${BOUNDARY}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`;
const fileHead = `--${BOUNDARY}\r\nContent-Disposition: form-data; name="upload"; filename="big.bin"\r\nContent-Type: application/octet-stream\r\n\r\n`;

describe('I52 checkCsrfRequest reads a bounded part of a form body: CSRF_BODY_LIMIT (64 KiB), plus what the stream already had in flight', () => {
  const sessions = createSessions({ secret: SECRET });

  it('I52 a 50 MB streamed urlencoded body without the token is refused as missing after reading at most 192 KiB of it', async () => {
    const session = await sessions.load(undefined);
    csrfToken(session);
    const { request, pulled } = streamedRequest('application/x-www-form-urlencoded', 'amount=1&note=', FIFTY_MB);
    const started = performance.now();
    const refusal = await checkCsrfRequest(session, request);
    const elapsed = performance.now() - started;
    assert.equal(refusal?.status, 403);
    assert.deepEqual(await refusal?.json(), { error: 'csrf_failed', reason: 'missing' });
    assert.equal(CSRF_BODY_LIMIT, 64 * 1024);
    assert.ok(pulled() <= CSRF_BODY_LIMIT + 2 * 64 * 1024, `read ${pulled()} bytes of ${FIFTY_MB}`);
    assert.ok(elapsed < 1000, `refused in ${elapsed.toFixed(0)} ms`);
  });

  it('I52 a 50 MB multipart upload whose token comes after the file is refused as missing after reading at most 192 KiB of it', async () => {
    const session = await sessions.load(undefined);
    const token = csrfToken(session);
    const { request, pulled } = streamedRequest(MULTIPART, fileHead, FIFTY_MB, `\r\n${textPart('_csrf', token)}--${BOUNDARY}--\r\n`);
    const refusal = await checkCsrfRequest(session, request);
    assert.deepEqual(await refusal?.json(), { error: 'csrf_failed', reason: 'missing' });
    assert.ok(pulled() <= CSRF_BODY_LIMIT + 2 * 64 * 1024, `read ${pulled()} bytes of ${FIFTY_MB}`);
  });

  it('I52 a token field first, before a 50 MB file, passes after a bounded read, and the app still reads the whole body', async () => {
    const session = await sessions.load(undefined);
    const token = csrfToken(session);
    const { request, pulled } = streamedRequest(MULTIPART, textPart('_csrf', token) + fileHead, FIFTY_MB, `\r\n--${BOUNDARY}--\r\n`);
    assert.equal(await checkCsrfRequest(session, request), undefined);
    assert.ok(pulled() <= CSRF_BODY_LIMIT + 2 * 64 * 1024, `the check read ${pulled()} bytes`);
    let received = 0;
    for await (const chunk of request.body as unknown as AsyncIterable<Uint8Array>) received += chunk.byteLength;
    assert.equal(
      received,
      Buffer.byteLength(textPart('_csrf', token) + fileHead) + FIFTY_MB + Buffer.byteLength(`\r\n--${BOUNDARY}--\r\n`),
    );
  });

  it('I52 the limit is exact: a urlencoded token that ends within the first 64 KiB passes, one that ends past it is missing', async () => {
    const session = await sessions.load(undefined);
    const token = csrfToken(session);
    const pair = `&_csrf=${token}&`;
    const fits = 'note='.padEnd(CSRF_BODY_LIMIT - pair.length, 'x') + pair;
    assert.equal(Buffer.byteLength(fits), CSRF_BODY_LIMIT);
    const inside = streamedRequest('application/x-www-form-urlencoded', fits, 1024);
    assert.equal(await checkCsrfRequest(session, inside.request), undefined);
    const past = streamedRequest('application/x-www-form-urlencoded', `x${fits}`, 1024);
    assert.deepEqual(await (await checkCsrfRequest(session, past.request))?.json(), { error: 'csrf_failed', reason: 'missing' });
    const whole = streamedRequest('application/x-www-form-urlencoded', `note=short&_csrf=${token}`, 0);
    assert.equal(await checkCsrfRequest(session, whole.request), undefined, 'a small body is read to its end');
  });
});

/**
 * Server mode, where a session costs a store record: pages for anonymous visitors render their
 * token with `csrfTokenFor`, which binds it to a `__Host-csrf` cookie instead of a session.
 */
async function visitorCookieApp() {
  const store = memoryStore();
  const sessions = createSessions({ store });
  const server: Server = createServer(
    withSessions(sessions, async (req, res) => {
      res.setHeader('Content-Type', 'application/json');
      if (req.method === 'GET') {
        res.setHeader('Cache-Control', 'public, max-age=600');
        return void res.end(JSON.stringify({ token: csrfTokenFor(req, res), second: csrfTokenFor(req, res) }));
      }
      const body = await readBody(req);
      if (!requireCsrf(req, res, { body })) return;
      if (req.url === '/login') {
        req.session.regenerate();
        req.session.set('user', 'alice');
        return void res.end(JSON.stringify({ token: csrfTokenFor(req, res) }));
      }
      res.end(JSON.stringify({ ok: true }));
    }),
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const agent = keepAliveAgent();
  return {
    store,
    call: (method: string, path: string, options: Parameters<typeof send>[4] = {}) => send(port, agent, method, path, options),
    close: async () => {
      agent.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

const CSRF_COOKIE = /^__Host-csrf=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; Secure; SameSite=Lax$/;

describe('I52 CSRF tokens for visitors without a session write no session (server mode)', () => {
  let app: Awaited<ReturnType<typeof visitorCookieApp>>;
  before(async () => (app = await visitorCookieApp()));
  after(() => app.close());

  async function anonymousPage(cookie?: string) {
    const reply = await app.call('GET', '/form', { cookie });
    const { token, second } = JSON.parse(reply.text);
    return {
      reply,
      token: token as string,
      second: second as string,
      cookie: reply.setCookie[0] ? cookiePair(reply.setCookie[0]) : cookie,
    };
  }

  it('I52 1,000 anonymous GETs that render a token create no store record and no session cookie; each gets one uncacheable __Host-csrf cookie', async () => {
    const pages = [];
    for (let i = 0; i < 1000; i++) pages.push(await anonymousPage());
    assert.equal(app.store.size, 0, 'store records after 1,000 anonymous pages with a token');
    for (const { reply, token, second } of pages) {
      assert.equal(reply.setCookie.length, 1, 'only the CSRF cookie, once for two forms on the page');
      assert.match(reply.setCookie[0] as string, CSRF_COOKIE);
      assert.equal(second, token);
      assert.equal(reply.headers['cache-control'], 'private, no-store', "the app's public never wins over a fresh CSRF cookie");
    }
    assert.equal(new Set(pages.map((page) => page.token)).size, 1000);
  });

  it("I52 the token passes on its visitor's next POST and is refused with another visitor's cookie, with no cookie, or with a tossed second value", async () => {
    const mine = await anonymousPage();
    const theirs = await anonymousPage();
    assert.equal((await anonymousPage(mine.cookie)).token, mine.token, 'stable while the cookie lives');
    assert.equal((await anonymousPage(mine.cookie)).reply.setCookie.length, 0);
    assert.equal((await app.call('POST', '/transfer', { cookie: mine.cookie, form: { _csrf: mine.token } })).status, 200);
    assert.equal((await app.call('POST', '/transfer', { cookie: mine.cookie, headers: { 'x-csrf-token': mine.token } })).status, 200);
    refused(await app.call('POST', '/transfer', { cookie: theirs.cookie, form: { _csrf: mine.token } }), 'invalid');
    refused(await app.call('POST', '/transfer', { form: { _csrf: mine.token } }), 'invalid');
    refused(await app.call('POST', '/transfer', { cookie: `${theirs.cookie}; ${mine.cookie}`, form: { _csrf: mine.token } }), 'invalid');
    refused(await app.call('POST', '/transfer', { cookie: mine.cookie, form: { _csrf: theirs.token } }), 'invalid');
    refused(await app.call('POST', '/transfer', { cookie: mine.cookie }), 'missing');
    assert.equal(app.store.size, 0);
  });

  it('I52 a login with the visitor token creates the one session record, whose own new token then replaces the visitor token', async () => {
    const visitor = await anonymousPage();
    const login = await app.call('POST', '/login', { cookie: visitor.cookie, form: { _csrf: visitor.token } });
    assert.equal(login.status, 200);
    assert.equal(app.store.size, 1);
    const session = cookiePair(login.setCookie.find((cookie) => cookie.startsWith('sid=')));
    const fresh = JSON.parse(login.text).token;
    assert.notEqual(fresh, visitor.token);
    const both = `${session}; ${visitor.cookie}`;
    refused(await app.call('POST', '/transfer', { cookie: both, form: { _csrf: visitor.token } }), 'invalid');
    assert.equal((await app.call('POST', '/transfer', { cookie: both, form: { _csrf: fresh } })).status, 200);
  });
});

describe('I52 the CSRF cookie options', () => {
  it("I52 fetch-style: a visitor token is checked against the request's own Cookie header", async () => {
    const sessions = createSessions({ store: memoryStore() });
    const page = await sessions.load(undefined);
    const headers = new Headers();
    const token = csrfToken(page, { cookie: null, setCookie: (value) => headers.append('Set-Cookie', value) });
    const cookie = cookiePair(headers.getSetCookie()[0]);
    assert.deepEqual(page.keys(), []);
    const post = (cookieHeader?: string) =>
      new Request('https://app.example/transfer', {
        method: 'POST',
        headers: { 'x-csrf-token': token, ...(cookieHeader ? { cookie: cookieHeader } : {}) },
      });
    assert.equal(await checkCsrfRequest(await sessions.load(cookie), post(cookie)), undefined);
    assert.equal((await checkCsrfRequest(await sessions.load(undefined), post()))?.status, 403);
  });

  it('I52 a visitor token stands in only for a new, empty session: a logged-in session without its own token refuses it', async () => {
    const sessions = createSessions({ secret: SECRET });
    const page = await sessions.load(undefined);
    const set: string[] = [];
    const token = csrfToken(page, { cookie: undefined, setCookie: (value) => set.push(value) });
    const visitorCookie = cookiePair(set[0]);
    assert.deepEqual(verifyCsrf(page, 'POST', token, { cookie: visitorCookie }), { ok: true });
    const login = await sessions.load(undefined);
    login.regenerate();
    login.userId = 'victim';
    const loggedIn = cookiePair((await sessions.commit(login)).setCookie);
    const session = await sessions.load(loggedIn);
    assert.equal(session.userId, 'victim');
    assert.deepEqual(verifyCsrf(session, 'POST', token, { cookie: visitorCookie }), { ok: false, reason: 'invalid' });
  });

  it('I52 over HTTPS the CSRF cookie must be a __Host- cookie, which no sibling subdomain can plant', () => {
    const session = { cookie: undefined, setCookie: () => {} };
    assert.throws(() => resolveCsrfCookie({ ...session, cookieName: 'csrf' }), { code: 'ERR_HOST_PREFIX' });
    assert.throws(() => resolveCsrfCookie({ ...session, cookieName: '__Secure-csrf' }), { code: 'ERR_HOST_PREFIX' });
    assert.equal(resolveCsrfCookie({ ...session, cookieName: '__Host-form' }).name, '__Host-form');
  });

  it('I52 secure: false makes a plain "csrf" cookie; a prefixed or invalid name without Secure is a ConfigError', async () => {
    const sessions = createSessions({ secret: SECRET });
    const session = await sessions.load(undefined);
    const set: string[] = [];
    const token = csrfToken(session, { cookie: undefined, secure: false, setCookie: (value) => set.push(value) });
    assert.deepEqual(set.length, 1);
    assert.match(set[0] as string, /^csrf=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Lax$/);
    assert.deepEqual(verifyCsrf(session, 'POST', token, { cookie: cookiePair(set[0]), secure: false }), { ok: true });
    assert.deepEqual(
      verifyCsrf(session, 'POST', token, { cookie: cookiePair(set[0]) }),
      { ok: false, reason: 'invalid' },
      'looked up under __Host-csrf',
    );
    assert.deepEqual(session.keys(), [], 'nothing written to the session');
    const jar = { cookie: undefined, setCookie: () => undefined };
    assert.throws(
      () => csrfToken(session, { ...jar, secure: false, cookieName: '__Host-csrf' }),
      (error: unknown) => error instanceof ConfigError && error.code === 'ERR_SECURE_PREFIX',
    );
    assert.throws(
      () => csrfToken(session, { ...jar, cookieName: 'bad name' }),
      (error: unknown) => error instanceof ConfigError && /`cookieName`/.test(error.message),
    );
    assert.throws(
      () => csrfMiddleware({ secure: false, cookieName: '__Secure-csrf' }),
      (error: unknown) => error instanceof ConfigError,
    );
  });
});
