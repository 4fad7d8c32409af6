import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { FLASH_KEY, flash, memoryStore, type SessionOptions, SessionValueError, takeFlashes } from 'hallpass';
import { withSessions } from 'hallpass/node';
import { cookiePair } from '../support/cookies.js';
import { harness } from '../support/core-fixtures.js';
import { spyStore } from './server-mode/app.js';

type Data = { user_id: string };

const MODES: Array<{ name: string; options: () => Partial<SessionOptions> }> = [
  { name: 'cookie mode', options: () => ({}) },
  { name: 'server mode', options: () => ({ store: memoryStore() }) },
];

describe('flash messages', () => {
  for (const mode of MODES) {
    describe(mode.name, () => {
      it('keeps messages in order under the reserved key until they are taken', async () => {
        const h = harness<Data>(mode.options());
        const first = await h.request(undefined, (session) => {
          flash(session, 'Logged in as alice', 'success');
          flash(session, 'Your cart was restored');
        });
        const session = await h.sessions.load(cookiePair(first.result.setCookie));
        assert.deepEqual(session.toJSON(), {
          [FLASH_KEY]: [
            { kind: 'success', message: 'Logged in as alice' },
            { kind: 'info', message: 'Your cart was restored' },
          ],
        });
      });

      it('shows a message once: the next request takes it, the one after sees nothing', async () => {
        const h = harness<Data>(mode.options());
        const login = await h.request(undefined, (session) => {
          session.set('user_id', 'alice');
          flash(session, 'Logged in as alice', 'success');
        });
        let shown: unknown;
        const page = await h.request(cookiePair(login.result.setCookie), (session) => {
          shown = takeFlashes(session);
        });
        assert.deepEqual(shown, [{ kind: 'success', message: 'Logged in as alice' }]);
        // Taking is a change: cookie mode writes a new cookie, server mode patches the record under the same token.
        const cookie = mode.name === 'cookie mode' ? cookiePair(page.result.setCookie) : cookiePair(login.result.setCookie);
        if (mode.name === 'server mode') assert.deepEqual(page.result, { vary: true });
        const reload = await h.request(cookie, (session) => {
          shown = takeFlashes(session);
          assert.equal(session.get('user_id'), 'alice');
        });
        assert.deepEqual(shown, []);
        assert.deepEqual(reload.result, { vary: true });
      });

      it('sends no Set-Cookie when there was nothing to take, with or without a cookie', async () => {
        const h = harness<Data>(mode.options());
        assert.deepEqual((await h.request(undefined, (session) => assert.deepEqual(takeFlashes(session), []))).result, { vary: true });
        const login = await h.request(undefined, (session) => session.set('user_id', 'alice'));
        const again = await h.request(cookiePair(login.result.setCookie), (session) => assert.deepEqual(takeFlashes(session), []));
        assert.deepEqual(again.result, { vary: true });
      });

      it('expires the cookie of a visitor whose session held nothing but the message', async () => {
        const h = harness<Data>(mode.options());
        const post = await h.request(undefined, (session) => flash(session, 'Please enter a username', 'error'));
        const page = await h.request(cookiePair(post.result.setCookie), (session) => {
          assert.deepEqual(takeFlashes(session), [{ kind: 'error', message: 'Please enter a username' }]);
        });
        assert.equal(page.result.setCookie, 'sid=; Path=/; Max-Age=0; HttpOnly; Secure; SameSite=Lax');
      });
    });
  }

  it('makes no store call at all for a server-mode session with nothing queued beyond its one read', async () => {
    const spy = spyStore(memoryStore());
    const h = harness<Data>({ store: spy.store });
    const login = await h.request(undefined, (session) => session.set('user_id', 'alice'));
    spy.calls.length = 0;
    await h.request(cookiePair(login.result.setCookie), (session) => takeFlashes(session));
    assert.deepEqual(
      spy.calls.map((call) => call.op),
      ['get'],
    );
  });

  it('drops malformed entries instead of returning them', async () => {
    const h = harness();
    const { session } = await h.request(undefined, (s) => {
      s.set(FLASH_KEY, [{ kind: 'success', message: 'ok' }, { kind: 'shout', message: 'no' }, 'text', null, { kind: 'info' }]);
      flash(s, 'later');
      assert.deepEqual(s.get(FLASH_KEY), [
        { kind: 'success', message: 'ok' },
        { kind: 'info', message: 'later' },
      ]);
      s.set(FLASH_KEY, 'not a list');
      assert.deepEqual(takeFlashes(s), []);
      assert.equal(s.has(FLASH_KEY), false);
    });
    assert.equal(session.has(FLASH_KEY), false);
  });

  it('refuses an empty message or an unknown kind with SessionValueError', async () => {
    const h = harness();
    await h.request(undefined, (session) => {
      assert.throws(() => flash(session, ''), SessionValueError);
      assert.throws(() => flash(session, 'hi', 'warning' as never), /"info", "success" or "error", got "warning"/);
      assert.equal(session.has(FLASH_KEY), false);
    });
  });
});

describe('flash messages over HTTP', () => {
  for (const mode of MODES) {
    describe(mode.name, () => {
      let server: Server;
      let base: string;
      before(async () => {
        const h = harness<Data>(mode.options());
        server = createServer(
          withSessions(h.sessions, (req, res) => {
            if (req.method === 'POST') {
              req.session.regenerate();
              req.session.set('user_id', 'alice');
              flash(req.session, 'Logged in as alice', 'success');
              res.writeHead(303, { Location: '/' }).end();
              return;
            }
            // Read the session before writeHead: the adapter commits when the head goes out.
            const body = JSON.stringify(takeFlashes(req.session));
            res.writeHead(200, { 'Content-Type': 'application/json' }).end(body);
          }),
        );
        await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
        base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      });
      after(() => new Promise<void>((resolve) => server.close(() => resolve())));

      it('shows the message on the page after the 303 redirect, and never again', async () => {
        const post = await fetch(`${base}/login`, { method: 'POST', redirect: 'manual' });
        assert.equal(post.status, 303);
        let cookie = cookiePair(post.headers.get('set-cookie') ?? undefined);

        const page = await fetch(`${base}${post.headers.get('location')}`, { headers: { cookie } });
        assert.deepEqual(await page.json(), [{ kind: 'success', message: 'Logged in as alice' }]);
        if (mode.name === 'cookie mode') cookie = cookiePair(page.headers.get('set-cookie') ?? undefined);

        const reload = await fetch(`${base}/`, { headers: { cookie } });
        assert.deepEqual(await reload.json(), []);
        assert.equal(reload.headers.get('set-cookie'), null);
      });
    });
  }
});
