import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { memoryStore } from 'hallpass';
import { frozenClock } from '../../support/clock.js';
import { EXPIRED, sha256 } from '../../support/cookies.js';
import { cookie, spyStore, startApp, tokenOf } from './app.js';

const ops = (calls: { op: string }[]) => calls.map((call) => call.op);

describe('server mode: writes and expiry', () => {
  it('a change is sent as a patch of only the changed keys, with no new cookie', async () => {
    const { app, calls, clock } = await startApp();
    try {
      const token = tokenOf(await app.request('/set?key=a&value=1'));
      await app.request('/set?key=b&value=2', cookie(token));
      calls.length = 0;
      clock.advance(5);
      const changed = await app.request('/set?key=b&value=3', cookie(token));
      assert.deepEqual(changed.setCookie, []);
      assert.deepEqual(ops(calls), ['get', 'patch']);
      const [key, patch, ttl] = calls[1]?.args ?? [];
      assert.equal(key, sha256(token));
      assert.deepEqual(
        { ...(patch as object), set: { ...(patch as { set: object }).set } },
        { set: { b: '3' }, unset: [], lastSeenAt: clock.seconds },
      );
      assert.equal(ttl, 86400, 'the nearer of the idle (1 day) and absolute (14 days) deadlines');
      calls.length = 0;
      await app.request('/delete?key=a', cookie(token));
      assert.deepEqual({ ...(calls[1]?.args[1] as object), set: {} }, { set: {}, unset: ['a'], lastSeenAt: clock.seconds });
      assert.deepEqual((await app.request('/peek', cookie(token))).json.data, { b: '3' });
    } finally {
      await app.close();
    }
  });

  it('an emptied session is destroyed and its cookie expired', async () => {
    const { app, calls, store } = await startApp();
    try {
      const token = tokenOf(await app.request('/set?key=a&value=1'));
      calls.length = 0;
      const emptied = await app.request('/delete?key=a', cookie(token));
      assert.deepEqual(emptied.setCookie, [EXPIRED]);
      assert.deepEqual(ops(calls), ['get', 'destroy']);
      assert.equal(await store.get(sha256(token)), null);
    } finally {
      await app.close();
    }
  });

  it('an unchanged session slides its idle timeout with a TTL-only touch, at most once per touchInterval', async () => {
    const { app, calls, clock } = await startApp({ sessions: { idleTimeout: 100, touchInterval: 10 } });
    try {
      const created = clock.seconds;
      const token = tokenOf(await app.request('/set?key=a&value=1'));
      const peek = async () => {
        calls.length = 0;
        const reply = await app.request('/peek', cookie(token));
        assert.deepEqual(reply.setCookie, [], 'a touch never resends the cookie');
        return ops(calls);
      };
      clock.advance(9);
      assert.deepEqual(await peek(), ['get']);
      clock.advance(1);
      assert.deepEqual(await peek(), ['get', 'touch']);
      assert.deepEqual(calls[1]?.args, [sha256(token), created + 10, 100]);
      clock.advance(9);
      assert.deepEqual(await peek(), ['get'], 'throttled: the last touch was 9 s ago');
      clock.advance(1);
      assert.deepEqual(await peek(), ['get', 'touch']);
    } finally {
      await app.close();
    }
  });

  it('a session idle past idleTimeout is refused and its record deleted, whatever the store TTL says', async () => {
    const clock = frozenClock();
    // The store's own clock stands still, so only hallpass's check can end this session.
    const store = memoryStore({ now: () => 1_750_000_000_000 });
    const { app, calls, events } = await startApp({ clock, store, sessions: { idleTimeout: 100, touchInterval: 99 } });
    try {
      const token = tokenOf(await app.request('/set?key=a&value=1'));
      clock.advance(98);
      assert.equal((await app.request('/peek', cookie(token))).json.isNew, false, 'live before the idle timeout (and not slid)');
      clock.advance(2);
      calls.length = 0;
      const idle = await app.request('/peek', cookie(token));
      assert.deepEqual(idle.json, { isNew: true, userId: null, data: {} });
      assert.deepEqual(ops(calls), ['get', 'destroy']);
      assert.equal(await store.get(sha256(token)), null);
      assert.ok(events.some((e) => e.type === 'invalid' && e.reason === 'idle'));
    } finally {
      await app.close();
    }
  });

  it('the absolute lifetime ends a session that stayed busy', async () => {
    const clock = frozenClock();
    const store = memoryStore({ now: () => 1_750_000_000_000 });
    const { app, events } = await startApp({ clock, store, sessions: { maxAge: 1000, idleTimeout: 500 } });
    try {
      const token = tokenOf(await app.request('/set?key=a&value=1'));
      for (let i = 0; i < 2; i++) {
        clock.advance(400);
        assert.equal((await app.request(`/set?key=n&value=${i}`, cookie(token))).json.isNew, false);
      }
      clock.advance(200);
      assert.equal((await app.request('/peek', cookie(token))).json.isNew, true);
      assert.ok(events.some((e) => e.type === 'invalid' && e.reason === 'expired'));
    } finally {
      await app.close();
    }
  });

  it('a store with only get, set and destroy is refused at start-up: no write after a load may be an unconditional set', async () => {
    const clock = frozenClock();
    const minimal = spyStore(memoryStore({ now: clock.now }), ['get', 'set', 'destroy']);
    await assert.rejects(startApp({ clock, store: minimal.store }), {
      name: 'ConfigError',
      message: /`store` must implement get, set, destroy, touch, patch .*it has no touch, patch/,
    });
  });

  it('a slow read whose idle-timeout slide comes after a logout ends logged out: the touch creates nothing', async () => {
    const { app, calls, clock, store, events } = await startApp({ sessions: { idleTimeout: 100, touchInterval: 10 } });
    try {
      const token = tokenOf(await app.request('/set?key=a&value=1'));
      clock.advance(10);
      const slow = app.request('/wait-then-read?gate=g', cookie(token));
      await app.waiting('g');
      await app.request('/logout', cookie(token));
      calls.length = 0;
      app.open('g');
      const late = await slow;
      assert.deepEqual(ops(calls), ['touch']);
      assert.deepEqual(late.setCookie, [EXPIRED], 'the slow request learns its session is over');
      assert.equal(await store.get(sha256(token)), null, 'the touch did not bring the session back');
      assert.ok(events.some((e) => e.type === 'conflict' && e.id === sha256(token)));
    } finally {
      await app.close();
    }
  });
});
