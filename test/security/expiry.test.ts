/**
 * Timeouts enforced by the server on a frozen clock: idle and absolute lifetimes inside cookies and
 * store records (B14, D20, D21), no extension of the absolute lifetime by activity (C19), expired
 * store rows never served (D22), and bounded tolerance for cookies dated in the future (D23).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ConfigError, createSessions } from 'hallpass';
import { sha256, valueOfPair } from '../support/cookies.js';
import { SECRET } from '../support/core-fixtures.js';
import { envelopeJson, forge } from '../support/forge.js';
import { ALL_MODES, COOKIE_MODES, type Demo, login, SERVER_MODES, startDemo, whoAmI } from './support/demo.js';

const IDLE = 1800;
const MAX_AGE = 12 * 3600;
const LIFETIMES = { idleTimeout: IDLE, maxAge: MAX_AGE };

/** A browser's cookie jar for one cookie: it keeps whatever the server last set. */
function jarFor(demo: Demo, initial: string) {
  let pair: string | undefined = initial;
  return {
    get pair() {
      return pair;
    },
    async who(): Promise<string | undefined> {
      const reply = await demo.call('GET', '/session', { cookie: pair });
      const set = reply.setCookie.find((c) => c.startsWith('sid='));
      if (set) pair = /Max-Age=0/.test(set) ? undefined : (set.split(';')[0] as string);
      return reply.json.user_id;
    },
  };
}

for (const mode of ALL_MODES) {
  describe(`B14 D20 D21 C19 idle and absolute timeouts enforced by the server (${mode})`, () => {
    let demo: Demo;
    before(async () => (demo = await startDemo(mode, { sessions: LIFETIMES })));
    after(() => demo.close());

    it('D20 the idle timeout slides with activity and ends an idle session; the store record is deleted', async () => {
      const { pair } = await login(demo, 'alice');
      const jar = jarFor(demo, pair);
      demo.clock.advance(IDLE - 1);
      assert.equal(await jar.who(), 'alice');
      demo.clock.advance(IDLE - 1);
      assert.equal(await jar.who(), 'alice', 'activity slides the idle timeout');
      const last = jar.pair as string;
      demo.clock.advance(IDLE + 1);
      assert.equal(await whoAmI(demo, last), undefined);
      // In server mode the store's TTL usually drops the record first: then the token is simply unknown.
      assert.ok(demo.invalid().includes('idle') || (demo.store !== undefined && demo.invalid().includes('unknown')));
      if (demo.store) assert.equal(await demo.store.get(sha256(valueOfPair(last))), null);
    });

    it('B14 a captured cookie replayed after idle + 1 s is refused whatever Max-Age the browser had', async () => {
      const { pair: captured } = await login(demo, 'alice');
      demo.clock.advance(IDLE + 1);
      assert.equal(await whoAmI(demo, captured), undefined);
    });

    it('D21 C19 B14 activity never extends the absolute lifetime: touched every idle - 1 s, the session still ends at max age', async () => {
      const { pair } = await login(demo, 'alice');
      const captured = [pair];
      const jar = jarFor(demo, pair);
      let elapsed = 0;
      while (elapsed + IDLE - 1 < MAX_AGE) {
        demo.clock.advance(IDLE - 1);
        elapsed += IDLE - 1;
        assert.equal(await jar.who(), 'alice', `alive after ${elapsed} s`);
        captured.push(jar.pair as string);
      }
      demo.clock.advance(MAX_AGE - elapsed + 1);
      assert.equal(await jar.who(), undefined);
      for (const cookie of new Set(captured)) assert.equal(await whoAmI(demo, cookie), undefined);
      assert.ok(demo.invalid().includes('expired') || (demo.store !== undefined && demo.invalid().includes('unknown')));
    });

    it('C19 a new login (re-authentication) starts a new absolute lifetime', async () => {
      const { pair } = await login(demo, 'alice');
      demo.clock.advance(MAX_AGE - 60);
      const again = await login(demo, 'alice', pair);
      demo.clock.advance(120);
      assert.equal(await whoAmI(demo, again.pair), 'alice');
      assert.equal(await whoAmI(demo, pair), undefined);
    });
  });
}

for (const mode of SERVER_MODES) {
  describe(`D21 D22 D23 store records carry their own times (${mode})`, () => {
    let demo: Demo;
    before(async () => (demo = await startDemo(mode, { sessions: LIFETIMES })));
    after(() => demo.close());

    it('D21 a record planted past its absolute lifetime (with a live TTL) is refused and deleted, never re-dated', async () => {
      const token = 'P'.repeat(43);
      const now = demo.clock.seconds;
      const store = demo.store as NonNullable<Demo['store']>;
      await store.set(
        sha256(token),
        { data: { user_id: 'alice' }, createdAt: now - MAX_AGE - 5, lastSeenAt: now - 5, userId: 'alice' },
        3600,
      );
      assert.equal(await whoAmI(demo, `sid=${token}`), undefined);
      assert.ok(demo.invalid().includes('expired'));
      assert.equal(await store.get(sha256(token)), null);
    });

    it('D22 every write gives the record a TTL no longer than the idle timeout, and a row past its TTL is never served', async () => {
      const { pair } = await login(demo, 'alice');
      await demo.call('POST', '/cart', { cookie: pair, json: { item: 'apple' } });
      const writes = (demo.spy?.calls ?? []).filter((c) => c.op === 'set' || c.op === 'patch' || c.op === 'touch');
      assert.ok(writes.length >= 2);
      for (const write of writes) assert.ok((write.args.at(-1) as number) <= IDLE, `${write.op} TTL ${write.args.at(-1)}`);
      const store = demo.store as NonNullable<Demo['store']>;
      const token = 'Q'.repeat(43);
      await store.set(sha256(token), { data: { user_id: 'bob' }, createdAt: demo.clock.seconds, lastSeenAt: demo.clock.seconds }, 10);
      demo.clock.advance(11);
      assert.equal(await whoAmI(demo, `sid=${token}`), undefined);
    });

    it('D23 a record dated in the future beyond the clock leeway is refused', async () => {
      const token = 'F'.repeat(43);
      const later = demo.clock.seconds + 600;
      await (demo.store as NonNullable<Demo['store']>).set(
        sha256(token),
        { data: { user_id: 'x' }, createdAt: later, lastSeenAt: later },
        3600,
      );
      assert.equal(await whoAmI(demo, `sid=${token}`), undefined);
      assert.ok(demo.invalid().includes('future'));
    });
  });
}

for (const mode of COOKIE_MODES) {
  describe(`D21 D23 cookie times are checked against the server clock (${mode})`, () => {
    let demo: Demo;
    before(async () => (demo = await startDemo(mode, { sessions: LIFETIMES })));
    after(() => demo.close());

    const cookieWith = (created: number, seen: number) =>
      `sid=${forge(mode, SECRET, envelopeJson({ created, seen, data: { user_id: 'alice' } }))}`;

    it('D21 an authentic cookie created before max age is refused even when its last activity is fresh', async () => {
      const now = demo.clock.seconds;
      assert.equal(await whoAmI(demo, cookieWith(now - 60, now - 60)), 'alice', 'control: a fresh cookie opens');
      assert.equal(await whoAmI(demo, cookieWith(now - MAX_AGE - 1, now)), undefined);
      assert.equal(await whoAmI(demo, cookieWith(now - MAX_AGE, now)), undefined);
    });

    it('D23 a cookie dated within the 60 s leeway opens; one dated further in the future is refused', async () => {
      const now = demo.clock.seconds;
      assert.equal(await whoAmI(demo, cookieWith(now + 30, now + 30)), 'alice');
      assert.equal(await whoAmI(demo, cookieWith(now + 61, now + 61)), undefined);
      assert.equal(await whoAmI(demo, cookieWith(now - 10, now + 600)), undefined);
      assert.equal(await whoAmI(demo, cookieWith(now + 600, now)), undefined);
      assert.ok(demo.invalid().includes('future'));
    });
  });
}

describe('D23 the clock leeway is bounded', () => {
  it('D23 clockLeeway is capped at 300 s: 300 starts, 301 (or Infinity) is refused at start-up with ERR_LIFETIME naming the option', () => {
    assert.equal(createSessions({ secret: SECRET, clockLeeway: 300 }).options.clockLeeway, 300);
    for (const clockLeeway of [301, 3600, Number.POSITIVE_INFINITY]) {
      assert.throws(
        () => createSessions({ secret: SECRET, clockLeeway }),
        (error: unknown) =>
          error instanceof ConfigError && error.code === 'ERR_LIFETIME' && /`clockLeeway` must be 0 to 300 seconds/.test(error.message),
        String(clockLeeway),
      );
    }
  });
});
