import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CookieTooLargeError, HallpassError } from 'hallpass';
import { commitNow } from '../../src/engine/sessions-internals.js';
import { cookiePair, cookieValue, EXPIRED } from '../support/cookies.js';
import { harness } from '../support/core-fixtures.js';

/** A harness whose cookie already holds `{ visits: 1 }`, written at the clock's start. */
async function withCookie(options: Parameters<typeof harness>[0] = {}) {
  const h = harness(options);
  const first = await h.request(undefined, (session) => session.set('visits', 1));
  return { h, cookie: cookiePair(first.result.setCookie), setCookie: first.result.setCookie as string };
}

describe('cookie mode Set-Cookie', () => {
  it('writes the cookie on the first change, with the secure defaults', async () => {
    const h = harness();
    const { result, session } = await h.request(undefined, (s) => s.set('visits', 1));
    const value = cookieValue(result.setCookie);
    assert.match(value, /^h1\.[A-Za-z0-9_-]{6}\.[A-Za-z0-9_-]+$/);
    assert.equal(result.setCookie, `sid=${value}; Path=/; Max-Age=86400; HttpOnly; Secure; SameSite=Lax`);
    assert.equal(result.vary, true);
    assert.deepEqual(h.log.events, [{ type: 'created', id: session.id }]);
  });

  it('gives the remaining absolute lifetime as Max-Age when there is no idle timeout', async () => {
    const h = harness({ maxAge: 3600, idleTimeout: false });
    const first = await h.request(undefined, (s) => s.set('visits', 1));
    assert.equal(
      first.result.setCookie,
      `sid=${cookieValue(first.result.setCookie)}; Path=/; Max-Age=3600; HttpOnly; Secure; SameSite=Lax`,
    );
    h.clock.advance(1000);
    const second = await h.request(cookiePair(first.result.setCookie), (s) => s.set('visits', 2));
    assert.equal(
      second.result.setCookie,
      `sid=${cookieValue(second.result.setCookie)}; Path=/; Max-Age=2600; HttpOnly; Secure; SameSite=Lax`,
    );
  });

  it('caps Max-Age by whichever deadline is nearer', async () => {
    const h = harness({ maxAge: 1000, idleTimeout: 600, touchInterval: 60 });
    const first = await h.request(undefined, (s) => s.set('visits', 1));
    assert.match(first.result.setCookie as string, /; Max-Age=600;/);
    h.clock.advance(500);
    const second = await h.request(cookiePair(first.result.setCookie), (s) => s.set('visits', 2));
    assert.match(second.result.setCookie as string, /; Max-Age=500;/, 'the absolute deadline is 500 s away, the idle one 600 s');
  });

  it('sends no Set-Cookie for a session that was read but not changed', async () => {
    const { h, cookie } = await withCookie();
    h.log.events.length = 0;
    const { result } = await h.request(cookie, (s) => assert.equal(s.get('visits'), 1));
    assert.deepEqual(result, { vary: true });
    assert.deepEqual(h.log.events, []);
  });

  it('counts every set() as a change, even to the same value', async () => {
    const { h, cookie } = await withCookie();
    const { result } = await h.request(cookie, (s) => s.set('visits', 1));
    assert.ok(result.setCookie);
  });

  it('sends no Set-Cookie and no Vary when the session was never touched', async () => {
    const { h, cookie } = await withCookie();
    assert.deepEqual((await h.request(cookie)).result, { vary: false });
    assert.deepEqual((await h.request(undefined)).result, { vary: false });
  });

  it('sends no cookie for a visitor whose session stayed empty', async () => {
    const h = harness();
    assert.deepEqual((await h.request(undefined, (s) => s.get('visits'))).result, { vary: true });
    assert.deepEqual(
      (
        await h.request(undefined, (s) => {
          s.set('visits', 1);
          s.delete('visits');
        })
      ).result,
      { vary: true },
    );
    assert.deepEqual((await h.request(undefined, (s) => s.clear())).result, { vary: true });
    assert.deepEqual((await h.request(undefined, (s) => s.destroy())).result, { vary: true });
    assert.deepEqual(h.log.events, []);
  });

  describe('the idle-timeout slide', () => {
    it('rewrites an unchanged cookie only once touchInterval has passed', async () => {
      const { h, cookie } = await withCookie();
      const start = h.clock.seconds;
      h.clock.advance(8639);
      assert.deepEqual((await h.request(cookie, (s) => s.get('visits'))).result, { vary: true });
      h.clock.advance(1);
      const { result } = await h.request(cookie, (s) => s.get('visits'));
      assert.equal(result.setCookie, `sid=${cookieValue(result.setCookie)}; Path=/; Max-Age=86400; HttpOnly; Secure; SameSite=Lax`);
      const slid = await h.sessions.load(cookiePair(result.setCookie));
      assert.equal(slid.lastSeenAt, start + 8640);
      assert.equal(slid.createdAt, start, 'the slide keeps the creation time');
      assert.equal(slid.get('visits'), 1);
    });

    it('slides only for a session that is read: an untouched request writes nothing', async () => {
      const { h, cookie } = await withCookie();
      h.clock.advance(9000);
      assert.deepEqual((await h.request(cookie)).result, { vary: false });
    });

    it('keeps a slid session alive past the original idle deadline, and ends it a full idle timeout after the slide', async () => {
      const { h, cookie } = await withCookie();
      h.clock.advance(80_000);
      const slid = cookiePair((await h.request(cookie, (s) => s.get('visits'))).result.setCookie);
      h.clock.advance(86_399);
      assert.equal((await h.sessions.load(slid)).get('visits'), 1);
      h.clock.advance(1);
      assert.equal((await h.sessions.load(slid)).isNew, true);
      assert.deepEqual(h.log.invalid(), ['idle']);
    });

    it('never slides without an idle timeout', async () => {
      const { h, cookie } = await withCookie({ idleTimeout: false });
      h.clock.advance(1_000_000);
      assert.deepEqual((await h.request(cookie, (s) => s.get('visits'))).result, { vary: true });
    });

    it('slides on every read with touchInterval: 0', async () => {
      const { h, cookie } = await withCookie({ touchInterval: 0 });
      assert.ok((await h.request(cookie, (s) => s.get('visits'))).result.setCookie);
    });
  });

  describe('ending a session', () => {
    it('clear() expires the cookie', async () => {
      const { h, cookie } = await withCookie();
      assert.deepEqual((await h.request(cookie, (s) => s.clear())).result, { setCookie: EXPIRED, vary: true });
    });

    it('deleting the last key expires the cookie', async () => {
      const { h, cookie } = await withCookie();
      assert.deepEqual((await h.request(cookie, (s) => s.delete('visits'))).result, { setCookie: EXPIRED, vary: true });
    });

    it('destroy() expires the cookie', async () => {
      const { h, cookie } = await withCookie();
      assert.deepEqual((await h.request(cookie, (s) => s.destroy())).result, { setCookie: EXPIRED, vary: true });
    });

    it('clear() then set() writes a fresh cookie instead', async () => {
      const { h, cookie } = await withCookie();
      const { result } = await h.request(cookie, (s) => {
        s.clear();
        s.set('visits', 9);
      });
      const next = await h.sessions.load(cookiePair(result.setCookie));
      assert.deepEqual(next.toJSON(), { visits: 9 });
    });

    it('destroy() expires a refused cookie too, so the browser stops sending it', async () => {
      const h = harness();
      const { result } = await h.request('sid=garbage', (s) => s.destroy());
      assert.deepEqual(result, { setCookie: EXPIRED, vary: true });
      assert.deepEqual(h.log.invalid(), ['malformed']);
    });
  });

  describe('attributes', () => {
    it('writes a custom name, path, domain, sameSite and no Secure or HttpOnly', async () => {
      const h = harness({ name: 'sid', path: '/app', domain: 'example.com', sameSite: 'strict', secure: false, httpOnly: false });
      const { result } = await h.request(undefined, (s) => s.set('visits', 1));
      assert.equal(result.setCookie, `sid=${cookieValue(result.setCookie)}; Path=/app; Domain=example.com; Max-Age=86400; SameSite=Strict`);
      const ended = await h.request(cookiePair(result.setCookie), (s) => s.destroy());
      assert.equal(ended.result.setCookie, 'sid=; Path=/app; Domain=example.com; Max-Age=0; SameSite=Strict');
    });

    it('writes SameSite=None and Partitioned', async () => {
      const h = harness({ name: '__Host-sid', sameSite: 'None', partitioned: true });
      const { result } = await h.request(undefined, (s) => s.set('visits', 1));
      assert.equal(
        result.setCookie,
        `__Host-sid=${cookieValue(result.setCookie)}; Path=/; Max-Age=86400; HttpOnly; Secure; SameSite=None; Partitioned`,
      );
    });

    it('writes a browser-session cookie with persistent: false, yet still enforces expiry', async () => {
      const h = harness({ persistent: false, idleTimeout: 600 });
      const { result } = await h.request(undefined, (s) => s.set('visits', 1));
      assert.equal(result.setCookie, `sid=${cookieValue(result.setCookie)}; Path=/; HttpOnly; Secure; SameSite=Lax`);
      const ended = await h.request(cookiePair(result.setCookie), (s) => s.clear());
      assert.equal(ended.result.setCookie, EXPIRED, 'expiring still needs Max-Age=0');
      h.clock.advance(600);
      assert.equal((await h.sessions.load(cookiePair(result.setCookie))).isNew, true);
    });

    it('reads the cookie among others, quoted or not, and ignores other names', async () => {
      const { h, cookie } = await withCookie();
      const value = cookie.slice('sid='.length);
      for (const header of [`a=1; ${cookie}; b=2`, `a=1;${cookie}`, `sid="${value}"`, ` ${cookie} `, `xsid=1; ${cookie}`]) {
        assert.equal((await h.sessions.load(header)).get('visits'), 1, header);
      }
      assert.equal((await h.sessions.load(`hallpassx=${value}`)).isNew, true);
      assert.equal((await h.sessions.load(`other=${value}`)).isNew, true);
    });

    it('uses the first valid cookie when several share the name (cookie tossing)', async () => {
      const { h, cookie } = await withCookie();
      const session = await h.sessions.load(`sid=forged; ${cookie}`);
      assert.equal(session.get('visits'), 1);
      assert.deepEqual(h.log.invalid(), ['malformed']);
    });
  });

  describe('codec objects', () => {
    it('uses a codec object given as `codec`', async () => {
      const h = harness({
        codec: {
          kind: 'plain',
          encode: (envelope) => Buffer.from(JSON.stringify(envelope)).toString('base64url'),
          decode: (value) => ({ ok: true, envelope: JSON.parse(Buffer.from(value, 'base64url').toString()), stale: false }),
        },
      });
      const { result } = await h.request(undefined, (s) => s.set('visits', 1));
      assert.equal((await h.sessions.load(cookiePair(result.setCookie))).get('visits'), 1);
    });

    it('refuses to send a value a codec object wrote with characters a cookie may not hold', async () => {
      const h = harness({
        codec: { kind: 'leaky', encode: () => 'x; Domain=evil.example', decode: () => ({ ok: false, reason: 'malformed' }) },
      });
      await assert.rejects(
        h.request(undefined, (s) => s.set('visits', 1)),
        { code: 'ERR_COOKIE_ATTRIBUTE', message: /"leaky" codec/ },
      );
    });
  });

  describe('size', () => {
    it('throws CookieTooLargeError from commit with the byte count and the remedy', async () => {
      const h = harness();
      const session = await h.sessions.load(undefined);
      session.set('blob', 'x'.repeat(4000));
      await assert.rejects(h.sessions.commit(session), (error: unknown) => {
        assert.ok(error instanceof CookieTooLargeError);
        assert.ok(error instanceof HallpassError);
        assert.equal(error.code, 'ERR_COOKIE_TOO_LARGE');
        assert.ok(error.bytes > 4096);
        assert.match(error.message, new RegExp(`"sid" would be ${error.bytes} bytes`));
        assert.match(error.message, /4096/);
        assert.match(error.message, /server-side store \(createSessions\(\{ store \}\)\)/);
        return true;
      });
      assert.throws(() => commitNow(h.sessions, session), CookieTooLargeError);
    });

    it('allows the largest cookie that fits in 4096 bytes and refuses the next size up', async () => {
      const h = harness({ codec: 'signed' });
      const sizeFor = async (length: number) => {
        const session = await h.sessions.load(undefined);
        session.set('blob', 'x'.repeat(length));
        try {
          return (commitNow(h.sessions, session) as { setCookie: string }).setCookie.length;
        } catch (error) {
          return (error as CookieTooLargeError).bytes;
        }
      };
      // base64 grows by 4 characters per 3 bytes: find the longest value whose cookie fits.
      let length = 2000;
      while ((await sizeFor(length + 1)) <= 4096) length++;
      assert.ok((await sizeFor(length)) <= 4096);
      const session = await h.sessions.load(undefined);
      session.set('blob', 'x'.repeat(length));
      assert.doesNotThrow(() => commitNow(h.sessions, session));
      const bigger = await h.sessions.load(undefined);
      bigger.set('blob', 'x'.repeat(length + 1));
      assert.throws(() => commitNow(h.sessions, bigger), { code: 'ERR_COOKIE_TOO_LARGE' });
    });

    it('counts the attributes: a long domain makes the same data too large', async () => {
      const fits = harness();
      const tooBig = harness({ domain: `${'sub.'.repeat(40)}example.com` });
      const fill = (s: { set(key: string, value: string): void }) => s.set('blob', 'y'.repeat(2870));
      await assert.doesNotReject(fits.request(undefined, fill));
      await assert.rejects(tooBig.request(undefined, fill), { code: 'ERR_COOKIE_TOO_LARGE' });
    });
  });
});

describe('a codec object from the app that throws', () => {
  it('treats a throw from decode as a malformed cookie: an empty session and an invalid event, never a 500', async () => {
    const throwing = {
      kind: 'app-codec',
      encode: () => 'opaque',
      decode: (): never => {
        throw new TypeError('unexpected input');
      },
    };
    const h = harness({ codec: throwing });
    const session = await h.sessions.load('sid=anything-at-all');
    assert.equal(session.isNew, true);
    assert.deepEqual(session.toJSON(), {});
    assert.deepEqual(h.log.events, [{ type: 'invalid', reason: 'malformed', codec: 'app-codec' }]);
  });
});
