/**
 * The one rule every adapter applies to a response that sets the session cookie: only an app
 * `Cache-Control` that keeps shared caches out survives; anything else becomes `private, no-store`
 * and is reported. The adapters' own tests (and test/security/adapters.test.ts) prove each one
 * applies it; these prove the rule.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { SessionEvent } from 'hallpass';
import { sessionCacheControl } from '../../src/adapters/response-headers.js';

function decide(value: string | readonly string[] | number | undefined) {
  const events: SessionEvent[] = [];
  return { value: sessionCacheControl(value, (event) => events.push(event)), events };
}

describe('Cache-Control of a response that sets the session cookie', () => {
  it('is private, no-store when the app set none (or an empty value), and nothing is reported', () => {
    for (const value of [undefined, '', '  ', []]) assert.deepEqual(decide(value), { value: 'private, no-store', events: [] });
  });

  it('replaces every value a shared cache may store, and reports it once', () => {
    for (const value of [
      'public',
      'PUBLIC, max-age=600',
      'public, no-store',
      'private, public',
      's-maxage=600',
      'max-age=600',
      'max-age=0, must-revalidate',
      'no-cache',
      'immutable',
      'private="Set-Cookie"',
      'no-cache="Set-Cookie"',
      'no-cache="x, no-store", max-age=60',
      'max-age=60, private="a, b"',
    ]) {
      assert.deepEqual(decide(value), { value: 'private, no-store', events: [{ type: 'cache-control-replaced', previous: value }] }, value);
    }
  });

  it('keeps a value with no-store or an unqualified private, as written', () => {
    for (const value of [
      'no-store',
      'private',
      'Private, Max-Age=60',
      'no-cache, no-store, must-revalidate',
      ' private ,max-age=0',
      'private, s-maxage=600',
    ]) {
      assert.deepEqual(decide(value), { value, events: [] }, value);
    }
  });

  it('reads a header node:http keeps as a list or a number', () => {
    assert.deepEqual(decide(['private', 'max-age=60']), { value: 'private, max-age=60', events: [] });
    assert.deepEqual(decide(['public', 'max-age=60']), {
      value: 'private, no-store',
      events: [{ type: 'cache-control-replaced', previous: 'public, max-age=60' }],
    });
    assert.equal(decide(600).value, 'private, no-store');
  });
});
