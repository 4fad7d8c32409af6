import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Codec } from 'hallpass';
import { cookiePair } from '../support/cookies.js';
import { harness, SECRET } from '../support/core-fixtures.js';
import { envelopeJson, forge } from '../support/forge.js';

for (const codec of ['sealed', 'signed'] as const) {
  describe(`${codec} cookie expiry`, () => {
    async function written(options: Parameters<typeof harness>[0]) {
      const h = harness({ codec, ...options });
      const { result } = await h.request(undefined, (s) => s.set('visits', 1));
      return { h, cookie: cookiePair(result.setCookie) };
    }

    it('ends a session at its absolute lifetime (maxAge), however active', async () => {
      const { h, cookie } = await written({ maxAge: 3600, idleTimeout: false });
      h.clock.advance(3599);
      assert.equal((await h.sessions.load(cookie)).get('visits'), 1);
      h.clock.advance(1);
      const session = await h.sessions.load(cookie);
      assert.equal(session.isNew, true);
      assert.deepEqual(session.keys(), []);
      assert.deepEqual(h.log.invalid(), ['expired']);
    });

    it('keeps the absolute lifetime across writes: a rewritten cookie still ends at creation + maxAge', async () => {
      const { h, cookie } = await written({ maxAge: 3600, idleTimeout: 600, touchInterval: 60 });
      let current = cookie;
      for (let step = 0; step < 7; step++) {
        h.clock.advance(500);
        const { result } = await h.request(current, (s) => s.set('visits', step));
        if (result.setCookie) current = cookiePair(result.setCookie);
      }
      // 3500 s after creation: still alive thanks to the activity...
      assert.equal((await h.sessions.load(current)).isNew, false);
      h.clock.advance(100);
      // ...but not past 3600 s.
      assert.equal((await h.sessions.load(current)).isNew, true);
      assert.deepEqual(h.log.invalid(), ['expired']);
    });

    it('ends an idle session (idleTimeout)', async () => {
      const { h, cookie } = await written({ idleTimeout: 600, touchInterval: 60 });
      h.clock.advance(599);
      assert.equal((await h.sessions.load(cookie)).get('visits'), 1);
      h.clock.advance(1);
      assert.equal((await h.sessions.load(cookie)).isNew, true);
      assert.deepEqual(h.log.invalid(), ['idle']);
    });

    it('accepts a cookie dated up to clockLeeway in the future and refuses one beyond', async () => {
      const { h, cookie } = await written({});
      h.clock.advance(-60);
      assert.equal((await h.sessions.load(cookie)).isNew, false);
      h.clock.advance(-1);
      assert.equal((await h.sessions.load(cookie)).isNew, true);
      assert.deepEqual(h.log.invalid(), ['future']);
    });

    it('honours a custom clockLeeway', async () => {
      const { h, cookie } = await written({ clockLeeway: 0 });
      h.clock.advance(-1);
      assert.equal((await h.sessions.load(cookie)).isNew, true);
      assert.deepEqual(h.log.invalid(), ['future']);
    });

    it('refuses a last-seen time in the future even when the creation time is fine', async () => {
      const h = harness({ codec });
      const now = h.clock.seconds;
      const value = forge(codec, SECRET, envelopeJson({ created: now - 10, seen: now + 3600, data: { a: 1 } }));
      assert.equal((await h.sessions.load(`sid=${value}`)).isNew, true);
      assert.deepEqual(h.log.invalid(), ['future']);
    });

    it('enforces the server limits, not the lifetime the cookie was written under', async () => {
      // A cookie written under a 1-day idle timeout is refused once the server allows only 10 minutes.
      const h = harness({ codec });
      const now = h.clock.seconds;
      const value = forge(codec, SECRET, envelopeJson({ created: now - 700, seen: now - 700, data: { a: 1 } }));
      const strict = harness({ codec, idleTimeout: 600, touchInterval: 60, now: h.clock.now });
      assert.equal((await strict.sessions.load(`sid=${value}`)).isNew, true);
      assert.deepEqual(strict.log.invalid(), ['idle']);
      assert.equal((await h.sessions.load(`sid=${value}`)).isNew, false);
    });

    it('refuses an oversized cookie without decoding it', async () => {
      let decodes = 0;
      const h = harness({ codec });
      const inner = h.sessions.options.codec as Codec | undefined;
      assert.ok(inner);
      const counting = harness({
        codec: {
          kind: inner.kind,
          encode: (envelope) => inner.encode(envelope),
          decode: (value, now) => {
            decodes++;
            return inner.decode(value, now);
          },
        },
      });
      const session = await counting.sessions.load(`sid=${'A'.repeat(4097)}`);
      assert.equal(session.isNew, true);
      assert.equal(decodes, 0);
      assert.deepEqual(counting.log.invalid(), ['oversized']);
    });
  });
}
