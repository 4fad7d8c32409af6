/**
 * A request may carry the session cookie's name any number of times. Each value costs a decryption
 * (cookie mode) or a store call (server mode), so a request tries at most three distinct values and
 * reports the rest as one `invalid` event with reason `duplicate`.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { memoryStore } from 'hallpass';
import { MAX_COOKIE_CANDIDATES } from '../../src/core/cookie.js';
import { newToken } from '../../src/core/random.js';
import { cookiePair } from '../support/cookies.js';
import { harness } from '../support/core-fixtures.js';
import { countingCodec } from '../support/counting-codec.js';
import { countingStore } from '../support/counting-store.js';

/** A sealed-looking value that fails authentication: what an attacker pads a header with. */
const lookAlike = (good: string, i: number) => `${good.slice(0, -6)}${i.toString(36).padStart(6, 'A')}`;

describe('duplicate session cookies in cookie mode', () => {
  it('decrypts at most three distinct values of 250 look-alikes, and says the rest were ignored', async () => {
    const codec = countingCodec();
    const h = harness({ codec });
    const good = cookiePair((await h.request(undefined, (s) => s.set('cart', ['pear']))).result.setCookie);
    const value = good.slice(good.indexOf('=') + 1);
    const header = Array.from({ length: 250 }, (_, i) => `sid=${lookAlike(value, i)}`).join('; ');
    const session = await h.sessions.load(header);
    assert.equal(session.isNew, true);
    assert.equal(codec.decodes, MAX_COOKIE_CANDIDATES);
    assert.equal(MAX_COOKIE_CANDIDATES, 3);
    assert.deepEqual(h.log.invalid(), ['duplicate', 'tampered', 'tampered', 'tampered']);
  });

  it('decrypts one copy of a value repeated 250 times', async () => {
    const codec = countingCodec();
    const h = harness({ codec, cookieCache: 0 });
    const good = cookiePair((await h.request(undefined, (s) => s.set('cart', ['pear']))).result.setCookie);
    const session = await h.sessions.load(Array.from({ length: 250 }, () => good).join('; '));
    assert.deepEqual(session.get('cart'), ['pear']);
    assert.equal(codec.decodes, 1);
    assert.deepEqual(h.log.invalid(), []);
  });

  it('still finds the good cookie among a browser’s usual two or three', async () => {
    const h = harness();
    const good = cookiePair((await h.request(undefined, (s) => s.set('cart', ['pear']))).result.setCookie);
    const session = await h.sessions.load(`sid=stale-from-another-path; ${good}`);
    assert.deepEqual(session.get('cart'), ['pear']);
  });
});

describe('duplicate session cookies in server mode', () => {
  it('makes at most three store calls for 290 well-formed tokens', async () => {
    const store = countingStore(memoryStore());
    const h = harness({ store });
    const header = Array.from({ length: 290 }, () => `sid=${newToken()}`).join('; ');
    const session = await h.sessions.load(header);
    assert.equal(session.isNew, true);
    assert.deepEqual(store.ops(), ['get', 'get', 'get']);
    assert.deepEqual(h.log.invalid(), ['duplicate', 'unknown', 'unknown', 'unknown']);
  });
});
