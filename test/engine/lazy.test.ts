import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { commitNow, loadNow } from '../../src/engine/sessions-internals.js';
import { cookiePair } from '../support/cookies.js';
import { harness } from '../support/core-fixtures.js';
import { countingCodec } from '../support/counting-codec.js';

describe('lazy decoding in cookie mode', () => {
  async function setup() {
    const codec = countingCodec();
    const h = harness({ codec });
    const { result } = await h.request(undefined, (s) => s.set('visits', 1));
    return { h, codec, cookie: cookiePair(result.setCookie) };
  }

  it('decodes nothing and adds no Vary for a request that never touches its session', async () => {
    const { h, codec, cookie } = await setup();
    const session = loadNow(h.sessions, cookie);
    assert.equal(session instanceof Promise, false, 'no promise, no async hop');
    const result = commitNow(h.sessions, session as Exclude<typeof session, Promise<unknown>>);
    assert.deepEqual(result, { vary: false });
    assert.equal(codec.decodes, 0);
    assert.deepEqual((await h.request(cookie)).result, { vary: false });
    assert.equal(codec.decodes, 0);
  });

  it('decodes once, on first access, however often the session is read', async () => {
    const { h, codec, cookie } = await setup();
    const session = await h.sessions.load(cookie);
    assert.equal(codec.decodes, 0);
    assert.equal(session.get('visits'), 1);
    assert.equal(session.get('visits'), 1);
    session.has('x');
    session.keys();
    assert.equal(codec.decodes, 1);
    assert.deepEqual(await h.sessions.commit(session), { vary: true });
    assert.equal(codec.decodes, 1);
  });

  it('tries each cookie of the name once, in order, and stops at the first good one', async () => {
    const { h, codec, cookie } = await setup();
    const session = await h.sessions.load(`sid=bad1; ${cookie}; sid=never-read`);
    assert.equal(session.get('visits'), 1);
    assert.equal(codec.decodes, 2);
  });

  it('commits synchronously in cookie mode with the default revocation list', async () => {
    const { h, cookie } = await setup();
    const session = loadNow(h.sessions, cookie) as Awaited<ReturnType<typeof h.sessions.load>>;
    session.set('visits', 2);
    const result = commitNow(h.sessions, session);
    assert.equal(result instanceof Promise, false);
    const again = loadNow(h.sessions, cookie) as Awaited<ReturnType<typeof h.sessions.load>>;
    again.destroy();
    assert.equal(commitNow(h.sessions, again) instanceof Promise, false, 'destroy with the in-memory list is synchronous too');
  });
});
