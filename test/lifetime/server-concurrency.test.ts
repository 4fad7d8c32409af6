/**
 * Server mode keeps the lifetime choice with the record. A request that cleared the session without
 * ever seeing a choice must not wipe one another request made meanwhile.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { memoryStore } from 'hallpass';
import { cookiePair } from '../support/cookies.js';
import { harness } from '../support/core-fixtures.js';

describe('server mode: clear() and a concurrent lifetime choice', () => {
  it('a clear() that loaded before the choice keeps it, and still drops the keys it saw', async () => {
    const h = harness({ store: memoryStore() });
    const first = await h.request(undefined, (s) => {
      s.userId = 'alice';
      s.set('cart', ['apple']);
      s.set('draft', 'x');
    });
    const cookie = cookiePair(first.result.setCookie);
    const slow = await h.sessions.load(cookie);
    const fast = await h.sessions.load(cookie);
    fast.setLifetime({ persistent: false });
    await h.sessions.commit(fast);
    slow.clear();
    slow.userId = 'alice';
    slow.set('cart', []);
    await h.sessions.commit(slow);

    const { session } = await h.request(cookie);
    assert.deepEqual(session.lifetime, { persistent: false, maxAge: 12 * 3600 });
    assert.deepEqual(session.toJSON(), { cart: [] });
    h.clock.advance(12 * 3600 + 60);
    assert.equal((await h.request(cookie, (s) => s.set('x', 1))).session.isNew, true, 'ended after 12 h');
  });
});
