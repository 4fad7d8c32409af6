/**
 * Ending sessions: logout defeats replay in cookie and server mode (B15, E25), "log out
 * everywhere" through the per-user index (E26), and no resurrection by writes in flight (G45).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ConfigError, memoryRevocations, type SessionEvent } from 'hallpass';
import { sqliteStore } from 'hallpass/sqlite';
import { frozenClock } from '../support/clock.js';
import { sha256, valueOfPair } from '../support/cookies.js';
import { openDatabase } from '../support/sqlite.js';
import { ALL_MODES, COOKIE_MODES, type Demo, guest, login, SERVER_MODES, startDemo, whoAmI } from './support/demo.js';

const EXPIRE = 'sid=; Path=/; Max-Age=0; HttpOnly; Secure; SameSite=Lax';

for (const mode of ALL_MODES) {
  describe(`B15 E25 logout ends the session for good (${mode})`, () => {
    let demo: Demo;
    before(async () => (demo = await startDemo(mode)));
    after(() => demo.close());

    it('E25 logout expires the cookie with the same name and attributes, and deletes the record', async () => {
      const { pair } = await login(demo, 'alice');
      const reply = await demo.call('POST', '/logout', { cookie: pair });
      assert.equal(reply.status, 200);
      assert.deepEqual(reply.setCookie, [EXPIRE]);
      if (demo.store) assert.equal(await demo.store.get(sha256(valueOfPair(pair))), null);
    });

    it('B15 a captured cookie replayed after logout is refused', async () => {
      const { pair } = await login(demo, 'alice');
      const kept = await demo.call('POST', '/cart', { cookie: pair, json: { item: 'apple' } });
      const latest = kept.setCookie[0] ? ((kept.setCookie[0] as string).split(';')[0] as string) : pair;
      await demo.call('POST', '/logout', { cookie: latest });
      for (const cookie of [pair, latest]) {
        assert.equal(await whoAmI(demo, cookie), undefined);
        assert.deepEqual((await demo.call('GET', '/cart', { cookie })).json, { cart: [] });
      }
      if (!demo.store) assert.ok(demo.invalid().includes('revoked'));
    });

    it('E25 logout without a session answers 200 and creates nothing', async () => {
      const calls = demo.spy?.calls.length ?? 0;
      const reply = await demo.call('POST', '/logout');
      assert.equal(reply.status, 200);
      assert.deepEqual(reply.setCookie, []);
      assert.equal(demo.spy?.calls.length ?? 0, calls);
    });
  });
}

for (const mode of COOKIE_MODES) {
  describe(`B15 cookie-mode logout holds across instances sharing a revocation store (${mode})`, () => {
    it('B15 a cookie logged out on one instance is refused by another', async () => {
      const clock = frozenClock();
      const revocationStore = sqliteStore(openDatabase(':memory:'), { now: clock.now, cleanupIntervalMs: 0 });
      const one = await startDemo(mode, { clock, sessions: { revocationStore } });
      const two = await startDemo(mode, { clock, sessions: { revocationStore } });
      try {
        const { pair } = await login(one, 'alice');
        assert.equal(await whoAmI(two, pair), 'alice');
        await one.call('POST', '/logout', { cookie: pair });
        assert.equal(await whoAmI(two, pair), undefined);
        assert.deepEqual(two.invalid(), ['revoked']);
      } finally {
        await one.close();
        await two.close();
      }
    });

    it('E26 per-user "log out everywhere" needs a server-side store, and says so', async () => {
      const demo = await startDemo(mode);
      try {
        const { pair } = await login(demo, 'alice');
        const reply = await demo.call('POST', '/devices/logout-others', { cookie: pair });
        assert.equal(reply.status, 409);
        await assert.rejects(demo.sessions.destroyByUser('alice'), (error: unknown) => error instanceof ConfigError);
      } finally {
        await demo.close();
      }
    });
  });
}

for (const mode of COOKIE_MODES) {
  describe(`B15 no flood of logouts undoes a logout or logs anyone out (${mode})`, () => {
    it('B15 an attacker logging in and out in a loop logs out no one and revives no logged-out cookie', async () => {
      const events: SessionEvent[] = [];
      // Small bounds, so the flood goes well past them: 4 entries per user, 20 in all.
      const revocations = memoryRevocations({ max: 20, perUser: 4, onEvent: (event) => events.push(event) });
      const demo = await startDemo(mode, { sessions: { revocations } });
      try {
        const victim = (await login(demo, 'alice')).pair;
        const stolen = (await login(demo, 'bob')).pair;
        await demo.call('POST', '/logout', { cookie: stolen });
        for (let i = 0; i < 200; i++) {
          const { pair } = await login(demo, 'mallory');
          await demo.call('POST', '/logout', { cookie: pair });
        }
        assert.equal(await whoAmI(demo, victim), 'alice', 'a live session stays live');
        assert.equal(await whoAmI(demo, stolen), undefined, "the thief's copy of bob's logged-out cookie stays refused");
        assert.equal(revocations.size, 5, "bob's entry and mallory's own four");
        assert.ok(events.length > 0 && events.every((event) => event.type === 'revocation-overflow' && event.userId === 'mallory'));
      } finally {
        await demo.close();
      }
    });

    it('B15 guests add no revocation entries, whatever they do', async () => {
      const revocations = memoryRevocations();
      const demo = await startDemo(mode, { sessions: { revocations } });
      try {
        for (let i = 0; i < 50; i++) {
          const cart = await guest(demo);
          await demo.call('POST', '/logout', { cookie: cart });
          await demo.call('POST', '/session', { cookie: await guest(demo), json: { note: 'x' } });
        }
        assert.equal(revocations.size, 0);
      } finally {
        await demo.close();
      }
    });
  });
}

for (const mode of SERVER_MODES) {
  describe(`E26 log out everywhere through the per-user index (${mode})`, () => {
    let demo: Demo;
    before(async () => (demo = await startDemo(mode)));
    after(() => demo.close());

    it("E26 lists the user's sessions by hash (never the token), logs out the others, then all of them", async () => {
      const phones = [await login(demo, 'alice'), await login(demo, 'alice'), await login(demo, 'alice')].map((l) => l.pair);
      const bob = (await login(demo, 'bob')).pair;
      const listed = await demo.sessions.listByUser('alice');
      assert.equal(listed.length, 3);
      const tokens = phones.map(valueOfPair);
      assert.deepEqual(new Set(listed.map((s) => s.id)), new Set(tokens.map(sha256)));
      const devices = await demo.call('GET', '/devices', { cookie: phones[0] });
      assert.equal(devices.json.devices.length, 3);
      assert.ok(!devices.text.includes(tokens[1] as string) && !devices.text.includes(tokens[2] as string));

      const others = await demo.call('POST', '/devices/logout-others', { cookie: phones[0] });
      assert.deepEqual(others.json, { loggedOut: 2 });
      assert.equal(await whoAmI(demo, phones[0]), 'alice');
      assert.equal(await whoAmI(demo, phones[1]), undefined);
      assert.equal(await whoAmI(demo, phones[2]), undefined);

      // The account is disabled: every remaining session of the user ends, other users' stay.
      assert.equal(await demo.sessions.destroyByUser('alice'), 1);
      assert.equal(await whoAmI(demo, phones[0]), undefined);
      assert.equal(await whoAmI(demo, bob), 'bob');
      assert.deepEqual(await demo.sessions.listByUser('alice'), []);
    });
  });

  describe(`G45 no resurrection after logout by requests in flight (${mode})`, () => {
    let demo: Demo;
    before(async () => (demo = await startDemo(mode)));
    after(() => demo.close());

    it('G45 ten slow writes with the cookie and a logout in between: no record and no session afterwards', async () => {
      const { pair } = await login(demo, 'alice', await guest(demo));
      const spy = demo.spy as NonNullable<Demo['spy']>;
      spy.control.fault = 'gate';
      spy.control.only = new Set(['patch', 'set', 'touch']);
      const writes = Array.from({ length: 10 }, (_, i) => demo.call('POST', '/cart', { cookie: pair, json: { item: `late-${i}` } }));
      while (spy.waiting < 10) await new Promise((resolve) => setTimeout(resolve, 5));
      const logout = await demo.call('POST', '/logout', { cookie: pair });
      assert.deepEqual(logout.setCookie, [EXPIRE]);
      spy.release();
      for (const reply of await Promise.all(writes)) assert.deepEqual(reply.setCookie, [EXPIRE]);
      assert.equal(await (demo.store as NonNullable<Demo['store']>).get(sha256(valueOfPair(pair))), null);
      assert.equal(await whoAmI(demo, pair), undefined);
      assert.deepEqual(await demo.sessions.listByUser('alice'), []);
    });
  });
}
