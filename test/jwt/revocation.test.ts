import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { StoreError } from 'hallpass';
import { frozenClock } from '../support/clock.js';
import { AUDIENCE, durableStore, hsTokens, ISSUER, SECRET, spyStore } from './fixtures.js';
import { forge, payloadOf, rejection } from './forge.js';

describe('revocation', () => {
  it('revoke(token) refuses that token at once, and only that token', async () => {
    const { tokens } = hsTokens({ store: durableStore() });
    const [first, second] = [await tokens.issue({ sub: 'alice' }), await tokens.issue({ sub: 'alice' })];
    await tokens.revoke(first);
    assert.equal((await rejection(tokens.verify(first))).code, 'ERR_JWT_REVOKED');
    assert.equal((await tokens.verify(second)).sub, 'alice');
  });

  it('revoke(jti) does the same from the id alone', async () => {
    const { tokens } = hsTokens({ store: durableStore() });
    const token = await tokens.issue({ sub: 'alice' });
    await tokens.revoke(String(payloadOf(token).jti));
    assert.equal((await rejection(tokens.verify(token))).code, 'ERR_JWT_REVOKED');
  });

  it('keeps the jti only until the token would have expired anyway', async () => {
    const clock = frozenClock();
    const { tokens } = hsTokens({}, clock);
    const token = await tokens.issue({ sub: 'alice' });
    clock.advance(100);
    const inner = durableStore(clock);
    const ttls: number[] = [];
    const recording = {
      ...inner,
      set: (key: string, record: never, ttl: number) => {
        ttls.push(ttl);
        return inner.set(key, record, ttl);
      },
    };
    const { tokens: same } = hsTokens({ store: recording }, clock);
    await same.revoke(token);
    assert.deepEqual(ttls, [900 - 100 + 30]);
  });

  it('ignores a revoke of a token that has already expired, and refuses a forged one', async () => {
    const spy = spyStore();
    const clock = frozenClock();
    const { tokens } = hsTokens({ store: spy.store }, clock);
    const token = await tokens.issue({ sub: 'alice' });
    clock.advance(2000);
    await tokens.revoke(token);
    assert.deepEqual(spy.calls, []);
    const forged = forge(
      { alg: 'HS256', kid: 'k1', typ: 'at+jwt' },
      { sub: 'x' },
      { alg: 'HS256', secret: 'Vd6mQp2XsL9fTb4KzRn7yUc1WgHe8JaO3iNt5oBkZrY' },
    );
    assert.equal((await rejection(tokens.revoke(forged))).code, 'ERR_JWT_SIGNATURE');
  });

  it('revokeAllForUser refuses every token issued to that user up to now, and no later ones', async () => {
    const clock = frozenClock();
    const { tokens } = hsTokens({ store: durableStore(clock) }, clock);
    const old = await tokens.issue({ sub: 'alice' });
    clock.advance(10);
    const sameSecond = await tokens.issue({ sub: 'alice' });
    const bob = await tokens.issue({ sub: 'bob' });
    await tokens.revokeAllForUser('alice');
    assert.equal((await rejection(tokens.verify(old))).code, 'ERR_JWT_REVOKED');
    assert.equal((await rejection(tokens.verify(sameSecond))).code, 'ERR_JWT_REVOKED');
    assert.equal((await tokens.verify(bob)).sub, 'bob');
    clock.advance(1);
    assert.equal((await tokens.verify(await tokens.issue({ sub: 'alice' }))).sub, 'alice');
  });

  it('costs no store call without a store, and none for a token that fails offline', async () => {
    const spy = spyStore();
    const { tokens } = hsTokens({ store: spy.store });
    const token = await tokens.issue({ sub: 'alice' });
    await rejection(tokens.verify(`${token.slice(0, -2)}xx`));
    await rejection(tokens.verify('garbage'));
    assert.deepEqual(spy.calls, []);
  });

  it('checks the jti and the user cutoff in one round trip: two gets in parallel', async () => {
    const spy = spyStore();
    const { tokens } = hsTokens({ store: spy.store });
    await tokens.verify(await tokens.issue({ sub: 'alice' }));
    assert.equal(spy.calls.length, 2);
    assert.ok(
      spy.calls.every((call) => /^get jwt:(jti|user):[A-Za-z0-9_-]{43}$/.test(call)),
      spy.calls.join(),
    );
    assert.equal(spy.maxInFlight, 2);
    spy.calls.length = 0;
    await tokens.verify(await tokens.issue({}));
    assert.equal(spy.calls.length, 1, 'a token without sub has no user to check');
  });

  it('keeps no user name or token in store keys, and uses the prefix', async () => {
    const spy = spyStore();
    const { tokens } = hsTokens({ store: spy.store, storePrefix: 'app1:tokens:' });
    const token = await tokens.issue({ sub: 'alice@example.test' });
    await tokens.revoke(token);
    await tokens.revokeAllForUser('alice@example.test');
    assert.ok(
      spy.calls.every(
        (call) => call.startsWith('set app1:tokens:') && !call.includes('alice') && !call.includes(String(payloadOf(token).jti)),
      ),
    );
  });

  it('fails fast with a StoreError when the store fails or hangs', async () => {
    const spy = spyStore();
    const { tokens } = hsTokens({ store: spy.store, storeTimeout: 50 });
    const token = await tokens.issue({ sub: 'alice' });
    spy.mode = 'fail';
    const failed = await rejection(tokens.verify(token));
    assert.ok(failed instanceof StoreError);
    assert.equal(failed.code, 'ERR_STORE');
    spy.mode = 'hang';
    const started = Date.now();
    assert.equal((await rejection(tokens.verify(token))).code, 'ERR_STORE_TIMEOUT');
    assert.ok(Date.now() - started < 1000);
    spy.mode = 'ok';
    assert.equal((await tokens.verify(token)).sub, 'alice');
  });

  it('shares revocations between instances through the store', async () => {
    const store = durableStore();
    const a = hsTokens({ store }).tokens;
    const b = hsTokens({ store, issuer: ISSUER, audience: AUDIENCE, keys: [{ kid: 'k1', alg: 'HS256', key: SECRET }] }).tokens;
    const token = await a.issue({ sub: 'alice' });
    await a.revoke(token);
    assert.equal((await rejection(b.verify(token))).code, 'ERR_JWT_REVOKED');
  });
});
