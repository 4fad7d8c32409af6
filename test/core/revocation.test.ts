import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { memoryStore, type SessionStore, StoreError } from 'hallpass';
import { memoryRevocations } from '../../src/core/revocations.js';
import { frozenClock } from '../support/clock.js';
import { cookiePair, harness } from '../support/core-fixtures.js';

const EXPIRED = 'hallpass=; Path=/; Max-Age=0; HttpOnly; Secure; SameSite=Lax';

const variants: Array<[string, () => { revocationStore?: SessionStore }]> = [
  ['the default in-memory list', () => ({})],
  ['a revocation store', () => ({ revocationStore: memoryStore() })],
];

for (const [label, extra] of variants) {
  describe(`cookie-mode logout with ${label}`, () => {
    async function loggedIn(options = {}) {
      const h = harness({ ...extra(), ...options });
      const { result } = await h.request(undefined, (s) => {
        s.set('user_id', 'alice');
        s.userId = 'alice';
      });
      return { h, cookie: cookiePair(result.setCookie) };
    }

    it('refuses a cookie captured before destroy() as revoked', async () => {
      const { h, cookie } = await loggedIn();
      assert.equal((await h.request(cookie, (s) => s.destroy())).result.setCookie, EXPIRED);
      h.log.events.length = 0;
      const replay = await h.sessions.load(cookie);
      assert.equal(replay.isNew, true);
      assert.equal(replay.get('user_id'), undefined);
      assert.equal(replay.userId, undefined);
      assert.deepEqual(h.log.events, [{ type: 'invalid', reason: 'revoked', codec: 'sealed' }]);
    });

    it('refuses a cookie captured before clear() as revoked', async () => {
      const { h, cookie } = await loggedIn();
      assert.equal((await h.request(cookie, (s) => s.clear())).result.setCookie, EXPIRED);
      assert.equal((await h.sessions.load(cookie)).isNew, true);
      assert.deepEqual(h.log.invalid(), ['revoked']);
    });

    it('refuses a cookie captured before regenerate() and accepts the new one', async () => {
      const { h, cookie } = await loggedIn();
      const { result } = await h.request(cookie, (s) => s.regenerate());
      assert.ok(result.setCookie);
      assert.equal((await h.sessions.load(cookie)).isNew, true);
      assert.deepEqual(h.log.invalid(), ['revoked']);
      const fresh = await h.sessions.load(cookiePair(result.setCookie));
      assert.equal(fresh.get('user_id'), 'alice');
    });

    it('loads a cookie-less request without waiting on anything', () => {
      const h = harness(extra());
      assert.equal(h.sessions.loadNow(undefined) instanceof Promise, false);
    });

    it('keeps other sessions valid', async () => {
      const { h, cookie } = await loggedIn();
      const other = await h.request(undefined, (s) => s.set('user_id', 'bob'));
      await h.request(cookie, (s) => s.destroy());
      assert.equal((await h.sessions.load(cookiePair(other.result.setCookie))).get('user_id'), 'bob');
    });
  });
}

describe('revocation store', () => {
  it('shares logouts between instances', async () => {
    const shared = memoryStore();
    const a = harness({ revocationStore: shared });
    const b = harness({ revocationStore: shared, now: a.clock.now });
    const { result } = await a.request(undefined, (s) => s.set('user_id', 'alice'));
    const cookie = cookiePair(result.setCookie);
    await a.request(cookie, (s) => s.destroy());
    assert.equal((await b.sessions.load(cookie)).isNew, true);
    assert.deepEqual(b.log.invalid(), ['revoked']);
  });

  it('keeps a revocation only until the cookie would have expired anyway', async () => {
    const calls: Array<{ key: string; ttl: number }> = [];
    const inner = memoryStore();
    const store: SessionStore = {
      ...inner,
      get: (key) => inner.get(key),
      destroy: (key) => inner.destroy(key),
      set: (key, record, ttl) => {
        calls.push({ key, ttl });
        return inner.set(key, record, ttl);
      },
    };
    const h = harness({ revocationStore: store, maxAge: 3600, idleTimeout: false });
    const { result, session } = await h.request(undefined, (s) => s.set('user_id', 'alice'));
    h.clock.advance(600);
    await h.request(cookiePair(result.setCookie), (s) => s.destroy());
    assert.deepEqual(calls, [{ key: `revoked:${session.id}`, ttl: 3000 }]);
  });

  it('reports a logged-out cookie replayed past its lifetime as expired', async () => {
    const h = harness({ maxAge: 3600, idleTimeout: false });
    const { result } = await h.request(undefined, (s) => s.set('user_id', 'alice'));
    const cookie = cookiePair(result.setCookie);
    await h.request(cookie, (s) => s.destroy());
    h.clock.advance(3600);
    assert.equal((await h.sessions.load(cookie)).isNew, true);
    assert.deepEqual(h.log.invalid(), ['expired'], 'refused for its age, the revocation no longer needed');
  });

  it('fails load and commit with a StoreError when the revocation store fails', async () => {
    const broken: SessionStore = {
      get: async () => {
        throw new Error('connection refused');
      },
      set: async () => {
        throw new Error('connection refused');
      },
      destroy: async () => {},
    };
    const writer = harness();
    const { result } = await writer.request(undefined, (s) => s.set('user_id', 'alice'));
    const cookie = cookiePair(result.setCookie);
    const h = harness({ revocationStore: broken });
    await assert.rejects(h.sessions.load(cookie), (error: unknown) => {
      assert.ok(error instanceof StoreError);
      assert.equal(error.code, 'ERR_STORE');
      assert.equal((error.cause as Error).message, 'connection refused');
      return true;
    });
    const lenient = harness({ revocationStore: { ...broken, get: async () => null } });
    const session = await lenient.sessions.load(cookie);
    session.destroy();
    await assert.rejects(lenient.sessions.commit(session), { code: 'ERR_STORE' });
  });
});

describe('the in-memory revocation list at its bound', () => {
  it('fails closed: a flood of logouts cannot push a revoked session back to life', () => {
    const clock = frozenClock();
    const list = memoryRevocations(clock.now, 100);
    const victimUntil = clock.seconds + 3600;
    list.revoke('victim', victimUntil);
    clock.advance(10);
    for (let i = 0; i < 500; i++) list.revoke(`flood-${i}`, clock.seconds + 3600);
    assert.equal(list.isRevoked('victim', victimUntil), true);
    // Sessions created before the dropped entries are refused too; newer ones are not.
    assert.equal(list.isRevoked('older-bystander', victimUntil - 5), true);
    assert.equal(list.isRevoked('newer-session', clock.seconds + 3600 + 1), false);
  });

  it('forgets entries whose cookies have expired, so the bound holds without a floor', () => {
    const clock = frozenClock();
    const list = memoryRevocations(clock.now, 10);
    for (let i = 0; i < 10; i++) list.revoke(`old-${i}`, clock.seconds + 60);
    clock.advance(61);
    for (let i = 0; i < 10; i++) list.revoke(`new-${i}`, clock.seconds + 60);
    assert.equal(list.isRevoked('new-0', clock.seconds + 60), true);
    assert.equal(list.isRevoked('bystander', clock.seconds - 1), false, 'nothing was dropped while still live');
  });
});
