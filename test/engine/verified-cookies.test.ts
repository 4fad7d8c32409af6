import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type Codec, ConfigError, createSessions, type Envelope, sealedCodec } from 'hallpass';
import { builtInCodecs } from '../../src/codecs/envelope.js';
import { VerifiedCookies } from '../../src/engine/verified-cookies.js';
import { cookiePair } from '../support/cookies.js';
import { harness, OLD_SECRET, SECRET } from '../support/core-fixtures.js';

/**
 * The sealed codec with its decode calls counted, registered as one of hallpass's own codecs so
 * that cookie mode remembers what it verifies (it does so only for its own codecs).
 */
function countingSealed(secrets = [SECRET]): Codec & { decodes: number } {
  const inner = sealedCodec(secrets);
  const codec = {
    kind: inner.kind,
    decodes: 0,
    encode: (envelope: Envelope) => inner.encode(envelope),
    decode: (value: string, now: number) => {
      codec.decodes++;
      return inner.decode(value, now);
    },
  };
  builtInCodecs.set(codec, 'sid');
  return codec;
}

async function setup(options: { cookieCache?: number; secrets?: string[]; idleTimeout?: false } = {}) {
  const codec = countingSealed(options.secrets);
  const h = harness({ codec, cookieCache: options.cookieCache, idleTimeout: options.idleTimeout });
  const { result } = await h.request(undefined, (s) => s.set('cart', ['apple']));
  codec.decodes = 0;
  return { h, codec, cookie: cookiePair(result.setCookie) };
}

describe('verified-cookie cache (cookieCache)', () => {
  it('decrypts a cookie once, then opens every repeat of it from memory', async () => {
    const { h, codec, cookie } = await setup();
    for (let i = 0; i < 3; i++) {
      const { session } = await h.request(cookie, (s) => s.get('cart'));
      assert.deepEqual(session.get('cart'), ['apple']);
      assert.equal(session.isNew, false);
    }
    assert.equal(codec.decodes, 1);
  });

  it('decrypts every time with cookieCache: 0', async () => {
    const { h, codec, cookie } = await setup({ cookieCache: 0 });
    for (let i = 0; i < 3; i++) await h.request(cookie, (s) => s.get('cart'));
    assert.equal(codec.decodes, 3);
  });

  it('hands each request its own copy: a nested change in one request never reaches the next', async () => {
    const { h, cookie } = await setup();
    await h.request(cookie, (s) => {
      (s.get('cart') as string[]).push('stolen'); // mutated without set(): not saved
    });
    const { session } = await h.request(cookie, (s) => s.get('cart'));
    assert.deepEqual(session.get('cart'), ['apple']);
  });

  it('still refuses a remembered cookie after logout (revocation is checked on every request)', async () => {
    const { h, codec } = await setup();
    const member = await h.request(undefined, (s) => {
      s.userId = 'alice';
    });
    const cookie = cookiePair(member.result.setCookie);
    codec.decodes = 0;
    await h.request(cookie, (s) => s.get('cart'));
    await h.request(cookie, (s) => s.destroy());
    const { session } = await h.request(cookie, (s) => s.get('cart'));
    assert.equal(session.isNew, true);
    assert.deepEqual(h.log.invalid(), ['revoked']);
    assert.equal(codec.decodes, 1, 'refused from the cache entry, by the revocation check');
  });

  it('still refuses a remembered cookie once it is idle or past its lifetime', async () => {
    const idle = await setup();
    await idle.h.request(idle.cookie, (s) => s.get('cart')); // decrypted and remembered
    idle.h.clock.advance(24 * 3600);
    assert.equal((await idle.h.request(idle.cookie, (s) => s.get('cart'))).session.isNew, true);
    assert.deepEqual(idle.h.log.invalid(), ['idle']);
    assert.equal(idle.codec.decodes, 1);

    const old = await setup({ idleTimeout: false });
    await old.h.request(old.cookie, (s) => s.get('cart'));
    old.h.clock.advance(14 * 24 * 3600);
    assert.equal((await old.h.request(old.cookie, (s) => s.get('cart'))).session.isNew, true);
    assert.deepEqual(old.h.log.invalid(), ['expired']);
    assert.equal(old.codec.decodes, 1);
  });

  it('never remembers a refused value: every tampered copy is decrypted and refused', async () => {
    const { h, codec, cookie } = await setup();
    // The second-to-last character changed to another one (never to itself), so the value always differs.
    const tampered = `${cookie.slice(0, -2)}${cookie.at(-2) === 'A' ? 'B' : 'A'}${cookie.slice(-1)}`;
    for (let i = 0; i < 3; i++) assert.equal((await h.request(tampered, (s) => s.get('cart'))).session.isNew, true);
    assert.equal(codec.decodes, 3);
    assert.deepEqual(h.log.invalid(), ['tampered', 'tampered', 'tampered']);
  });

  it('keeps a cookie sealed with an older key stale, so the next write re-seals it with the newest', async () => {
    const old = await setup({ secrets: [OLD_SECRET] });
    const codec = countingSealed([SECRET, OLD_SECRET]);
    const h = harness({ codec });
    await h.request(old.cookie, (s) => s.get('cart')); // remembered now
    const { result } = await h.request(old.cookie, (s) => s.set('cart', ['pear']));
    assert.equal(codec.decodes, 1);
    assert.ok(result.setCookie?.startsWith('sid=h1.'));
    assert.ok(h.log.events.some((event) => event.type === 'resealed'));
    assert.notEqual(cookiePair(result.setCookie).split('.')[1], old.cookie.split('.')[1], 'sealed with the newest key id');
  });

  it('is not used for a codec object from the app, which may judge by the clock', async () => {
    const inner = sealedCodec([SECRET]);
    let decodes = 0;
    const codec: Codec = {
      kind: 'custom',
      encode: (envelope) => inner.encode(envelope),
      decode: (value, now) => {
        decodes++;
        return inner.decode(value, now);
      },
    };
    const h = harness({ codec });
    const cookie = cookiePair((await h.request(undefined, (s) => s.set('a', 1))).result.setCookie);
    for (let i = 0; i < 3; i++) await h.request(cookie, (s) => s.get('a'));
    assert.equal(decodes, 3);
  });

  it('refuses a cookieCache that is not a whole number from 0 to 1000000, naming the option', () => {
    for (const cookieCache of [-1, 1.5, Number.NaN, 2_000_000, '10']) {
      assert.throws(
        () => createSessions({ secret: SECRET, cookieCache: cookieCache as number }),
        (error: unknown) => error instanceof ConfigError && error.code === 'ERR_OPTION' && error.message.includes('cookieCache'),
      );
    }
  });
});

describe('VerifiedCookies', () => {
  const envelope = (n: number): Envelope => ({
    id: `id${n}`,
    createdAt: 1,
    lastSeenAt: 2,
    data: Object.assign(Object.create(null), { n }),
  });

  it('holds at most its capacity, dropping the oldest first', () => {
    const cache = new VerifiedCookies(3);
    for (let n = 0; n < 5; n++) cache.remember(`v${n}`, envelope(n), false);
    assert.equal(cache.size, 3);
    assert.equal(cache.recall('v0'), undefined);
    assert.equal(cache.recall('v1'), undefined);
    assert.equal(cache.recall('v4')?.envelope.data.n, 4);
  });

  it('matches the whole value exactly', () => {
    const cache = new VerifiedCookies(10);
    cache.remember('h1.k.abc', envelope(1), false);
    assert.equal(cache.recall('h1.k.ab'), undefined);
    assert.equal(cache.recall('h1.k.abcd'), undefined);
    assert.equal(cache.recall('H1.k.abc'), undefined);
    assert.equal(cache.recall('h1.k.abc')?.envelope.id, 'id1');
  });

  it('keeps its own deep copy, null-prototype at the top, with __proto__ kept as a plain key', () => {
    const cache = new VerifiedCookies(10);
    const data = JSON.parse('{"list":[1,{"x":2}],"nested":{"__proto__":{"polluted":true}}}');
    Object.setPrototypeOf(data, null);
    cache.remember('v', { id: 'i', createdAt: 1, lastSeenAt: 1, userId: 'alice', data }, true);
    data.list.push(3);
    const first = cache.recall('v');
    assert.ok(first);
    assert.equal(Object.getPrototypeOf(first.envelope.data), null);
    assert.deepEqual(JSON.parse(JSON.stringify(first.envelope.data)), {
      list: [1, { x: 2 }],
      nested: { ['__proto__']: { polluted: true } },
    });
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
    assert.equal(Object.getPrototypeOf(first.envelope.data.nested), Object.prototype);
    assert.equal(first.envelope.userId, 'alice');
    assert.equal(first.stale, true);
    (first.envelope.data.list as unknown[]).push('changed');
    assert.deepEqual(cache.recall('v')?.envelope.data.list, [1, { x: 2 }]);
  });

  it('admits only a sample of the misses while hits are rare, and every miss again once they are common', () => {
    const cache = new VerifiedCookies(100);
    const lookup = (value: string) => cache.recall(value) ?? cache.remember(value, envelope(1), false);
    // More distinct clients than the cache holds, each coming back only after 5,000 others: no entry lives to be hit.
    for (let round = 0; round < 4; round++) for (let n = 0; n < 5000; n++) lookup(`scan${n}`);
    const scanned = cache.admissions;
    assert.ok(scanned < 20_000 / 8, `admitted ${scanned} of 20000 misses`);
    // A few clients that keep coming back: the hit rate climbs, and admission returns to every miss.
    for (let round = 0; round < 400; round++) for (let n = 0; n < 20; n++) lookup(`scan${n}`);
    const before = cache.admissions;
    assert.equal(cache.recall('newcomer'), undefined);
    cache.remember('newcomer', envelope(2), false);
    assert.equal(cache.admissions, before + 1);
    assert.equal(cache.recall('newcomer')?.envelope.data.n, 2);
  });

  it('remembers nothing with capacity 0', () => {
    const cache = new VerifiedCookies(0);
    cache.remember('v', envelope(1), false);
    assert.equal(cache.size, 0);
    assert.equal(cache.recall('v'), undefined);
  });
});
