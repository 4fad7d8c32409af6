/**
 * Session fixation and cookie tossing, black-box over HTTP against the demo in every mode: a planted
 * token is never adopted (A4), login and re-login always change the ID and kill the old one (C16,
 * C17), in-flight writes cannot revive a regenerated ID (C18), and duplicate cookie names (F38).
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { sealedCodec, signedCodec } from 'hallpass';
import { cookiePair, sha256, valueOfPair } from '../support/cookies.js';
import { SECRET } from '../support/core-fixtures.js';
import { ALL_MODES, type Demo, guest, login, type Mode, SERVER_MODES, startDemo, whoAmI } from './support/demo.js';

/** The inner session ID a cookie-mode cookie carries (opened with the test secret), or the token itself in server mode. */
function innerId(mode: Mode, pair: string, now: number): string {
  const value = valueOfPair(pair);
  if (mode !== 'sealed' && mode !== 'signed') return value;
  const opened = (mode === 'sealed' ? sealedCodec([SECRET]) : signedCodec([SECRET])).decode(value, now);
  assert.ok(opened.ok, `the cookie should open: ${JSON.stringify(opened)}`);
  return opened.envelope.id as string;
}

/** Whether the store holds anything under the token or its hash. */
async function stored(demo: Demo, token: string): Promise<boolean> {
  const store = demo.store;
  if (!store) return false;
  return (await store.get(token)) != null || (await store.get(sha256(token))) != null;
}

for (const mode of SERVER_MODES) {
  describe(`A4 strict mode: an ID the server never issued is never adopted (${mode})`, () => {
    let demo: Demo;
    before(async () => (demo = await startDemo(mode)));
    after(() => demo.close());

    it('A4 a well-formed planted token opens nothing, is replaced on the first write, and is never stored', async () => {
      const planted = randomBytes(32).toString('base64url');
      const cookie = `sid=${planted}`;
      assert.equal(await whoAmI(demo, cookie), undefined);
      assert.deepEqual(demo.invalid(), ['unknown']);
      const write = await demo.call('POST', '/cart', { cookie, json: { item: 'pear' } });
      assert.equal(write.setCookie.length, 1);
      assert.notEqual(valueOfPair(cookiePair(write.setCookie[0])), planted);
      const signedIn = await login(demo, 'victim', cookie);
      assert.notEqual(valueOfPair(signedIn.pair), planted);
      assert.equal(await whoAmI(demo, cookie), undefined);
      assert.equal(await stored(demo, planted), false);
      assert.equal(demo.spy?.calls.filter((c) => c.op !== 'get' && (c.key === planted || c.key === sha256(planted))).length, 0);
    });
  });
}

for (const mode of ALL_MODES) {
  describe(`C16 C17 regenerate on login and re-login (${mode})`, () => {
    let demo: Demo;
    before(async () => (demo = await startDemo(mode)));
    after(() => demo.close());

    it('C16 logging in with a guest cookie A issues B != A (new inner ID), and A never carries the user', async () => {
      const a = await guest(demo);
      const { pair: b } = await login(demo, 'alice', a);
      assert.notEqual(valueOfPair(b), valueOfPair(a));
      assert.notEqual(innerId(mode, b, demo.clock.seconds), innerId(mode, a, demo.clock.seconds));
      assert.equal(await whoAmI(demo, b), 'alice');
      assert.equal(await whoAmI(demo, a), undefined, 'whoever planted A gets no logged-in session');
      const replay = await demo.call('GET', '/cart', { cookie: a });
      // Server mode deletes A's record. Cookie mode records only sessions that held a user (so that
      // no visitor can fill the revocation list): A still opens as the guest it was, with the
      // guest's own cart and nothing of the login.
      assert.deepEqual(replay.json, { cart: demo.store ? [] : ['apple'] });
      if (demo.store) assert.equal(await stored(demo, valueOfPair(a)), false);
      assert.ok(demo.events.some((e) => e.type === 'regenerated'));
    });

    it('C16 a login without any cookie also gets a fresh ID', async () => {
      const first = await login(demo, 'alice');
      const second = await login(demo, 'alice');
      assert.notEqual(first.pair, second.pair);
    });

    it('C17 re-authentication (a second login on a live session) changes the ID again and ends the previous one', async () => {
      const { pair: b } = await login(demo, 'alice');
      const { pair: c } = await login(demo, 'alice', b);
      assert.notEqual(valueOfPair(c), valueOfPair(b));
      assert.equal(await whoAmI(demo, c), 'alice');
      assert.equal(await whoAmI(demo, b), undefined);
      if (demo.store) assert.equal(await stored(demo, valueOfPair(b)), false);
    });

    it('A4 C16 a cookie value the server never issued (right shape, random bytes) is never adopted by login', async () => {
      const forged = demo.store ? randomBytes(32).toString('base64url') : `h1.AAAAAA.${randomBytes(80).toString('base64url')}`;
      const { pair } = await login(demo, 'victim', `sid=${forged}`);
      assert.ok(!pair.includes(forged));
      assert.equal(await whoAmI(demo, `sid=${forged}`), undefined);
    });
  });
}

for (const mode of SERVER_MODES) {
  describe(`C18 regeneration is atomic: writes in flight cannot revive the old ID (${mode})`, () => {
    let demo: Demo;
    before(async () => (demo = await startDemo(mode)));
    after(() => demo.close());

    it('C18 five slow cart writes with A, a login with A in between: A stays dead and is not re-created', async () => {
      const a = await guest(demo);
      const spy = demo.spy as NonNullable<Demo['spy']>;
      spy.control.fault = 'gate';
      spy.control.only = new Set(['patch', 'set', 'touch']);
      const writes = Array.from({ length: 5 }, (_, i) => demo.call('POST', '/cart', { cookie: a, json: { item: `late-${i}` } }));
      while (spy.waiting < 5) await new Promise((resolve) => setTimeout(resolve, 5));
      spy.control.only = new Set(['touch']); // the login's own patch, get, set and destroy go through
      const { pair: b } = await login(demo, 'alice', a);
      spy.release();
      const replies = await Promise.all(writes);
      for (const reply of replies) {
        // The late writes are dropped: their response expires the cookie instead of reviving A.
        assert.deepEqual(reply.setCookie, ['sid=; Path=/; Max-Age=0; HttpOnly; Secure; SameSite=Lax']);
      }
      assert.equal(await stored(demo, valueOfPair(a)), false);
      assert.deepEqual((await demo.call('GET', '/cart', { cookie: a })).json, { cart: [] });
      assert.equal(await whoAmI(demo, b), 'alice');
      assert.ok(demo.events.some((e) => e.type === 'conflict'));
    });
  });
}

for (const mode of ALL_MODES) {
  describe(`F38 duplicate cookie names and cookie tossing (${mode})`, () => {
    let demo: Demo;
    before(async () => (demo = await startDemo(mode)));
    after(() => demo.close());

    it('F38 every value is tried in order and the first one that verifies wins; unverifiable ones are skipped', async () => {
      const { pair: victim } = await login(demo, 'victim');
      const garbage = demo.store ? `sid=${randomBytes(32).toString('base64url')}` : 'sid=h1.AAAAAA.junk';
      assert.equal(await whoAmI(demo, `${garbage}; ${victim}`), 'victim');
      assert.equal(await whoAmI(demo, `${victim}; ${garbage}`), 'victim');
      // An attacker who can toss a cookie of their own valid session ahead of the victim's wins the
      // order: this is why the docs recommend the __Host- prefix, which browsers refuse to accept
      // from a sibling subdomain (see F32), and why login always regenerates (C16).
      const attacker = (await login(demo, 'attacker')).pair;
      assert.equal(await whoAmI(demo, `${attacker}; ${victim}`), 'attacker');
      assert.equal(await whoAmI(demo, `${victim}; ${attacker}`), 'victim');
    });

    it('F38 a login carrying two tossed cookies issues an ID equal to neither', async () => {
      const one = await guest(demo);
      const two = await guest(demo);
      const { pair } = await login(demo, 'victim', `${one}; ${two}`);
      assert.notEqual(pair, one);
      assert.notEqual(pair, two);
      assert.equal(await whoAmI(demo, one), undefined);
    });

    it('F38 cookies split over several Cookie header lines (as HTTP/2 sends them) are all read', async () => {
      const { pair } = await login(demo, 'victim');
      assert.equal(await whoAmI(demo, ['theme=dark', pair, 'lang=en']), 'victim');
      assert.equal(await whoAmI(demo, ['sid=junk', pair]), 'victim');
    });
  });
}
