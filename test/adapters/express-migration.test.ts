/**
 * The "Switching without logging everyone out" recipe of docs/migrating-from-express-session.md,
 * run as written: express-session and hallpass side by side, each user moved across on their next
 * request, the old session ended.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import express from 'express';
import session, { MemoryStore } from 'express-session';
import { createSessions } from 'hallpass';
import { expressSession, getSession } from 'hallpass/express';
import { cookiePair } from '../support/cookies.js';
import { call } from '../support/http.js';
import { appServer } from './contract/listen.js';
import { now, SECRET } from './contract/stores.js';

const serve = appServer();

const OLD_SECRET = 'the secret express-session signed its cookies with';

describe('migrating from express-session (the documented bridge)', () => {
  it('moves a signed-in user across on their next request, ends the old session, and serves new visitors', async () => {
    const store = new MemoryStore();
    const oldOptions = { secret: OLD_SECRET, store, resave: false, saveUninitialized: false };

    // The app as it was: express-session alone.
    const before = express();
    before.use(session(oldOptions));
    before.post('/login', (req, res) => {
      (req.session as unknown as { user_id: string }).user_id = 'alice';
      res.json({ ok: true });
    });
    before.post('/login-passport', (req, res) => {
      (req.session as unknown as { passport: { user: string } }).passport = { user: 'bob' };
      res.json({ ok: true });
    });
    const beforeUrl = await serve(before);
    const legacyCookie = cookiePair((await call(beforeUrl, 'POST', '/login')).setCookies[0] as string);
    const legacyPassportCookie = cookiePair((await call(beforeUrl, 'POST', '/login-passport')).setCookies[0] as string);

    // The app during the switch, as docs/migrating-from-express-session.md writes it.
    const sessions = createSessions({ secret: SECRET, now });
    const app = express();
    const oldSessions = session(oldOptions);
    app.use((req: any, res, next) => {
      // express-session gets a request object of its own, so its session never meets hallpass's.
      const legacy: any = {
        headers: req.headers,
        url: req.url,
        originalUrl: req.originalUrl,
        secure: req.secure,
        socket: req.socket,
        connection: req.socket,
      };
      oldSessions(legacy, res, () => {
        req.oldSession = legacy.session;
        next();
      });
    });
    app.use(expressSession(sessions));
    app.use((req: any, _res, next) => {
      const old = req.oldSession;
      const current = getSession(req);
      const user = old?.user_id ?? old?.passport?.user; // your login key, or Passport's
      if (user === undefined || !current.isNew) return next();
      for (const [key, value] of Object.entries(old)) if (key !== 'cookie') current.set(key, value as never);
      current.regenerate();
      current.userId = String(user); // a logout then revokes this cookie, in cookie mode too
      old.destroy(() => next()); // the old session ends as the new one starts
    });
    app.get('/me', (req, res) => {
      const session = getSession(req);
      res.json({ user: session.get('user_id') ?? (session.get('passport') as { user?: string } | undefined)?.user ?? null });
    });
    app.post('/logout', (req, res) => {
      getSession(req).destroy();
      res.json({ ok: true });
    });
    const url = await serve(app);

    const moved = await call(url, 'GET', '/me', { cookie: legacyCookie });
    assert.equal(moved.status, 200);
    assert.deepEqual(moved.body, { user: 'alice' });
    const hallpassCookies = moved.setCookies.filter((cookie) => cookie.startsWith('sid='));
    assert.equal(hallpassCookies.length, 1);
    const newCookie = cookiePair(hallpassCookies[0] as string);
    assert.deepEqual((await call(url, 'GET', '/me', { cookie: newCookie })).body, { user: 'alice' });
    assert.equal((await sessions.load(newCookie)).userId, 'alice');
    // The old session is gone from the store: its cookie no longer signs anyone in.
    assert.deepEqual((await call(url, 'GET', '/me', { cookie: legacyCookie })).body, { user: null });

    // A Passport login moves across the same way.
    const movedPassport = await call(url, 'GET', '/me', { cookie: legacyPassportCookie });
    assert.deepEqual(movedPassport.body, { user: 'bob' });
    assert.equal((await sessions.load(cookiePair(movedPassport.setCookies[0] as string))).userId, 'bob');
    assert.equal(await new Promise((done) => store.length((_error, count) => done(count))), 0);

    // Logging out of the moved session holds: a copy of its cookie is refused afterwards.
    await call(url, 'POST', '/logout', { cookie: newCookie });
    assert.deepEqual((await call(url, 'GET', '/me', { cookie: newCookie })).body, { user: null });

    // A visitor with no cookie at all is served, and given no express-session cookie.
    const visitor = await call(url, 'GET', '/me');
    assert.equal(visitor.status, 200);
    assert.deepEqual(visitor.body, { user: null });
    assert.deepEqual(
      visitor.setCookies.filter((cookie) => cookie.startsWith('connect.sid=')),
      [],
    );
  });
});
