import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { EXPIRED, sha256 } from '../../support/cookies.js';
import { cookie, startApp, tokenOf } from './app.js';

describe('server mode: regenerate, destroy and the user index', () => {
  it('login regenerates: a new token, the old record deleted, data and user moved', async () => {
    const { app, calls, events, store, clock } = await startApp();
    try {
      const before = tokenOf(await app.request('/set?key=cart&value=apple'));
      calls.length = 0;
      clock.advance(30);
      const login = await app.request('/login?user=alice', cookie(before));
      const after = tokenOf(login);
      assert.notEqual(after, before);
      assert.deepEqual(login.setCookie, [`sid=${after}; Path=/; Max-Age=1209600; HttpOnly; Secure; SameSite=Lax`]);
      assert.deepEqual(
        calls.map((call) => [call.op, call.key]),
        [
          ['get', sha256(before)],
          ['patch', sha256(before)],
          ['get', sha256(before)],
          ['set', sha256(after)],
          ['destroy', sha256(before)],
        ],
        'the change merged into the old record (only if it is still there), copied under the new key, then the old key deleted',
      );
      assert.equal(await store.get(sha256(before)), null);
      assert.deepEqual(await store.get(sha256(after)), {
        data: { cart: 'apple' },
        createdAt: clock.seconds,
        lastSeenAt: clock.seconds,
        userId: 'alice',
      });
      assert.ok(events.some((e) => e.type === 'regenerated' && e.id === sha256(after) && e.previousId === sha256(before)));
      assert.equal((await app.request('/peek', cookie(before))).json.isNew, true, 'the pre-login cookie opens nothing');
    } finally {
      await app.close();
    }
  });

  it('logout deletes the record and expires the cookie', async () => {
    const { app, store } = await startApp();
    try {
      const token = tokenOf(await app.request('/login?user=bob'));
      const logout = await app.request('/logout', cookie(token));
      assert.equal(logout.text, 'bye');
      assert.deepEqual(logout.setCookie, [EXPIRED]);
      assert.equal(await store.get(sha256(token)), null);
      assert.deepEqual((await app.request('/peek', cookie(token))).json, { isNew: true, userId: null, data: {} });
    } finally {
      await app.close();
    }
  });

  for (const ending of ['/logout', '/login?user=mallory']) {
    it(`a slower request that loaded the session before ${ending} cannot bring it back`, async () => {
      const { app, store, events } = await startApp();
      try {
        const token = tokenOf(await app.request('/set?key=a&value=1'));
        const slow = app.request('/wait-then-set?gate=g&key=late&value=1', cookie(token));
        await app.waiting('g');
        const ended = await app.request(ending, cookie(token));
        app.open('g');
        const late = await slow;
        assert.equal(late.status, 200);
        assert.deepEqual(late.setCookie, [EXPIRED], 'the slow request learns its session is over');
        assert.equal(await store.get(sha256(token)), null, 'the old record stays deleted');
        assert.ok(events.some((e) => e.type === 'conflict' && e.id === sha256(token)));
        if (ending.startsWith('/login')) {
          const record = await store.get(sha256(tokenOf(ended)));
          assert.deepEqual(record?.data, { a: '1' }, 'the late change did not leak into the new session');
        }
      } finally {
        await app.close();
      }
    });
  }

  it('listByUser lists a user’s sessions; destroyByUser logs out the other devices', async () => {
    const { app, sessions, clock } = await startApp();
    try {
      const phone = tokenOf(await app.request('/login?user=alice'));
      clock.advance(60);
      const laptop = tokenOf(await app.request('/login?user=alice'));
      const other = tokenOf(await app.request('/login?user=bob'));
      const listed = (await sessions.listByUser('alice')).sort((a, b) => a.createdAt - b.createdAt);
      assert.deepEqual(listed, [
        { id: sha256(phone), createdAt: clock.seconds - 60, lastSeenAt: clock.seconds - 60 },
        { id: sha256(laptop), createdAt: clock.seconds, lastSeenAt: clock.seconds },
      ]);
      assert.equal(await sessions.destroyByUser('alice', { except: sha256(laptop) }), 1);
      assert.equal((await app.request('/peek', cookie(phone))).json.isNew, true);
      assert.equal((await app.request('/peek', cookie(laptop))).json.userId, 'alice');
      assert.equal((await app.request('/peek', cookie(other))).json.userId, 'bob');
      assert.equal(await sessions.destroyByUser('alice'), 1, 'log out everywhere');
      assert.deepEqual(await sessions.listByUser('alice'), []);
    } finally {
      await app.close();
    }
  });
});
