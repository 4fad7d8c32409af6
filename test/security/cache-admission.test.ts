/**
 * The verified-cookie cache under hostile traffic: junk cookies must not talk it out of admitting
 * real users' cookies, and concurrent misses on one value must not carry it past its capacity.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cryptoProvider } from '../../src/core/crypto/index.js';
import { setCookiesOf } from '../../src/engine/commit-result.js';
import { createSessions } from '../../src/engine/sessions.js';
import { VerifiedCookies } from '../../src/engine/verified-cookies.js';
import { SECRET } from '../support/core-fixtures.js';

/** AES-GCM opens made while 300 users each send their cookie 20 times, with `junkPerRequest` junk cookies before each. */
async function opensFor(junkPerRequest: number): Promise<number> {
  const provider = cryptoProvider();
  const open = provider.open;
  let opens = 0;
  provider.open = (...args) => {
    opens++;
    return open.apply(provider, args);
  };
  try {
    const sessions = createSessions({ secret: SECRET });
    const users: string[] = [];
    for (let user = 0; user < 300; user++) {
      const session = await sessions.load(undefined);
      session.set('n', user);
      users.push((setCookiesOf(await sessions.commit(session))[0] as string).split(';')[0] as string);
    }
    opens = 0;
    let junk = 0;
    for (let round = 0; round < 20; round++) {
      for (const cookie of users) {
        for (let sent = 0; sent < junkPerRequest; sent++) (await sessions.load(`sid=h1.nokey.${junk++}`)).get('n');
        (await sessions.load(cookie)).get('n');
      }
    }
    return opens;
  } finally {
    provider.open = open;
  }
}

const envelope = (id: string) => ({ id, createdAt: 1, lastSeenAt: 1, data: Object.create(null) });

describe('verified-cookie cache under hostile traffic', () => {
  it('junk cookies (refused before any decryption) do not make real users decrypt on every request', async () => {
    const quiet = await opensFor(0);
    const flooded = await opensFor(8);
    assert.equal(quiet, 300, 'each user decrypts once, then hits the cache');
    assert.ok(flooded <= quiet * 1.1, `the flood raised real users' decryptions from ${quiet} to ${flooded}`);
  });

  it('a value remembered by two concurrent misses takes one entry, and the capacity holds', () => {
    const capacity = 4;
    const cache = new VerifiedCookies(capacity);
    let largest = 0;
    for (let round = 0; round < 10_000; round++) {
      const shared = `v${round}`;
      cache.recall(shared);
      cache.recall(shared);
      cache.remember(shared, envelope(shared), false);
      cache.remember(shared, envelope(shared), false);
      const single = `w${round}`;
      cache.recall(single);
      cache.remember(single, envelope(single), false);
      largest = Math.max(largest, cache.size);
    }
    assert.ok(largest <= capacity, `held ${largest} entries with capacity ${capacity}`);
  });
});
