import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cookiePair, cookieValue } from '../support/cookies.js';
import { harness, OLD_SECRET, OTHER_SECRET, SECRET } from '../support/core-fixtures.js';
import { keyIdFor } from '../support/forge.js';

for (const codec of ['sealed', 'signed'] as const) {
  describe(`${codec} key rotation`, () => {
    /** A cookie written while OLD_SECRET was the only secret. */
    async function oldCookie() {
      const before = harness({ codec, secret: OLD_SECRET });
      const { result } = await before.request(undefined, (s) => s.set('user_id', 'alice'));
      return cookiePair(result.setCookie);
    }

    it('seals with the first secret of the list', async () => {
      const h = harness({ codec, secret: [SECRET, OLD_SECRET] });
      const { result } = await h.request(undefined, (s) => s.set('visits', 1));
      assert.equal(cookieValue(result.setCookie).split('.')[1], keyIdFor(SECRET, codec));
    });

    it('opens a cookie made with any secret of the list', async () => {
      const h = harness({ codec, secret: [SECRET, OTHER_SECRET, OLD_SECRET] });
      const session = await h.sessions.load(await oldCookie());
      assert.equal(session.get('user_id'), 'alice');
      assert.deepEqual(h.log.events, []);
    });

    it('leaves an old-key cookie alone on a read-only request', async () => {
      const h = harness({ codec, secret: [SECRET, OLD_SECRET] });
      const { result } = await h.request(await oldCookie(), (s) => s.get('user_id'));
      assert.deepEqual(result, { vary: true });
    });

    it('re-seals an old-key cookie with the newest key on its next write, and says so', async () => {
      const h = harness({ codec, secret: [SECRET, OLD_SECRET] });
      const { result, session } = await h.request(await oldCookie(), (s) => s.set('visits', 1));
      assert.equal(cookieValue(result.setCookie).split('.')[1], keyIdFor(SECRET, codec));
      assert.deepEqual(h.log.events, [{ type: 'resealed', id: session.id }]);
      // Once re-sealed, the old secret can be dropped.
      const after = harness({ codec, secret: SECRET });
      const next = await after.sessions.load(cookiePair(result.setCookie));
      assert.deepEqual(next.toJSON(), { user_id: 'alice', visits: 1 });
      assert.equal(next.id, session.id, 're-sealing keeps the session ID');
    });

    it('re-seals on the idle slide too', async () => {
      const h = harness({ codec, secret: [SECRET, OLD_SECRET] });
      const cookie = await oldCookie();
      h.clock.advance(9000);
      const { result } = await h.request(cookie, (s) => s.get('user_id'));
      assert.equal(cookieValue(result.setCookie).split('.')[1], keyIdFor(SECRET, codec));
      assert.equal(h.log.events.at(-1)?.type, 'resealed');
    });

    it('does not report a cookie that already uses the newest key', async () => {
      const h = harness({ codec, secret: [SECRET, OLD_SECRET] });
      const first = await h.request(undefined, (s) => s.set('visits', 1));
      h.log.events.length = 0;
      await h.request(cookiePair(first.result.setCookie), (s) => s.set('visits', 2));
      assert.deepEqual(h.log.events, []);
    });

    it('refuses a cookie made with a secret no longer listed as unknown-key', async () => {
      const h = harness({ codec, secret: [SECRET, OTHER_SECRET] });
      const session = await h.sessions.load(await oldCookie());
      assert.equal(session.isNew, true);
      assert.deepEqual(h.log.events, [{ type: 'invalid', reason: 'unknown-key', codec }]);
    });

    it('refuses a value moved to the cookie of another app sharing the secret', async () => {
      const user = harness({ codec });
      const admin = harness({ codec, name: 'admin' });
      const { result } = await user.request(undefined, (s) => s.set('user_id', 'alice'));
      const moved = await admin.sessions.load(`admin=${cookieValue(result.setCookie)}`);
      assert.equal(moved.isNew, true);
      assert.equal(moved.get('user_id'), undefined);
      assert.deepEqual(admin.log.invalid(), ['tampered']);
      const own = await admin.request(undefined, (s) => s.set('user_id', 'root'));
      assert.equal((await admin.sessions.load(cookiePair(own.result.setCookie))).get('user_id'), 'root');
    });

    it('refuses a cookie of the other codec', async () => {
      const other = harness({ codec: codec === 'sealed' ? 'signed' : 'sealed' });
      const { result } = await other.request(undefined, (s) => s.set('visits', 1));
      const h = harness({ codec });
      assert.equal((await h.sessions.load(cookiePair(result.setCookie))).isNew, true);
      assert.equal(h.log.invalid().length, 1);
    });
  });
}
