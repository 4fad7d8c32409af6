import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError, createSessions, memoryStore, type SessionStore, StoreError } from 'hallpass';
import { cookiePair, cookieValue, EXPIRED, sha256 } from '../../support/cookies.js';
import { harness } from '../../support/core-fixtures.js';
import { countingStore } from '../../support/counting-store.js';

function serverHarness(options: Parameters<typeof harness>[0] = {}) {
  const inner = memoryStore();
  const store = countingStore(inner);
  const h = harness({ store, ...options });
  return { ...h, store, inner };
}

/** A server-mode harness with one stored session `{ user_id: 'alice' }`; store calls so far are cleared. */
async function withSession(options: Parameters<typeof harness>[0] = {}) {
  const h = serverHarness(options);
  const { result, session } = await h.request(undefined, (s) => s.set('user_id', 'alice'));
  h.store.calls.length = 0;
  h.log.events.length = 0;
  return { ...h, cookie: cookiePair(result.setCookie), token: cookieValue(result.setCookie), key: session.id };
}

describe('server mode', () => {
  describe('tokens', () => {
    it('issues a 43-character base64url token and stores the session under its SHA-256', async () => {
      const h = serverHarness();
      const { result, session } = await h.request(undefined, (s) => s.set('user_id', 'alice'));
      const token = cookieValue(result.setCookie);
      assert.match(token, /^[A-Za-z0-9_-]{43}$/);
      assert.equal(result.setCookie, `sid=${token}; Path=/; Max-Age=1209600; HttpOnly; Secure; SameSite=Lax`);
      assert.equal(session.id, sha256(token));
      assert.deepEqual(h.store.ops(), ['set']);
      const [key, record, ttl] = h.store.calls[0]?.args ?? [];
      assert.equal(key, sha256(token));
      assert.deepEqual(JSON.parse(JSON.stringify(record)), {
        data: { user_id: 'alice' },
        createdAt: h.clock.seconds,
        lastSeenAt: h.clock.seconds,
      });
      assert.equal(ttl, 86_400);
      assert.deepEqual(h.log.events, [{ type: 'created', id: key }]);
    });

    it('never hands the token to the store', async () => {
      const { store, cookie, token, request } = await withSession();
      await request(cookie, (s) => s.set('visits', 1));
      await request(cookie, (s) => s.regenerate());
      assert.ok(store.calls.length > 0);
      for (const call of store.calls) assert.equal(JSON.stringify(call.args).includes(token), false, call.op);
    });

    it('issues distinct tokens', async () => {
      const h = serverHarness();
      const tokens = new Set<string>();
      for (let i = 0; i < 100; i++) tokens.add(cookieValue((await h.request(undefined, (s) => s.set('n', i))).result.setCookie));
      assert.equal(tokens.size, 100);
    });

    it('makes no store call for a cookie of the wrong shape', async () => {
      const h = serverHarness();
      for (const value of [
        '',
        'short',
        'A'.repeat(42),
        'A'.repeat(44),
        `${'A'.repeat(42)}=`,
        `${'A'.repeat(42)}+`,
        `${'A'.repeat(42)}.`,
        'h1.abcdef.xyz',
      ]) {
        const session = await h.sessions.load(`sid=${value}`);
        assert.equal(session.isNew, true);
      }
      assert.deepEqual(h.store.calls, []);
      assert.deepEqual(h.log.invalid(), Array(8).fill('malformed'));
    });

    it('does not adopt a well-formed token it never issued', async () => {
      const h = serverHarness();
      const planted = 'P'.repeat(43);
      const quiet = await h.request(`sid=${planted}`, (s) => s.get('user_id'));
      assert.deepEqual(quiet.result, { vary: true }, 'no cookie unless the session is written');
      assert.deepEqual(h.log.invalid(), ['unknown']);
      const written = await h.request(`sid=${planted}`, (s) => s.set('user_id', 'mallory'));
      const token = cookieValue(written.result.setCookie);
      assert.notEqual(token, planted);
      assert.notEqual(written.session.id, sha256(planted));
      assert.equal(await h.inner.get(sha256(planted)), null);
    });

    it('writes nothing for a visitor whose session stayed empty', async () => {
      const h = serverHarness();
      assert.deepEqual((await h.request(undefined, (s) => s.get('x'))).result, { vary: true });
      assert.deepEqual((await h.request(undefined)).result, { vary: false });
      assert.deepEqual(h.store.calls, []);
    });
  });

  describe('reads and writes', () => {
    it('loads the stored data', async () => {
      const { sessions, cookie, key } = await withSession();
      const session = await sessions.load(cookie);
      assert.equal(session.isNew, false);
      assert.equal(session.id, key);
      assert.equal(session.get('user_id'), 'alice');
    });

    it('makes zero writes for an unchanged session', async () => {
      const { request, cookie, store } = await withSession();
      const { result } = await request(cookie, (s) => s.get('user_id'));
      assert.deepEqual(result, { vary: true });
      assert.deepEqual(store.ops(), ['get']);
    });

    it('touches only once touchInterval has passed, without a new cookie', async () => {
      const { request, cookie, store, clock, key } = await withSession({ idleTimeout: 600, touchInterval: 60 });
      clock.advance(59);
      await request(cookie, (s) => s.get('user_id'));
      assert.deepEqual(store.ops(), ['get']);
      clock.advance(1);
      const { result } = await request(cookie, (s) => s.get('user_id'));
      assert.deepEqual(result, { vary: true });
      assert.deepEqual(store.ops(), ['get', 'get', 'touch']);
      assert.deepEqual(store.calls[2]?.args, [key, clock.seconds, 600]);
      clock.advance(599);
      assert.equal((await request(cookie, (s) => s.get('user_id'))).session.isNew, false, 'the touch moved the idle deadline');
    });

    it('applies changes as a patch of the changed keys', async () => {
      const { request, cookie, store, clock, key } = await withSession();
      clock.advance(5);
      const { result } = await request(cookie, (s) => {
        s.set('cart', ['apple']);
        s.delete('user_id');
      });
      assert.deepEqual(result, { vary: true }, 'the token does not change, so no cookie');
      assert.deepEqual(store.ops(), ['get', 'patch']);
      assert.deepEqual(JSON.parse(JSON.stringify(store.calls[1]?.args)), [
        key,
        { set: { cart: ['apple'] }, unset: ['user_id'], lastSeenAt: clock.seconds },
        86_400,
      ]);
    });

    it('after clear() and set(), removes the keys it saw and writes the new ones', async () => {
      const { request, cookie, store } = await withSession();
      await request(cookie, (s) => {
        s.clear();
        s.set('fresh', true);
      });
      const patch = store.calls[1]?.args[1] as { set: object; unset: string[]; replace?: boolean };
      assert.equal(patch.replace, undefined);
      assert.deepEqual({ ...patch.set }, { fresh: true });
      assert.deepEqual(patch.unset, ['user_id']);
    });

    it('sends a replacing patch after clear() when the request also chose a lifetime', async () => {
      const { request, cookie, store } = await withSession();
      await request(cookie, (s) => {
        s.clear();
        s.set('fresh', true);
        s.setLifetime({ persistent: false });
      });
      const patch = store.calls[1]?.args[1] as { set: object; replace?: boolean };
      assert.equal(patch.replace, true);
      assert.deepEqual({ ...patch.set }, { fresh: true, 'hallpass.lifetime': [0, 43200] });
    });

    it('loses no data when two requests change different keys at once', async () => {
      const { sessions, cookie } = await withSession();
      const a = await sessions.load(cookie);
      const b = await sessions.load(cookie);
      a.set('from_a', 1);
      b.set('from_b', 2);
      await Promise.all([sessions.commit(a), sessions.commit(b)]);
      assert.deepEqual((await sessions.load(cookie)).toJSON(), { user_id: 'alice', from_a: 1, from_b: 2 });
    });

    it('records the user link in the patch', async () => {
      const { request, cookie, store, sessions, key } = await withSession();
      await request(cookie, (s) => {
        s.userId = 'u1';
      });
      assert.equal((store.calls[1]?.args[1] as { userId?: string } | undefined)?.userId, 'u1');
      assert.deepEqual(
        (await sessions.listByUser('u1')).map((entry) => entry.id),
        [key],
      );
      await request(cookie, (s) => {
        s.userId = undefined;
      });
      assert.equal((store.calls.at(-1)?.args[1] as { userId?: string | null } | undefined)?.userId, null);
    });

    it('refuses at start-up a store without touch or patch: there is no fallback to an unconditional set', () => {
      const inner = memoryStore();
      const minimal = { get: (k: string) => inner.get(k), set: inner.set, destroy: inner.destroy } as unknown as SessionStore;
      assert.throws(
        () => harness({ store: minimal }),
        (error: unknown) => error instanceof ConfigError && /it has no touch, patch/.test(error.message),
      );
      assert.throws(() => harness({ store: { ...minimal, touch: inner.touch } as SessionStore }), /it has no patch\./);
    });
  });

  describe('regenerate and destroy', () => {
    it('regenerate moves the data to a new token and deletes the old record', async () => {
      const { request, cookie, store, key, token, sessions, log } = await withSession();
      const { result, session } = await request(cookie, (s) => s.regenerate());
      const newToken = cookieValue(result.setCookie);
      assert.notEqual(newToken, token);
      assert.equal(session.id, sha256(newToken));
      assert.deepEqual(
        store.ops(),
        ['get', 'patch', 'get', 'set', 'destroy'],
        'changes merged into the old record, copied under the new key, then the old key goes',
      );
      assert.equal(store.calls[1]?.args[0], key);
      assert.equal(store.calls[3]?.args[0], sha256(newToken));
      assert.equal(store.calls[4]?.args[0], key);
      assert.deepEqual(log.events, [{ type: 'regenerated', id: session.id, previousId: key }]);
      assert.equal((await sessions.load(cookie)).isNew, true, 'the old token is dead');
      assert.equal((await sessions.load(cookiePair(result.setCookie))).get('user_id'), 'alice');
    });

    it('regenerate with keepData: false starts empty', async () => {
      const { request, cookie, sessions } = await withSession();
      const { result } = await request(cookie, (s) => {
        s.regenerate({ keepData: false });
        s.set('role', 'admin');
      });
      assert.deepEqual((await sessions.load(cookiePair(result.setCookie))).toJSON(), { role: 'admin' });
    });

    it('destroy deletes the record and expires the cookie', async () => {
      const { request, cookie, store, key, sessions, log } = await withSession();
      const { result } = await request(cookie, (s) => s.destroy());
      assert.deepEqual(result, { setCookie: EXPIRED, vary: true });
      assert.deepEqual(store.ops(), ['get', 'destroy']);
      assert.equal(store.calls[1]?.args[0], key);
      assert.deepEqual(log.events, [{ type: 'destroyed', id: key }]);
      assert.equal((await sessions.load(cookie)).isNew, true);
    });

    it('clear() deletes the record and expires the cookie', async () => {
      const { request, cookie, store } = await withSession();
      assert.deepEqual((await request(cookie, (s) => s.clear())).result, { setCookie: EXPIRED, vary: true });
      assert.deepEqual(store.ops(), ['get', 'destroy']);
    });

    it('does not resurrect a session destroyed by a concurrent request', async () => {
      const { sessions, cookie, key, inner, log } = await withSession();
      const slow = await sessions.load(cookie);
      const logout = await sessions.load(cookie);
      logout.destroy();
      await sessions.commit(logout);
      slow.set('cart', ['late']);
      const result = await sessions.commit(slow);
      assert.deepEqual(result, { setCookie: EXPIRED, vary: true });
      assert.equal(await inner.get(key), null);
      assert.deepEqual(log.events.at(-1), { type: 'conflict', id: key, detail: 'session ended by another request; changes dropped' });
    });

    it('does not slide a session destroyed by a concurrent request: the touch creates nothing and the cookie is expired', async () => {
      const { sessions, cookie, key, inner, log, clock } = await withSession({ idleTimeout: 600, touchInterval: 60 });
      clock.advance(60);
      const slow = await sessions.load(cookie);
      assert.equal(slow.get('user_id'), 'alice');
      const logout = await sessions.load(cookie);
      logout.destroy();
      await sessions.commit(logout);
      const result = await sessions.commit(slow);
      assert.deepEqual(result, { setCookie: EXPIRED, vary: true });
      assert.equal(await inner.get(key), null);
      assert.deepEqual(log.events.at(-1), { type: 'conflict', id: key, detail: 'session ended by another request; not slid' });
    });

    it('takes the new record back when a logout lands while the regenerate is copying the session', async () => {
      const inner = memoryStore();
      let logoutDuringCopy: (() => Promise<void>) | undefined;
      // The logout runs right after the regenerate wrote the new record, before it deletes the old key.
      const store: SessionStore = {
        evicts: true,
        get: (k) => inner.get(k),
        patch: (...args) => inner.patch(...args),
        touch: (...args) => inner.touch(...args),
        destroy: (k) => inner.destroy(k),
        set: async (k, record, ttl) => {
          await inner.set(k, record, ttl);
          const logout = logoutDuringCopy;
          logoutDuringCopy = undefined;
          await logout?.();
        },
      };
      const h = harness({ store });
      const { result } = await h.request(undefined, (s) => {
        s.set('user_id', 'alice');
        s.userId = 'alice';
      });
      const cookie = cookiePair(result.setCookie);
      const login = await h.sessions.load(cookie);
      login.regenerate();
      const newKey = login.id;
      logoutDuringCopy = async () => {
        const logout = await h.sessions.load(cookie);
        logout.destroy();
        await h.sessions.commit(logout);
      };
      assert.deepEqual(await h.sessions.commit(login), { setCookie: EXPIRED, vary: true });
      assert.equal(logoutDuringCopy, undefined, 'the logout ran in the window');
      assert.equal(await inner.get(newKey), null, 'the new record was taken back');
      assert.deepEqual(await inner.listByUser?.('alice'), []);
      assert.equal(h.log.events.at(-1)?.type, 'conflict');
    });

    it('merges what another request changed into the regenerated session instead of undoing it', async () => {
      const { sessions, cookie, inner } = await withSession();
      const login = await sessions.load(cookie);
      login.get('user_id');
      const other = await sessions.load(cookie);
      other.set('role', 'viewer');
      await sessions.commit(other);
      login.regenerate();
      login.set('cart', ['pear']);
      const { setCookie } = await sessions.commit(login);
      const after = await sessions.load(cookiePair(setCookie));
      assert.deepEqual(after.toJSON(), { user_id: 'alice', role: 'viewer', cart: ['pear'] });
      assert.equal(await inner.get(sha256(cookieValue(cookie))), null);
    });

    it('does not recreate under a new ID a session a concurrent request logged out before the regenerate', async () => {
      const { sessions, cookie, key, inner, store, log } = await withSession();
      const login = await sessions.load(cookie);
      const logout = await sessions.load(cookie);
      logout.destroy();
      await sessions.commit(logout);
      login.regenerate();
      login.userId = 'mallory';
      const newKey = login.id;
      store.calls.length = 0;
      const result = await sessions.commit(login);
      assert.deepEqual(result, { setCookie: EXPIRED, vary: true });
      assert.deepEqual(store.ops(), ['patch'], 'nothing is written once the conditional patch finds the record gone');
      assert.equal(await inner.get(key), null);
      assert.equal(await inner.get(newKey), null);
      assert.deepEqual(log.events.at(-1), {
        type: 'conflict',
        id: key,
        detail: 'session ended by another request before it could be regenerated; not recreated',
      });
    });

    it('ends and deletes a record past its lifetime', async () => {
      const { sessions, cookie, store, clock, key } = await withSession({ maxAge: 3600, idleTimeout: false });
      clock.advance(3600);
      assert.equal((await sessions.load(cookie)).isNew, true);
      assert.deepEqual(store.ops(), ['get', 'destroy']);
      assert.equal(store.calls[1]?.args[0], key);
    });
  });

  describe('store failures', () => {
    const failing = (operation: string): SessionStore => {
      const inner = memoryStore();
      return {
        get: operation === 'get' ? async () => Promise.reject(new Error('ECONNREFUSED')) : (k) => inner.get(k),
        set: operation === 'set' ? async () => Promise.reject(new Error('ECONNREFUSED')) : (k, r, t) => inner.set(k, r, t),
        destroy: (k) => inner.destroy(k),
        touch: (k, s, t) => inner.touch(k, s, t),
        patch: (k, p, t) => inner.patch(k, p, t),
      };
    };

    it('turns a failed read into a StoreError with the cause', async () => {
      const h = harness({ store: failing('get') });
      await assert.rejects(h.sessions.load(`sid=${'A'.repeat(43)}`), (error: unknown) => {
        assert.ok(error instanceof StoreError);
        assert.equal(error.code, 'ERR_STORE');
        assert.match(error.message, /failed on get: ECONNREFUSED/);
        assert.equal((error.cause as Error).message, 'ECONNREFUSED');
        return true;
      });
      assert.equal(h.log.events.at(-1)?.type, 'store-error');
    });

    it('turns a failed write into a StoreError from commit', async () => {
      const h = harness({ store: failing('set') });
      const session = await h.sessions.load(undefined);
      session.set('a', 1);
      await assert.rejects(h.sessions.commit(session), { name: 'StoreError', code: 'ERR_STORE' });
    });

    it('turns a store that throws synchronously into a StoreError', async () => {
      const h = harness({
        store: {
          get: () => {
            throw new Error('sync boom');
          },
          set: async () => {},
          destroy: async () => false,
          touch: async () => false,
          patch: async () => false,
        },
      });
      await assert.rejects(h.sessions.load(`sid=${'A'.repeat(43)}`), { code: 'ERR_STORE' });
    });

    it('fails within storeTimeout when the store never answers', async () => {
      const never = new Promise<never>(() => {});
      const h = harness({
        store: { get: () => never, set: () => never, destroy: () => never, touch: () => never, patch: () => never },
        storeTimeout: 50,
      });
      let started = performance.now();
      await assert.rejects(h.sessions.load(`sid=${'A'.repeat(43)}`), (error: unknown) => {
        assert.ok(error instanceof StoreError);
        assert.equal(error.code, 'ERR_STORE_TIMEOUT');
        assert.match(error.message, /did not answer get within 50 ms/);
        return true;
      });
      let elapsed = performance.now() - started;
      assert.ok(elapsed >= 45 && elapsed < 400, `failed after ${elapsed} ms`);
      const session = await h.sessions.load(undefined);
      session.set('a', 1);
      started = performance.now();
      await assert.rejects(h.sessions.commit(session), { code: 'ERR_STORE_TIMEOUT' });
      elapsed = performance.now() - started;
      assert.ok(elapsed < 400, `failed after ${elapsed} ms`);
    });

    it('recovers by itself when the store answers again', async () => {
      const inner = memoryStore();
      let down = true;
      const flaky: SessionStore = {
        get: (k) => (down ? Promise.reject(new Error('down')) : inner.get(k)),
        set: (k, r, t) => (down ? Promise.reject(new Error('down')) : inner.set(k, r, t)),
        destroy: (k) => inner.destroy(k),
        touch: (k, s, t) => inner.touch(k, s, t),
        patch: (k, p, t) => inner.patch(k, p, t),
      };
      const h = harness({ store: flaky });
      const session = await h.sessions.load(undefined);
      session.set('a', 1);
      await assert.rejects(h.sessions.commit(session), { code: 'ERR_STORE' });
      down = false;
      const { result } = await h.request(undefined, (s) => s.set('a', 1));
      assert.equal((await h.sessions.load(cookiePair(result.setCookie))).get('a'), 1);
    });
  });

  describe('per-user index', () => {
    it('lists and ends every session of a user, except the ones kept', async () => {
      const h = serverHarness();
      const ids: string[] = [];
      for (let i = 0; i < 3; i++) ids.push((await h.request(undefined, (s) => (s.userId = 'u1'))).session.id);
      await h.request(undefined, (s) => (s.userId = 'u2'));
      assert.deepEqual((await h.sessions.listByUser('u1')).map((entry) => entry.id).sort(), [...ids].sort());
      assert.equal(await h.sessions.destroyByUser('u1', { except: ids[0] }), 2);
      assert.deepEqual(
        (await h.sessions.listByUser('u1')).map((entry) => entry.id),
        [ids[0]],
      );
      assert.equal((await h.sessions.listByUser('u2')).length, 1);
    });

    it('is a server-mode feature: cookie mode says so', async () => {
      const h = harness();
      await assert.rejects(h.sessions.listByUser('u1'), ConfigError);
      await assert.rejects(h.sessions.destroyByUser('u1'), { code: 'ERR_OPTION' });
    });
  });
});

describe('the public commit', () => {
  it('always answers a promise, as its type says, even when nothing is written', () => {
    const sessions = createSessions({ store: memoryStore() });
    const session = sessions.load(undefined);
    assert.ok(session instanceof Promise);
    return session.then((loaded) => assert.ok(sessions.commit(loaded) instanceof Promise));
  });
});
