/**
 * A lifetime choice belongs to the login that made it: `clear()` and `regenerate({ keepData: false })`
 * drop it with the data, so the next user of a shared browser gets the configured lifetime.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { memoryStore, type SessionOptions } from 'hallpass';
import { expressCompat } from '../../src/adapters/express/compat.js';
import { cookiePair } from '../support/cookies.js';
import { harness } from '../support/core-fixtures.js';

const DAY = 86400;
const CONFIGURED = { persistent: false, maxAge: 14 * DAY };
const modes: Array<[string, () => Partial<SessionOptions>]> = [
  ['cookie', () => ({ persistent: false })],
  ['server', () => ({ store: memoryStore(), persistent: false })],
];

for (const [mode, options] of modes) {
  describe(`${mode} mode: the lifetime choice ends with the user`, () => {
    async function remembered() {
      const h = harness(options());
      const a = await h.request(undefined, (s) => {
        s.regenerate();
        s.userId = 'alice';
        s.setLifetime({ maxAge: 30 * DAY });
      });
      return { h, cookie: cookiePair(a.result.setCookie) };
    }

    it('clear() drops the choice: the session written after it has the configured lifetime', async () => {
      const { h, cookie } = await remembered();
      const out = await h.request(cookie, (s) => {
        s.clear();
        assert.deepEqual(s.lifetime, CONFIGURED);
        s.set('flash', 'Logged out');
      });
      assert.doesNotMatch(out.result.setCookie as string, /Max-Age/);
      const next = await h.request(cookiePair(out.result.setCookie));
      assert.deepEqual(next.session.lifetime, CONFIGURED);
    });

    it('regenerate({ keepData: false }) drops the choice; regenerate() keeps it', async () => {
      const { h, cookie } = await remembered();
      const kept = await h.request(cookie, (s) => s.regenerate());
      assert.deepEqual(kept.session.lifetime, { persistent: true, maxAge: 30 * DAY });
      const out = await h.request(cookiePair(kept.result.setCookie), (s) => {
        s.regenerate({ keepData: false });
        s.set('flash', 'Logged out');
      });
      const next = await h.request(cookiePair(out.result.setCookie));
      assert.deepEqual(next.session.lifetime, CONFIGURED);
    });

    it("Passport's logout then a login without remember-me: the next user gets the configured lifetime", async () => {
      const h = harness(options());
      const express = (s: import('hallpass').Session) => {
        const req: { session?: unknown } = {};
        const view = expressCompat(s, req);
        return { view, req };
      };
      const a = await h.request(undefined, (s) => {
        const { view, req } = express(s);
        view.regenerate(() => {});
        (req.session as Record<string, unknown>).passport = { user: 'alice' };
        (req.session as typeof view).cookie.maxAge = 30 * DAY * 1000;
      });
      const out = await h.request(cookiePair(a.result.setCookie), (s) => {
        const { view, req } = express(s);
        delete (view as unknown as Record<string, unknown>).passport;
        view.regenerate(() => {});
        (req.session as Record<string, unknown>).flash = { info: ['Logged out'] };
      });
      const b = await h.request(cookiePair(out.result.setCookie), (s) => {
        const { view, req } = express(s);
        view.regenerate(() => {});
        (req.session as Record<string, unknown>).passport = { user: 'bob' };
      });
      assert.doesNotMatch(b.result.setCookie as string, /Max-Age/, "bob's cookie is a browser-session cookie");
      const next = await h.request(cookiePair(b.result.setCookie));
      assert.equal(next.session.userId, 'bob');
      assert.deepEqual(next.session.lifetime, CONFIGURED);
    });
  });
}
