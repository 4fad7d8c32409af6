/**
 * Property-based tests of server mode's token handling: `isTokenShaped` accepts exactly 43
 * base64url characters, nothing else reaches the store, and no cookie the server did not issue ever
 * opens a session, even next to a live one. Case counts are in each test's name.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { createSessions, memoryStore } from 'hallpass';
import { readCookie } from '../../src/core/cookie.js';
import { isTokenShaped } from '../../src/core/random.js';
import { spyStore } from '../security/support/spy-store.js';

const B64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const token = fc.array(fc.constantFrom(...B64URL), { minLength: 43, maxLength: 43 }).map((a) => a.join(''));
const SHAPE = /^[A-Za-z0-9_-]{43}$/;

describe('fuzz: server-mode tokens', () => {
  it('isTokenShaped never throws and is true exactly for 43 base64url characters (5,000 strings + 2,000 tokens)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 100 }), (value) => {
        assert.equal(isTokenShaped(value), SHAPE.test(value));
      }),
      { numRuns: 5000 },
    );
    fc.assert(
      fc.property(token, fc.nat(42), fc.constantFrom('=', '+', '/', '.', ' ', '\n', 'é', '\0'), (value, at, char) => {
        assert.equal(isTokenShaped(value), true);
        assert.equal(isTokenShaped(value.slice(0, at) + char + value.slice(at + 1)), false);
        assert.equal(isTokenShaped(`${value}A`), false);
        assert.equal(isTokenShaped(value.slice(1)), false);
      }),
      { numRuns: 2000 },
    );
  });

  it('load never throws, opens nothing it did not issue, and sends only token-shaped values to the store (3,000 headers)', async () => {
    const spy = spyStore(memoryStore());
    const sessions = createSessions({ store: spy.store });
    const live = await sessions.load(undefined);
    live.set('user', 'alice');
    const issued = (await sessions.commit(live)).setCookie as string;
    const liveToken = issued.slice('sid='.length, issued.indexOf(';'));
    spy.calls.splice(0);

    const header = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 200 }).map((v) => `sid=${v}`),
      token.map((v) => `sid=${v}`),
      fc.tuple(token, fc.string({ maxLength: 3 })).map(([v, extra]) => `sid=${liveToken.slice(0, 40)}${v.slice(0, 3)}${extra}`),
      fc.string({ unit: 'binary', maxLength: 200 }),
    );
    await fc.assert(
      fc.asyncProperty(header, async (cookie) => {
        fc.pre(!cookie.includes(liveToken));
        const before = spy.calls.length;
        const session = await sessions.load(cookie);
        const shaped = readCookie(cookie, 'sid').filter(isTokenShaped).length;
        assert.equal(spy.calls.length - before, shaped, 'exactly one lookup per token-shaped value, none for anything else');
        assert.equal(session.isNew, true);
        assert.equal(session.get('user'), undefined);
        await sessions.commit(session);
      }),
      { numRuns: 3000 },
    );
    assert.ok(spy.calls.length > 0);
    for (const call of spy.calls) {
      assert.equal(call.op, 'get', 'loading a refused cookie writes nothing');
      assert.match(call.key, SHAPE, 'the store is only ever asked for hashes of token-shaped values');
    }
    assert.equal((await sessions.load(`sid=${liveToken}`)).get('user'), 'alice', 'control: the issued token opens');
  });
});
