/** express-session's `req.session.cookie.maxAge` (and `expires`) over hallpass's per-session lifetime. */
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { after, describe, it } from 'node:test';
import express from 'express';
import { createSessions, memoryStore } from 'hallpass';
import { type ExpressSession, expressSession } from 'hallpass/express';
import { listen, type Running } from '../adapters/contract/listen.js';
import { now, SECRET } from '../adapters/contract/stores.js';
import { cookiePair } from '../support/cookies.js';
import { call } from '../support/http.js';

const DAY = 86400;
/** `req.session` as hallpass/express makes it (the express-session typings installed for other tests describe theirs). */
const sessionOf = (req: express.Request) => (req as unknown as { session: ExpressSession & { user?: string } }).session;
const running: Running[] = [];
after(() => Promise.all(running.map((server) => server.close())));

async function app(mode: 'cookie' | 'server') {
  const made =
    mode === 'cookie'
      ? createSessions({ secret: SECRET, now, idleTimeout: false })
      : createSessions({ store: memoryStore({ now }), now, idleTimeout: false });
  const server = express();
  server.use(expressSession(made));
  server.post('/login', (req, res) => {
    const session = sessionOf(req);
    session.regenerate();
    session.user = 'alice';
    // What an express-session app writes for "remember me".
    if (req.query.remember === '1') session.cookie.maxAge = 30 * DAY * 1000;
    else if (req.query.remember === 'expires') session.cookie.expires = false;
    else session.cookie.maxAge = null;
    res.json({ ok: true });
  });
  server.get('/cookie', (req, res) => {
    const { maxAge, originalMaxAge, expires } = sessionOf(req).cookie;
    res.json({ maxAge, originalMaxAge, expires, user: sessionOf(req).user ?? null });
  });
  const listening = await listen(createServer(server));
  running.push(listening);
  return listening.url;
}

for (const mode of ['cookie', 'server'] as const) {
  describe(`req.session.cookie in ${mode} mode`, () => {
    it('maxAge = null writes a browser-session cookie, and reads back as null', async () => {
      const url = await app(mode);
      const login = await call(url, 'POST', '/login?remember=0');
      assert.equal(login.setCookies.length, 1);
      assert.equal(login.setCookies[0], `${cookiePair(login.setCookies[0])}; Path=/; HttpOnly; Secure; SameSite=Lax`);
      const read = await call(url, 'GET', '/cookie', { cookie: cookiePair(login.setCookies[0]) });
      assert.deepEqual(read.body, { maxAge: null, originalMaxAge: null, expires: null, user: 'alice' });
    });

    it('expires = false does the same', async () => {
      const url = await app(mode);
      const login = await call(url, 'POST', '/login?remember=expires');
      assert.doesNotMatch(login.setCookies[0] as string, /Max-Age|Expires/);
    });

    it('maxAge in milliseconds writes a persistent cookie of that lifetime, read back as what is left', async () => {
      const url = await app(mode);
      const login = await call(url, 'POST', '/login?remember=1');
      assert.equal(login.setCookies[0], `${cookiePair(login.setCookies[0])}; Path=/; Max-Age=${30 * DAY}; HttpOnly; Secure; SameSite=Lax`);
      const read = await call(url, 'GET', '/cookie', { cookie: cookiePair(login.setCookies[0]) });
      assert.deepEqual(read.body, {
        maxAge: 30 * DAY * 1000,
        originalMaxAge: 30 * DAY * 1000,
        expires: new Date(now() + 30 * DAY * 1000).toISOString(),
        user: 'alice',
      });
    });
  });
}
