/** Per-session lifetime in cookie mode: the exact Set-Cookie of each choice, and what the server enforces. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { HallpassError, type SessionOptions } from 'hallpass';
import { cookiePair, cookieValue } from '../support/cookies.js';
import { harness, OLD_SECRET, SECRET } from '../support/core-fixtures.js';

const DAY = 86400;
const browserCookie = (setCookie: string | undefined) => `sid=${cookieValue(setCookie)}; Path=/; HttpOnly; Secure; SameSite=Lax`;
const persistentCookie = (setCookie: string | undefined, maxAge: number) =>
  `sid=${cookieValue(setCookie)}; Path=/; Max-Age=${maxAge}; HttpOnly; Secure; SameSite=Lax`;

/** A login that chooses the lifetime, as an app's login handler does. */
async function login(options: Partial<SessionOptions>, choice: Parameters<import('hallpass').Session['setLifetime']>[0]) {
  const h = harness(options);
  const { result, session } = await h.request(undefined, (s) => {
    s.regenerate();
    s.set('user_id', 'alice');
    s.userId = 'alice';
    s.setLifetime(choice);
  });
  return { h, result, session, cookie: cookiePair(result.setCookie) };
}

describe('session.setLifetime in cookie mode', () => {
  it('writes a browser-session cookie (no Max-Age, no Expires) for { persistent: false }', async () => {
    const { result, session } = await login({}, { persistent: false });
    assert.equal(result.setCookie, browserCookie(result.setCookie));
    assert.doesNotMatch(result.setCookie as string, /Max-Age|Expires/i);
    assert.deepEqual(session.lifetime, { persistent: false, maxAge: 12 * 3600 });
  });

  it('writes a persistent cookie with its own Max-Age for { maxAge }, beyond the configured maxAge', async () => {
    const { result, session } = await login({ idleTimeout: false }, { maxAge: 30 * DAY });
    assert.equal(result.setCookie, persistentCookie(result.setCookie, 30 * DAY));
    assert.deepEqual(session.lifetime, { persistent: true, maxAge: 30 * DAY });
  });

  it('reports the configured lifetime until a choice is made', async () => {
    const h = harness({ maxAge: 3600, idleTimeout: false });
    const { result, session } = await h.request(undefined, (s) => s.set('visits', 1));
    assert.deepEqual(session.lifetime, { persistent: true, maxAge: 3600 });
    assert.equal(result.setCookie, persistentCookie(result.setCookie, 3600));
  });

  it('keeps the choice on later requests: the next write is still a browser-session cookie', async () => {
    const { h, cookie } = await login({}, { persistent: false });
    h.clock.advance(600);
    const { result, session } = await h.request(cookie, (s) => s.set('cart', ['apple']));
    assert.equal(result.setCookie, browserCookie(result.setCookie));
    assert.deepEqual(session.lifetime, { persistent: false, maxAge: 12 * 3600 });
  });

  it('keeps the choice through regenerate()', async () => {
    const { h, cookie } = await login({ idleTimeout: false }, { maxAge: 30 * DAY });
    h.clock.advance(DAY);
    const { result, session } = await h.request(cookie, (s) => s.regenerate());
    assert.equal(result.setCookie, persistentCookie(result.setCookie, 30 * DAY), 'counted afresh from the regeneration');
    assert.deepEqual(session.lifetime, { persistent: true, maxAge: 30 * DAY });
  });

  it('keeps the choice through key rotation: a cookie sealed with the old key is re-sealed with it', async () => {
    const old = await login({ secret: OLD_SECRET }, { persistent: false });
    const rotated = harness({ secret: [SECRET, OLD_SECRET] });
    const { result, session } = await rotated.request(old.cookie, (s) => s.set('cart', []));
    assert.equal(session.isNew, false);
    assert.deepEqual(session.lifetime, { persistent: false, maxAge: 12 * 3600 });
    assert.equal(result.setCookie, browserCookie(result.setCookie));
    assert.deepEqual(
      rotated.log.events.map((event) => event.type),
      ['resealed'],
    );
  });

  it('expires a browser-session cookie on the server at its shorter lifetime, though the browser still sends it', async () => {
    const { h, cookie } = await login({}, { persistent: false, maxAge: 8 * 3600 });
    h.clock.advance(8 * 3600 - 1);
    const { session: before } = await h.request(cookie);
    assert.equal(before.get('user_id'), 'alice', 'alive one second before its deadline');
    h.clock.advance(1);
    h.log.events.length = 0;
    const { session: after } = await h.request(cookie);
    assert.equal(after.isNew, true);
    assert.equal(after.get('user_id'), undefined);
    assert.deepEqual(h.log.invalid(), ['expired']);
  });

  it('keeps a remembered session past the configured maxAge, up to its own', async () => {
    const { h, cookie } = await login({ maxAge: 14 * DAY, idleTimeout: false }, { maxAge: 30 * DAY });
    h.clock.advance(20 * DAY);
    const { session } = await h.request(cookie);
    assert.equal(session.get('user_id'), 'alice');
    h.clock.advance(10 * DAY);
    const { session: gone } = await h.request(cookie);
    assert.equal(gone.isNew, true);
  });

  it('writes the cookie when only the lifetime changed, and not when the same choice is made again', async () => {
    const { h, cookie } = await login({}, { persistent: false });
    const again = await h.request(cookie, (s) => s.setLifetime({ persistent: false }));
    assert.deepEqual(again.result, { vary: true });
    const persistent = await h.request(cookie, (s) => s.setLifetime({ persistent: true }));
    assert.equal(persistent.result.setCookie, persistentCookie(persistent.result.setCookie, DAY), 'the idle timeout is nearer');
  });

  it('refuses a maxAge outside 1 second to 400 days, and a persistent that is not a boolean', async () => {
    const h = harness();
    const { session } = await h.request(undefined, (s) => {
      for (const bad of [{ maxAge: 0 }, { maxAge: 401 * DAY }, { maxAge: Number.NaN }, { persistent: 'no' as never }]) {
        assert.throws(
          () => s.setLifetime(bad),
          (error: unknown) => error instanceof HallpassError && error.code === 'ERR_SESSION_VALUE',
        );
      }
    });
    assert.deepEqual(session.lifetime, { persistent: true, maxAge: 14 * DAY });
  });

  it('refuses a choice after the commit, like every other change', async () => {
    const { session } = await login({}, { persistent: false });
    assert.throws(
      () => session.setLifetime({ maxAge: 60 }),
      (error: unknown) => (error as HallpassError).code === 'ERR_SESSION_STATE',
    );
  });

  it('revokes a logged-out remembered session for as long as its own lifetime, not the configured one', async () => {
    const { h, cookie } = await login({ maxAge: DAY, idleTimeout: false }, { maxAge: 30 * DAY });
    await h.request(cookie, (s) => s.destroy());
    h.clock.advance(10 * DAY);
    h.log.events.length = 0;
    const { session } = await h.request(cookie);
    assert.equal(session.isNew, true);
    assert.deepEqual(h.log.invalid(), ['revoked']);
  });
});

describe('hallpass inspect and a chosen lifetime', () => {
  it('reports the expiry of the session’s own lifetime, not the configured one', async () => {
    const { inspectHallpassCookie } = await import('../../src/cli/inspect/hallpass.js');
    const { h, cookie } = await login({ idleTimeout: false }, { persistent: false, maxAge: 3600 });
    const result = inspectHallpassCookie('sealed', cookie, { secrets: [SECRET], now: h.clock.seconds, idleTimeout: false, flags: {} });
    assert.equal(result.valid, true);
    assert.equal(result.expiresAt, h.clock.seconds + 3600);
    const later = inspectHallpassCookie('sealed', cookie, {
      secrets: [SECRET],
      now: h.clock.seconds + 3600,
      idleTimeout: false,
      flags: {},
    });
    assert.deepEqual([later.valid, later.reason], [false, 'expired']);
  });
});

describe('the envelope field that carries a chosen lifetime', () => {
  it('is absent unless a choice was made, so cookies from before it open unchanged', async () => {
    const { envelopeFromJson, envelopeToJson } = await import('../../src/codecs/envelope.js');
    const base = { id: 'abc', createdAt: 10, lastSeenAt: 20, data: {} };
    assert.equal(envelopeToJson(base), '{"id":"abc","created":10,"seen":20,"data":{}}');
    assert.equal(
      envelopeToJson({ ...base, lifetime: { persistent: false, maxAge: 43200 } }),
      '{"id":"abc","created":10,"seen":20,"life":[0,43200],"data":{}}',
    );
    assert.equal(envelopeFromJson('{"id":"abc","created":10,"seen":20,"data":{}}')?.lifetime, undefined);
    assert.deepEqual(envelopeFromJson('{"id":"abc","created":10,"seen":20,"life":[1,2592000],"data":{}}')?.lifetime, {
      persistent: true,
      maxAge: 2592000,
    });
    for (const life of ['[2,60]', '[0,0]', '[1,34560001]', '[0]', '{"persistent":false}', '"x"']) {
      assert.equal(envelopeFromJson(`{"id":"abc","created":10,"seen":20,"life":${life},"data":{}}`), undefined, life);
    }
  });
});
