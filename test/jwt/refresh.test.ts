import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { SessionStore } from 'hallpass';
import { frozenClock } from '../support/clock.js';
import { durableStore, hsTokens, spyStore } from './fixtures.js';
import { payloadOf, rejection } from './forge.js';

function setup() {
  const clock = frozenClock();
  const spy = spyStore(durableStore(clock));
  const { tokens } = hsTokens({ store: spy.store, refreshLifetime: 3600 }, clock);
  return { clock, spy, tokens };
}

describe('refresh tokens', () => {
  it('issuePair gives an access token and an opaque 256-bit refresh token', async () => {
    const { tokens } = setup();
    const pair = await tokens.issuePair({ sub: 'alice', role: 'reader' });
    assert.equal(pair.tokenType, 'Bearer');
    assert.equal(pair.expiresIn, 900);
    assert.match(pair.refreshToken, /^[A-Za-z0-9_-]{43}$/);
    const claims = await tokens.verify(pair.accessToken);
    assert.equal(claims.sub, 'alice');
    assert.equal(claims.role, 'reader');
  });

  it('keeps only hashes at rest: the store never sees the refresh token or the user name in a key', async () => {
    const { tokens, spy } = setup();
    const pair = await tokens.issuePair({ sub: 'alice' });
    await tokens.refresh(pair.refreshToken);
    assert.ok(spy.calls.length > 0);
    for (const call of spy.calls) {
      assert.ok(!call.includes(pair.refreshToken));
      assert.ok(!call.includes('alice'));
    }
  });

  it('rotates on every use: R1 gives (A2, R2), and each pair carries the same claims', async () => {
    const { tokens, clock } = setup();
    const first = await tokens.issuePair({ sub: 'alice', role: 'reader' });
    clock.advance(600);
    const second = await tokens.refresh(first.refreshToken);
    assert.notEqual(second.refreshToken, first.refreshToken);
    const claims = await tokens.verify(second.accessToken);
    assert.equal(claims.iat, clock.seconds);
    assert.deepEqual([claims.sub, claims.role], ['alice', 'reader']);
    const third = await tokens.refresh(second.refreshToken);
    assert.equal((await tokens.verify(third.accessToken)).sub, 'alice');
  });

  it('reusing a spent refresh token revokes the whole family and its latest access token', async () => {
    const { tokens } = setup();
    const first = await tokens.issuePair({ sub: 'alice' });
    const second = await tokens.refresh(first.refreshToken);
    assert.equal((await rejection(tokens.refresh(first.refreshToken))).code, 'ERR_JWT_REFRESH_REUSED');
    assert.equal((await rejection(tokens.refresh(second.refreshToken))).code, 'ERR_JWT_REFRESH');
    assert.equal((await rejection(tokens.verify(second.accessToken))).code, 'ERR_JWT_REVOKED');
  });

  it('finishes revoking the access token on the next use of the family when that write failed at logout', async () => {
    const clock = frozenClock();
    const inner = durableStore(clock);
    let failJtiWrites = 1;
    const flaky: SessionStore = {
      ...inner,
      evicts: false,
      get: (key) => inner.get(key),
      destroy: (key) => inner.destroy(key),
      touch: (...args) => inner.touch(...args),
      patch: (...args) => inner.patch(...args),
      compareAndSet: (...args) => (inner.compareAndSet as NonNullable<SessionStore['compareAndSet']>)(...args),
      set: async (key, record, ttl) => {
        if (key.includes('jti:') && failJtiWrites-- > 0) throw new Error('connection reset');
        return inner.set(key, record, ttl);
      },
    };
    const { tokens } = hsTokens({ store: flaky, refreshLifetime: 3600 }, clock);
    const pair = await tokens.issuePair({ sub: 'alice' });
    await assert.rejects(tokens.revokeRefresh(pair.refreshToken), { code: 'ERR_STORE' });
    assert.equal((await tokens.verify(pair.accessToken)).sub, 'alice', 'the failed write left the access token valid');
    assert.equal((await rejection(tokens.refresh(pair.refreshToken))).code, 'ERR_JWT_REFRESH');
    assert.equal((await rejection(tokens.verify(pair.accessToken))).code, 'ERR_JWT_REVOKED');
  });

  it('leaves other families of the same user alone', async () => {
    const { tokens } = setup();
    const phone = await tokens.issuePair({ sub: 'alice' });
    const laptop = await tokens.issuePair({ sub: 'alice' });
    await tokens.refresh(phone.refreshToken);
    await rejection(tokens.refresh(phone.refreshToken));
    assert.ok(await tokens.refresh(laptop.refreshToken));
  });

  it('refuses after the absolute family lifetime, even an unused token', async () => {
    const { tokens, clock } = setup();
    const pair = await tokens.issuePair({ sub: 'alice' });
    clock.advance(1800);
    const next = await tokens.refresh(pair.refreshToken);
    clock.advance(1800);
    assert.equal((await rejection(tokens.refresh(next.refreshToken))).code, 'ERR_JWT_REFRESH');
  });

  it('refuses unknown and malformed refresh tokens, without a store call for a wrong shape', async () => {
    const { tokens, spy } = setup();
    for (const bad of ['', 'short', 'x'.repeat(44), 'eyJhbGciOiJIUzI1NiJ9.e30.x']) {
      assert.equal((await rejection(tokens.refresh(bad))).code, 'ERR_JWT_REFRESH');
    }
    assert.deepEqual(spy.calls, []);
    assert.equal((await rejection(tokens.refresh('A'.repeat(43)))).code, 'ERR_JWT_REFRESH');
  });

  it('revokeRefresh (logout) ends the family and its access token', async () => {
    const { tokens } = setup();
    const pair = await tokens.issuePair({ sub: 'alice' });
    await tokens.revokeRefresh(pair.refreshToken);
    assert.equal((await rejection(tokens.refresh(pair.refreshToken))).code, 'ERR_JWT_REFRESH');
    assert.equal((await rejection(tokens.verify(pair.accessToken))).code, 'ERR_JWT_REVOKED');
  });

  it("revokeAllForUser also ends the user's refresh families", async () => {
    const { tokens, clock } = setup();
    const alice = await tokens.issuePair({ sub: 'alice' });
    const bob = await tokens.issuePair({ sub: 'bob' });
    await tokens.revokeAllForUser('alice');
    assert.equal((await rejection(tokens.refresh(alice.refreshToken))).code, 'ERR_JWT_REVOKED');
    assert.ok(await tokens.refresh(bob.refreshToken));
    clock.advance(1);
    const again = await tokens.issuePair({ sub: 'alice' });
    assert.ok(await tokens.refresh(again.refreshToken));
  });

  it('ending a family is sticky: the record is marked revoked and loses its current token, so no rotation can apply', async () => {
    const { tokens, spy } = setup();
    const first = await tokens.issuePair({ sub: 'alice' });
    const familyKey = (spy.calls.find((call) => call.startsWith('set jwt:rf:')) ?? '').slice('set '.length);
    await tokens.refresh(first.refreshToken);
    await rejection(tokens.refresh(first.refreshToken));
    const record = await spy.store.get(familyKey);
    assert.equal(record?.data.revoked, true);
    assert.equal(Object.hasOwn(record?.data ?? {}, 'current'), false, 'current is removed, so no compareAndSet on it can apply');
  });

  it('a logout between a refresh’s read and its compare-and-set wins: the refresh is refused and the family stays ended', async () => {
    const clock = frozenClock();
    const inner = durableStore(clock);
    let release = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    let arrived = () => {};
    const waiting = new Promise<void>((resolve) => (arrived = resolve));
    const store: SessionStore = {
      ...inner,
      compareAndSet: async (...args) => {
        arrived();
        await held;
        return (inner.compareAndSet as NonNullable<SessionStore['compareAndSet']>)(...args);
      },
    };
    const { tokens } = hsTokens({ store }, clock);
    const login = await tokens.issuePair({ sub: 'alice' });
    const refreshing = rejection(tokens.refresh(login.refreshToken));
    await waiting; // the refresh has read the family and is about to rotate it
    await tokens.revokeRefresh(login.refreshToken);
    release();
    assert.equal((await refreshing).code, 'ERR_JWT_REFRESH_REUSED');
    assert.equal((await rejection(tokens.refresh(login.refreshToken))).code, 'ERR_JWT_REFRESH');
    assert.equal((await rejection(tokens.verify(login.accessToken))).code, 'ERR_JWT_REVOKED');
  });

  it('issues a new jti on every refresh', async () => {
    const { tokens } = setup();
    const first = await tokens.issuePair({ sub: 'alice' });
    const second = await tokens.refresh(first.refreshToken);
    assert.notEqual(payloadOf(first.accessToken).jti, payloadOf(second.accessToken).jti);
  });
});
