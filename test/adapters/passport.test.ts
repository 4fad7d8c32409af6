/**
 * Passport (with passport-local), the most used client of Express sessions, logs users in and out
 * through hallpass/express: it calls req.session.regenerate(cb) and save(cb) and keeps its data in
 * req.session.passport.
 */
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { after, describe, it } from 'node:test';
import express from 'express';
import express4 from 'express4';
import { createSessions, memoryStore, type Sessions } from 'hallpass';
import { expressSession, getSession } from 'hallpass/express';
import { Passport } from 'passport';
import { Strategy as LocalStrategy } from 'passport-local';
import { cookiePair, EXPIRED } from '../support/cookies.js';
import { type Answer, call } from '../support/http.js';
import { listen, type Running } from './contract/listen.js';
import { delayedStore, now, SECRET } from './contract/stores.js';

const PASSWORDS: Record<string, string> = { alice: 'wonderland' };
const running: Running[] = [];
after(() => Promise.all(running.map((server) => server.close())));

type Framework = typeof express;

async function start(framework: Framework, sessions: Sessions): Promise<string> {
  const passport = new Passport();
  passport.use(new LocalStrategy((username, password, done) => done(null, PASSWORDS[username] === password ? { id: username } : false)));
  passport.serializeUser((user, done) => done(null, (user as { id: string }).id));
  passport.deserializeUser((id: string, done) => done(null, { id }));

  const app = framework();
  app.use(framework.urlencoded({ extended: false }));
  app.use(expressSession(sessions));
  app.use(passport.initialize());
  app.use(passport.session());
  app.post('/visit', (req, res) => {
    getSession(req).set('visits', 1);
    res.json({ ok: true });
  });
  app.post('/login', passport.authenticate('local', { successRedirect: '/me', failureRedirect: '/login' }));
  app.post('/login-keep', passport.authenticate('local', { successRedirect: '/me', keepSessionInfo: true }));
  app.post('/logout', (req, res, next) => req.logout((error) => (error ? next(error) : res.redirect(303, '/me'))));
  // express-session apps often end the session first, then tell Passport: it regenerates what it finds.
  app.post('/logout-destroyed', (req, res, next) =>
    getSession(req).destroy(() => req.logout((error) => (error ? next(error) : res.redirect(303, '/me')))),
  );
  app.get('/me', (req, res) => res.json({ user: req.user ?? null }));
  app.get('/session', (req, res) => res.json(getSession(req).toJSON()));
  const server = await listen(createServer(app));
  running.push(server);
  return server.url;
}

const form = (username: string, password: string) => ({ username, password });

/** A browser's form post: no redirect followed, the cookie by hand. */
const post = (url: string, path: string, fields: Record<string, string>, cookie?: string): Promise<Answer> =>
  call(url, 'POST', path, { form: fields, cookie });

const modes = {
  cookie: () => createSessions({ secret: SECRET, now }),
  'server (store writes delayed 50 ms)': () => createSessions({ store: delayedStore(50), now }),
  'server (memory store)': () => createSessions({ store: memoryStore({ now }), now }),
};

for (const [frameworkName, framework] of [
  ['Express 5', express],
  ['Express 4', express4],
] as const) {
  for (const [mode, sessionsFor] of Object.entries(modes)) {
    describe(`Passport on ${frameworkName}, ${mode} mode`, () => {
      it('logs in with a new session ID, keeps the user across requests, and logs out for good', async () => {
        const url = await start(framework, sessionsFor());
        assert.deepEqual((await call(url, 'GET', '/me')).body, { user: null });

        const visit = await call(url, 'POST', '/visit');
        const beforeLogin = cookiePair(visit.setCookies[0]);

        const wrong = await post(url, '/login', form('alice', 'nope'), beforeLogin);
        assert.equal(wrong.status, 302);
        assert.equal(wrong.headers.get('location'), '/login');
        assert.deepEqual(wrong.setCookies, []);

        const login = await post(url, '/login', form('alice', 'wonderland'), beforeLogin);
        assert.equal(login.status, 302);
        assert.equal(login.headers.get('location'), '/me');
        assert.equal(login.setCookies.length, 1, 'the redirect carries the new cookie');
        const cookie = cookiePair(login.setCookies[0]);
        assert.notEqual(cookie, beforeLogin);

        assert.deepEqual((await call(url, 'GET', '/me', { cookie })).body, { user: { id: 'alice' } });
        assert.deepEqual(
          (await call(url, 'GET', '/session', { cookie })).body,
          { passport: { user: 'alice' } },
          'regenerate(cb) starts an empty session, as express-session does',
        );
        assert.deepEqual((await call(url, 'GET', '/me', { cookie: beforeLogin })).body, { user: null }, 'the pre-login cookie is retired');

        const logout = await post(url, '/logout', {}, cookie);
        assert.equal(logout.status, 303);
        assert.deepEqual(logout.setCookies, [EXPIRED]);
        assert.deepEqual((await call(url, 'GET', '/me', { cookie })).body, { user: null }, 'the logged-in cookie no longer works');
      });

      it("revokes a copy of the logged-in cookie at logout: Passport's user is the session's userId", async () => {
        const sessions = sessionsFor();
        const url = await start(framework, sessions);
        const cookie = cookiePair((await post(url, '/login', form('alice', 'wonderland'))).setCookies[0]);
        assert.equal((await sessions.load(cookie)).userId, 'alice');
        const stolen = cookie;
        await post(url, '/logout', {}, cookie);
        assert.deepEqual((await call(url, 'GET', '/me', { cookie: stolen })).body, { user: null });
        assert.deepEqual((await call(url, 'GET', '/session', { cookie: stolen })).body, {});
      });

      it('logs out when the session was destroyed before req.logout', async () => {
        const url = await start(framework, sessionsFor());
        const cookie = cookiePair((await post(url, '/login', form('alice', 'wonderland'))).setCookies[0]);
        const logout = await post(url, '/logout-destroyed', {}, cookie);
        assert.equal(logout.status, 303);
        assert.deepEqual(logout.setCookies, [EXPIRED]);
        assert.deepEqual((await call(url, 'GET', '/me', { cookie })).body, { user: null });
      });

      it('keeps what the session held before login with keepSessionInfo', async () => {
        const url = await start(framework, sessionsFor());
        const beforeLogin = cookiePair((await call(url, 'POST', '/visit')).setCookies[0]);
        const login = await post(url, '/login-keep', form('alice', 'wonderland'), beforeLogin);
        const cookie = cookiePair(login.setCookies[0]);
        assert.notEqual(cookie, beforeLogin);
        assert.deepEqual((await call(url, 'GET', '/session', { cookie })).body, { visits: 1, passport: { user: 'alice' } });
      });
    });
  }
}
