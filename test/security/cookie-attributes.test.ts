/**
 * Cookie attributes and format (F29-F37) and cache safety (F39), over HTTP against the demo, plus a
 * small node:http app for handler shapes the demo does not have (double regenerate, array headers).
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { ConfigError, createSessions, type SessionOptions } from 'hallpass';
import { withSessions } from 'hallpass/node';
import { SECRET } from '../support/core-fixtures.js';
import { keepAliveAgent, send } from './support/client.js';
import { ALL_MODES, COOKIE_MODES, type Demo, login, startDemo, whoAmI } from './support/demo.js';

/** Every Set-Cookie the demo sends in a login / cart / logout round. */
async function oneRound(demo: Demo): Promise<string[]> {
  const { pair, reply } = await login(demo, 'alice');
  const cart = await demo.call('POST', '/cart', { cookie: pair, json: { item: 'apple' } });
  const latest = cart.setCookie[0] ? ((cart.setCookie[0] as string).split(';')[0] as string) : pair;
  const logout = await demo.call('POST', '/logout', { cookie: latest });
  return [...reply.setCookie, ...cart.setCookie, ...logout.setCookie];
}

const configError = (code: string) => (error: unknown) => error instanceof ConfigError && error.code === code;

for (const mode of ALL_MODES) {
  describe(`F29 F30 F31 F33 F34 F36 secure cookie defaults (${mode})`, () => {
    let demo: Demo;
    before(async () => (demo = await startDemo(mode)));
    after(() => demo.close());

    it('F29 F30 F31 F33 every Set-Cookie is Secure, HttpOnly, SameSite=Lax, Path=/ and host-only (no Domain)', async () => {
      for (const cookie of await oneRound(demo)) {
        const attributes = cookie.split('; ').slice(1);
        assert.ok(attributes.includes('Secure'), cookie);
        assert.ok(attributes.includes('HttpOnly'), cookie);
        assert.ok(attributes.includes('SameSite=Lax'), cookie);
        assert.ok(attributes.includes('Path=/'), cookie);
        assert.ok(!attributes.some((a) => /^domain=/i.test(a)), cookie);
      }
    });

    it('F34 a persistent cookie lives no longer than the session may, and never over 400 days', async () => {
      const { reply } = await login(demo, 'alice');
      const maxAge = Number(/Max-Age=(\d+)/.exec(reply.setCookie[0] as string)?.[1]);
      // Cookie mode re-issues the cookie whenever the idle timeout slides, so Max-Age follows the
      // nearer deadline (idle, 1 day); server mode does not re-send it on a touch, so it follows
      // the absolute lifetime (14 days) and the server ends idle sessions itself.
      const limit = demo.store ? 14 * 24 * 3600 : 24 * 3600;
      assert.ok(maxAge > 0 && maxAge <= limit && maxAge <= 400 * 24 * 3600, `Max-Age=${maxAge}`);
      assert.ok(!/Expires=/i.test(reply.setCookie[0] as string));
    });

    it('F36 the values hallpass writes never contain whitespace, quotes, commas, semicolons or backslashes', async () => {
      for (const cookie of await oneRound(demo)) assert.match(cookie.split(';')[0] as string, /^sid=[^\s";,\\]*$/);
    });
  });
}

describe('F34 browser-session cookies on request', () => {
  it('F34 persistent: false sends neither Max-Age nor Expires (except to delete the cookie)', async () => {
    const demo = await startDemo('sealed', { sessions: { persistent: false } });
    try {
      const { reply } = await login(demo, 'alice');
      assert.doesNotMatch(reply.setCookie[0] as string, /Max-Age|Expires/i);
    } finally {
      await demo.close();
    }
  });
});

describe('F31 F32 F33 F36 configuration that would weaken or inject cookie attributes is refused at start-up', () => {
  const refused: Array<[string, Partial<SessionOptions>, string]> = [
    ['F31 SameSite=None without Secure', { sameSite: 'none', secure: false }, 'ERR_SAMESITE_NONE_INSECURE'],
    ['F31 an unknown SameSite value', { sameSite: 'bogus' as 'lax' }, 'ERR_OPTION'],
    ['F32 __Host- with a Domain', { name: '__Host-sid', domain: 'example.com' }, 'ERR_HOST_PREFIX'],
    ['F32 __Host- with a narrower Path', { name: '__Host-sid', path: '/app' }, 'ERR_HOST_PREFIX'],
    ['F32 __Host- without Secure', { name: '__Host-sid', secure: false }, 'ERR_HOST_PREFIX'],
    [
      'F32 __HOST- (prefixes match case-insensitively in browsers) with a Domain',
      { name: '__HOST-sid', domain: 'example.com' },
      'ERR_HOST_PREFIX',
    ],
    ['F32 __Secure- without Secure', { name: '__Secure-sid', secure: false }, 'ERR_SECURE_PREFIX'],
    ['F36 a Path injecting SameSite', { path: '/;SameSite=None' }, 'ERR_COOKIE_ATTRIBUTE'],
    ['F36 a Domain injecting Secure', { domain: 'a.com;Secure' }, 'ERR_COOKIE_ATTRIBUTE'],
    ['F36 a Domain with CR LF', { domain: 'a.com\r\nSet-Cookie: x=y' }, 'ERR_COOKIE_ATTRIBUTE'],
    ['F36 a Path with a control character', { path: '/\x00' }, 'ERR_COOKIE_ATTRIBUTE'],
    ['F36 a Path not starting with /', { path: 'app' }, 'ERR_COOKIE_ATTRIBUTE'],
    ['F36 a name with ;', { name: 'sid;x' }, 'ERR_COOKIE_NAME'],
    ['F36 a name with a space', { name: 'sid ' }, 'ERR_COOKIE_NAME'],
    ['F36 an empty name', { name: '' }, 'ERR_COOKIE_NAME'],
    ['F36 a name with =', { name: 'sid=x' }, 'ERR_COOKIE_NAME'],
    ['F36 a name with CR LF', { name: 'sid\r\nX: y' }, 'ERR_COOKIE_NAME'],
    ['F36 a non-ASCII name', { name: 'sessión' }, 'ERR_COOKIE_NAME'],
  ];
  for (const [what, options, code] of refused) {
    it(`${what} throws ConfigError ${code}`, () => {
      assert.throws(() => createSessions({ secret: SECRET, ...options }), configError(code));
    });
  }
});

describe('F32 the __Host- prefix', () => {
  let demo: Demo;
  before(async () => (demo = await startDemo('sealed', { sessions: { name: '__Host-sid' } })));
  after(() => demo.close());

  it('F32 the Set-Cookie has exactly Path=/, Secure and no Domain', async () => {
    const { reply } = await login(demo, 'alice');
    assert.match(reply.setCookie[0] as string, /^__Host-sid=[A-Za-z0-9_.-]+; Path=\/; Max-Age=\d+; HttpOnly; Secure; SameSite=Lax$/);
  });

  it('F32 names are matched exactly: __host-sid or __HOST-SID carrying a valid value open nothing', async () => {
    const { pair } = await login(demo, 'alice');
    const value = pair.slice(pair.indexOf('=') + 1);
    assert.equal(await whoAmI(demo, pair), 'alice');
    for (const name of ['__host-sid', '__HOST-SID', '__Host-Sid', '__Secure-sid', 'sid', 'hallpass']) {
      assert.equal(await whoAmI(demo, `${name}=${value}`), undefined, name);
    }
  });
});

describe('F33 a narrower Path and an explicit Domain are written as configured', () => {
  it('F33 path "/app" and domain "example.com" appear once each', async () => {
    const demo = await startDemo('memory', { sessions: { name: '__Secure-sid', path: '/app', domain: 'example.com' } });
    try {
      const { reply } = await login(demo, 'alice');
      assert.match(
        reply.setCookie[0] as string,
        /^__Secure-sid=[A-Za-z0-9_-]{43}; Path=\/app; Domain=example\.com; Max-Age=\d+; HttpOnly; Secure; SameSite=Lax$/,
      );
    } finally {
      await demo.close();
    }
  });
});

for (const mode of COOKIE_MODES) {
  describe(`F35 a cookie never exceeds 4096 bytes (${mode})`, () => {
    let demo: Demo;
    before(async () => (demo = await startDemo(mode)));
    after(() => demo.close());

    it('F35 growing data is written while it fits, then refused with a typed error and no Set-Cookie', async () => {
      const { pair } = await login(demo, 'alice');
      let refusedAt = 0;
      for (let size = 500; size <= 5000; size += 250) {
        const reply = await demo.call('POST', '/session', { cookie: pair, json: { note: 'x'.repeat(size) } });
        for (const cookie of reply.setCookie) assert.ok((cookie.split(';')[0] as string).length <= 4096, `${cookie.length} bytes`);
        if (reply.status === 500) {
          assert.deepEqual(reply.json, { error: 'session_commit_failed', code: 'ERR_COOKIE_TOO_LARGE' });
          assert.deepEqual(reply.setCookie, []);
          refusedAt ||= size;
        } else assert.equal(reply.status, 200);
      }
      assert.ok(refusedAt >= 2500 && refusedAt <= 3500, `refused from ${refusedAt} characters`);
    });
  });
}

/** A node:http app with handler shapes the demo has no route for. */
async function shapesApp(): Promise<{ port: number; close: () => Promise<void> }> {
  const sessions = createSessions({ secret: SECRET });
  const server: Server = createServer(
    withSessions(sessions, (req, res) => {
      if (req.url === '/regenerate-twice') {
        req.session.regenerate();
        req.session.set('user', 'alice');
        req.session.regenerate();
        res.end('ok');
      } else if (req.url === '/array-headers') {
        req.session.set('user', 'alice');
        res.writeHead(200, ['Set-Cookie', 'theme=dark', 'Vary', 'Accept-Encoding', 'X-Other', '1']);
        res.end('ok');
      } else if (req.url === '/object-headers') {
        req.session.set('user', 'alice');
        res.setHeader('Vary', 'Accept-Encoding');
        res.writeHead(200, { 'Set-Cookie': ['theme=dark'], 'X-Other': '1' });
        res.end('ok');
      } else res.end('public');
    }),
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    close: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

describe('F37 F39 one Set-Cookie per name, headers merged, whatever shape the handler uses', () => {
  let app: Awaited<ReturnType<typeof shapesApp>>;
  const agent = keepAliveAgent();
  before(async () => (app = await shapesApp()));
  after(async () => {
    agent.destroy();
    await app.close();
  });

  it('F37 regenerate() twice in one request yields exactly one hallpass Set-Cookie', async () => {
    const reply = await send(app.port, agent, 'GET', '/regenerate-twice');
    assert.equal(reply.setCookie.filter((c) => c.startsWith('sid=')).length, 1);
  });

  for (const path of ['/array-headers', '/object-headers']) {
    it(`F37 F39 ${path}: the app's cookie, Vary and other headers survive next to exactly one session cookie`, async () => {
      const reply = await send(app.port, agent, 'GET', path);
      assert.equal(reply.setCookie.length, 2);
      assert.equal(reply.setCookie[0], 'theme=dark');
      assert.match(reply.setCookie[1] as string, /^sid=/);
      assert.equal(reply.headers.vary, 'Accept-Encoding, Cookie');
      assert.equal(reply.headers['cache-control'], 'private, no-store');
      assert.equal(reply.headers['x-other'], '1');
    });
  }

  it('F37 a request that does not touch the session gets no Set-Cookie and no Vary', async () => {
    const reply = await send(app.port, agent, 'GET', '/public');
    assert.deepEqual(reply.setCookie, []);
    assert.equal(reply.headers.vary, undefined);
  });
});

for (const mode of ALL_MODES) {
  describe(`F37 F39 cache safety in the demo (${mode})`, () => {
    let demo: Demo;
    before(async () => (demo = await startDemo(mode)));
    after(() => demo.close());

    it('F39 every response that sets the cookie carries Vary: Cookie and Cache-Control: private, no-store', async () => {
      const { pair, reply } = await login(demo, 'alice');
      const cart = await demo.call('POST', '/cart', { cookie: pair, json: { item: 'apple' } });
      const form = await demo.call('POST', '/login', { form: { username: 'bob' }, headers: { Accept: 'text/html' } });
      const logout = await demo.call('POST', '/logout', { cookie: pair });
      for (const r of [reply, cart, form, logout]) {
        if (r.setCookie.length === 0) continue;
        assert.match(String(r.headers.vary), /\bCookie\b/);
        assert.equal(r.headers['cache-control'], 'private, no-store');
      }
      assert.equal(form.status, 303);
      assert.equal(form.setCookie.length, 1);
    });

    it('F37 F39 a read of an unchanged session sends Vary: Cookie and no Set-Cookie; a route that ignores the session sends neither', async () => {
      const { pair } = await login(demo, 'alice');
      const peek = await demo.call('GET', '/session', { cookie: pair });
      assert.deepEqual(peek.setCookie, []);
      assert.equal(peek.headers.vary, 'Cookie');
      const unknown = await demo.call('GET', '/no-such-page', { cookie: pair });
      assert.equal(unknown.status, 404);
      assert.deepEqual(unknown.setCookie, []);
      assert.equal(unknown.headers.vary, undefined);
    });

    it('F39 a cookie re-issued only to slide the idle timeout (nothing changed) still carries Vary and Cache-Control', async () => {
      const { pair } = await login(demo, 'alice');
      demo.clock.advance(3 * 3600);
      const slid = await demo.call('GET', '/session', { cookie: pair });
      assert.equal(slid.json.user_id, 'alice');
      if (slid.setCookie.length > 0) {
        assert.equal(slid.headers.vary, 'Cookie');
        assert.equal(slid.headers['cache-control'], 'private, no-store');
      } else assert.ok(demo.store, 'cookie mode re-issues the cookie to slide the idle timeout');
    });
  });
}
