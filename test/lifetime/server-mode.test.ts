/**
 * Per-session lifetime in server mode: the cookie's attributes, the record's TTL (memory store and
 * Redis), and the server-side expiry of a browser-session cookie.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, describe, it } from 'node:test';
import { memoryStore, type SessionStore } from 'hallpass';
import { redisStore } from 'hallpass/redis';
import { Redis } from 'ioredis';
import { storeKeyFor } from '../../src/engine/server-mode.js';
import { cookieValue } from '../support/cookies.js';
import { harness } from '../support/core-fixtures.js';
import { countingStore } from '../support/counting-store.js';
import { needRedis } from '../support/services.js';

const DAY = 86400;
const browserCookie = (token: string) => `sid=${token}; Path=/; HttpOnly; Secure; SameSite=Lax`;
const persistentCookie = (token: string, maxAge: number) => `sid=${token}; Path=/; Max-Age=${maxAge}; HttpOnly; Secure; SameSite=Lax`;

/** The TTL (seconds) the last `set`, `patch` or `touch` passed to the store. */
const lastTtl = (store: ReturnType<typeof countingStore>) => {
  const call = store.calls.filter((c) => c.op === 'set' || c.op === 'patch' || c.op === 'touch').at(-1);
  return call?.args.at(-1);
};

async function login(
  store: SessionStore,
  choice: Parameters<import('hallpass').Session['setLifetime']>[0],
  idleTimeout: number | false = false,
) {
  const h = harness({ store, idleTimeout });
  const { result, session } = await h.request(undefined, (s) => {
    s.set('user_id', 'alice');
    s.setLifetime(choice);
  });
  return { h, result, session, token: cookieValue(result.setCookie) };
}

describe('session.setLifetime in server mode (memory store)', () => {
  it('writes a browser-session cookie and stores the record for its shorter lifetime', async () => {
    const store = countingStore(memoryStore());
    const { result, token, session } = await login(store, { persistent: false });
    assert.equal(result.setCookie, browserCookie(token));
    assert.equal(lastTtl(store), 12 * 3600);
    assert.deepEqual(session.keys(), ['user_id'], 'the stored choice is not one of the session keys');
  });

  it('writes a persistent cookie and a TTL of the chosen maxAge', async () => {
    const store = countingStore(memoryStore());
    const { result, token } = await login(store, { maxAge: 30 * DAY });
    assert.equal(result.setCookie, persistentCookie(token, 30 * DAY));
    assert.equal(lastTtl(store), 30 * DAY);
  });

  it('keeps the choice on later requests: patches keep the TTL and the app never sees the stored key', async () => {
    const store = countingStore(memoryStore());
    const { h, token } = await login(store, { persistent: false });
    h.clock.advance(3600);
    const { session, result } = await h.request(`sid=${token}`, (s) => s.set('cart', ['apple']));
    assert.deepEqual(result, { vary: true }, 'a change to an existing session sets no cookie');
    assert.deepEqual(session.lifetime, { persistent: false, maxAge: 12 * 3600 });
    assert.deepEqual(session.toJSON(), { user_id: 'alice', cart: ['apple'] });
    assert.equal(lastTtl(store), 11 * 3600);
  });

  it('sends the same token again with the new attributes when only the lifetime changes', async () => {
    const store = countingStore(memoryStore());
    const { h, token } = await login(store, { persistent: false });
    const { result } = await h.request(`sid=${token}`, (s) => s.setLifetime({ maxAge: 7 * DAY }));
    assert.equal(result.setCookie, persistentCookie(token, 7 * DAY));
    assert.equal(lastTtl(store), 7 * DAY);
    const { session } = await h.request(`sid=${token}`);
    assert.deepEqual(session.lifetime, { persistent: true, maxAge: 7 * DAY });
  });

  it('keeps the choice through regenerate(): a new token, still a browser-session cookie', async () => {
    const store = countingStore(memoryStore());
    const { h, token } = await login(store, { persistent: false });
    h.clock.advance(3600);
    const { result, session } = await h.request(`sid=${token}`, (s) => s.regenerate());
    const fresh = cookieValue(result.setCookie);
    assert.notEqual(fresh, token);
    assert.equal(result.setCookie, browserCookie(fresh));
    assert.equal(lastTtl(store), 12 * 3600, 'counted afresh from the regeneration');
    const { session: next } = await h.request(`sid=${fresh}`);
    assert.deepEqual(next.lifetime, { persistent: false, maxAge: 12 * 3600 });
    assert.equal(session.get('user_id'), 'alice');
  });

  it('refuses a browser-session cookie at its shorter lifetime even if the browser keeps it', async () => {
    // The store's own clock never expires the record here, so the engine's check is what refuses it.
    const store = memoryStore({ now: () => 0 });
    const { h, token } = await login(store, { persistent: false, maxAge: 4 * 3600 });
    h.clock.advance(4 * 3600);
    const { session } = await h.request(`sid=${token}`);
    assert.equal(session.isNew, true);
    assert.deepEqual(h.log.invalid(), ['expired']);
  });
});

const skip = await needRedis();
const prefix = `hallpass-test:${randomBytes(6).toString('hex')}:`;
const io = skip ? undefined : new Redis({ port: 6379, host: '127.0.0.1', lazyConnect: true });
if (io) await io.connect();
after(async () => {
  if (!io) return;
  const keys = await io.keys(`${prefix}*`);
  if (keys.length > 0) await io.unlink(...keys);
  io.disconnect();
});

describe('session.setLifetime in server mode (Redis)', { skip }, () => {
  const ttlOf = async (token: string) => (io as Redis).ttl(`${prefix}{${storeKeyFor(token)}}`);

  it('sets the record TTL to the browser-session lifetime, and to the remembered one', async () => {
    const store = redisStore(io as Redis, { prefix });
    const browser = await login(store, { persistent: false });
    assert.equal(browser.result.setCookie, browserCookie(browser.token));
    assert.equal(await ttlOf(browser.token), 12 * 3600);
    const remembered = await login(store, { maxAge: 30 * DAY });
    assert.equal(remembered.result.setCookie, persistentCookie(remembered.token, 30 * DAY));
    assert.equal(await ttlOf(remembered.token), 30 * DAY);
  });

  it('keeps the TTL following the choice on later writes and a change of mind', async () => {
    const store = redisStore(io as Redis, { prefix });
    const { h, token } = await login(store, { persistent: false });
    h.clock.advance(3600);
    await h.request(`sid=${token}`, (s) => s.set('cart', ['apple']));
    assert.equal(await ttlOf(token), 11 * 3600);
    const changed = await h.request(`sid=${token}`, (s) => s.setLifetime({ maxAge: 30 * DAY }));
    assert.equal(changed.result.setCookie, persistentCookie(token, 30 * DAY - 3600));
    assert.equal(await ttlOf(token), 30 * DAY - 3600);
    const { session } = await h.request(`sid=${token}`);
    assert.deepEqual(session.toJSON(), { user_id: 'alice', cart: ['apple'] });
    assert.deepEqual(session.lifetime, { persistent: true, maxAge: 30 * DAY });
  });

  it('keeps the choice through regenerate() and drops it with clear() on Redis', async () => {
    const store = redisStore(io as Redis, { prefix });
    const { h, token } = await login(store, { persistent: false });
    const { result } = await h.request(`sid=${token}`, (s) => s.regenerate());
    const fresh = cookieValue(result.setCookie);
    assert.equal(result.setCookie, browserCookie(fresh));
    assert.equal(await ttlOf(fresh), 12 * 3600);
    const cleared = await h.request(`sid=${fresh}`, (s) => {
      s.clear();
      s.set('user_id', 'bob');
    });
    assert.equal(cleared.result.setCookie, persistentCookie(fresh, 14 * DAY), 'the configured lifetime again');
    const { session } = await h.request(`sid=${fresh}`);
    assert.deepEqual(session.lifetime, { persistent: true, maxAge: 14 * DAY });
    assert.deepEqual(session.toJSON(), { user_id: 'bob' });
  });

  it('a clear() that never saw the choice keeps it on Redis', async () => {
    const store = redisStore(io as Redis, { prefix });
    const h = harness({ store, idleTimeout: false });
    const token = cookieValue((await h.request(undefined, (s) => s.set('user_id', 'alice'))).result.setCookie);
    const slow = await h.sessions.load(`sid=${token}`);
    const fast = await h.sessions.load(`sid=${token}`);
    fast.setLifetime({ persistent: false });
    await h.sessions.commit(fast);
    slow.clear();
    slow.set('user_id', 'bob');
    await h.sessions.commit(slow);
    const { session } = await h.request(`sid=${token}`);
    assert.deepEqual(session.lifetime, { persistent: false, maxAge: 12 * 3600 });
    assert.deepEqual(session.toJSON(), { user_id: 'bob' });
  });
});
