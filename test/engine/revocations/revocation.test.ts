import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  memoryRevocations,
  memoryStore,
  type Session,
  type SessionEvent,
  type SessionOptions,
  type SessionStore,
  StoreError,
} from 'hallpass';
import { sqliteRevocations, sqliteStore } from 'hallpass/sqlite';
import { commitNow, loadNow } from '../../../src/engine/sessions-internals.js';
import { frozenClock } from '../../support/clock.js';
import { cookiePair, EXPIRED } from '../../support/cookies.js';
import { harness } from '../../support/core-fixtures.js';
import { openDatabase } from '../../support/sqlite.js';

const variants: Array<[string, () => Partial<SessionOptions>]> = [
  ['the default in-memory list', () => ({})],
  ['sqliteRevocations', () => ({ revocations: sqliteRevocations(openDatabase(':memory:')) })],
  ['a revocation store', () => ({ revocationStore: sqliteStore(openDatabase(':memory:'), { cleanupIntervalMs: 0 }) })],
];

for (const [label, extra] of variants) {
  describe(`cookie-mode logout with ${label}`, () => {
    async function loggedIn(options = {}) {
      const h = harness({ ...extra(), ...options });
      const { result } = await h.request(undefined, (s) => {
        s.set('user_id', 'alice');
        s.userId = 'alice';
      });
      return { h, cookie: cookiePair(result.setCookie) };
    }

    it('refuses a cookie captured before destroy() as revoked', async () => {
      const { h, cookie } = await loggedIn();
      assert.equal((await h.request(cookie, (s) => s.destroy())).result.setCookie, EXPIRED);
      h.log.events.length = 0;
      const replay = await h.sessions.load(cookie);
      assert.equal(replay.isNew, true);
      assert.equal(replay.get('user_id'), undefined);
      assert.equal(replay.userId, undefined);
      assert.deepEqual(h.log.events, [{ type: 'invalid', reason: 'revoked', codec: 'sealed' }]);
    });

    it('refuses a cookie captured before clear() as revoked', async () => {
      const { h, cookie } = await loggedIn();
      assert.equal((await h.request(cookie, (s) => s.clear())).result.setCookie, EXPIRED);
      assert.equal((await h.sessions.load(cookie)).isNew, true);
      assert.deepEqual(h.log.invalid(), ['revoked']);
    });

    it('refuses a cookie captured before regenerate() and accepts the new one', async () => {
      const { h, cookie } = await loggedIn();
      const { result } = await h.request(cookie, (s) => s.regenerate());
      assert.ok(result.setCookie);
      assert.equal((await h.sessions.load(cookie)).isNew, true);
      assert.deepEqual(h.log.invalid(), ['revoked']);
      const fresh = await h.sessions.load(cookiePair(result.setCookie));
      assert.equal(fresh.get('user_id'), 'alice');
    });

    it('refuses the old cookie when the app drops the user without regenerate()', async () => {
      const { h, cookie } = await loggedIn();
      const { result } = await h.request(cookie, (s) => {
        s.userId = undefined;
        s.delete('user_id');
        s.set('theme', 'dark');
      });
      const after = await h.sessions.load(cookiePair(result.setCookie));
      assert.equal(after.get('theme'), 'dark');
      assert.equal(after.userId, undefined);
      const replay = await h.sessions.load(cookie);
      assert.equal(replay.isNew, true, 'the copy that still names alice is refused');
      assert.deepEqual(h.log.invalid(), ['revoked']);
    });

    for (const [what, work] of [
      ['a write', (s: Session) => s.set('cart', ['late'])],
      ['a regenerate()', (s: Session) => s.regenerate()],
      ['an idle-timeout slide', (s: Session) => s.get('cart')],
    ] as const) {
      it(`issues no cookie from ${what} in a request that loaded before a logout and commits after it`, async () => {
        const { h, cookie } = await loggedIn();
        h.clock.advance(3 * 3600); // the idle timeout is due to slide
        const inFlight = await h.sessions.load(cookie);
        assert.equal(inFlight.userId, 'alice', 'read before the logout');
        await h.request(cookie, (s) => s.destroy());
        work(inFlight);
        const late = await h.sessions.commit(inFlight);
        assert.equal(late.setCookie, EXPIRED);
        assert.ok(h.log.events.some((event) => event.type === 'conflict'));
        h.clock.advance(26 * 3600); // past the revocation's own deadline: nothing re-issued may open
        assert.equal((await h.sessions.load(cookie)).userId, undefined);
      });
    }

    it('keeps other sessions valid', async () => {
      const { h, cookie } = await loggedIn();
      const other = await h.request(undefined, (s) => {
        s.set('user_id', 'bob');
        s.userId = 'bob';
      });
      await h.request(cookie, (s) => s.destroy());
      assert.equal((await h.sessions.load(cookiePair(other.result.setCookie))).get('user_id'), 'bob');
    });

    it('records nothing for a guest session that ends (a flash shown, a cart emptied)', async () => {
      const revocations = extra().revocations ?? memoryRevocations();
      const spy = countingRevocations(revocations);
      const h = harness({ revocations: spy });
      for (let i = 0; i < 50; i++) {
        const { result } = await h.request(undefined, (s) => s.set('flash', 'hello'));
        await h.request(cookiePair(result.setCookie), (s) => s.delete('flash'));
      }
      assert.equal(spy.revoked, 0);
    });
  });
}

/** Counts what a `Revocations` is asked, passing every call through. */
function countingRevocations(inner: NonNullable<SessionOptions['revocations']>) {
  const spy = {
    durable: inner.durable,
    synchronous: inner.synchronous,
    revoked: 0,
    checked: 0,
    isRevoked(id: string, now: number) {
      spy.checked++;
      return inner.isRevoked(id, now);
    },
    revoke(entry: Parameters<typeof inner.revoke>[0], now: number) {
      spy.revoked++;
      return inner.revoke(entry, now);
    },
  };
  return spy;
}

describe('revocation lifetimes', () => {
  it('keeps a revocation only until the idle deadline when that comes before the absolute one', async () => {
    const calls: Array<{ key: string; ttl: number }> = [];
    const inner = sqliteStore(openDatabase(':memory:'), { cleanupIntervalMs: 0 });
    const store: SessionStore = {
      evicts: false,
      get: (key) => inner.get(key),
      destroy: (key) => inner.destroy(key),
      touch: (...args) => inner.touch(...args),
      patch: (...args) => inner.patch(...args),
      set: (key, record, ttl) => {
        calls.push({ key, ttl });
        return inner.set(key, record, ttl);
      },
    };
    const h = harness({ revocationStore: store, maxAge: 14 * 24 * 3600, idleTimeout: 3600, clockLeeway: 60 });
    const { result, session } = await h.request(undefined, (s) => {
      s.userId = 'alice';
    });
    h.clock.advance(600);
    await h.request(cookiePair(result.setCookie), (s) => s.destroy());
    // Every cookie of the session was issued by now: none is accepted past now + idleTimeout (+ leeway).
    assert.deepEqual(calls, [{ key: `revoked:${session.id}`, ttl: 3600 + 60 }]);
  });

  it('keeps a revocation only until the absolute deadline when that comes first', async () => {
    const list = memoryRevocations();
    const h = harness({ revocations: list, maxAge: 3600, idleTimeout: false, clockLeeway: 0 });
    const { result } = await h.request(undefined, (s) => {
      s.userId = 'alice';
    });
    h.clock.advance(600);
    const cookie = cookiePair(result.setCookie);
    await h.request(cookie, (s) => s.destroy());
    assert.equal(list.size, 1);
    h.clock.advance(3000 - 1);
    assert.equal((await h.sessions.load(cookie)).isNew, true);
    assert.deepEqual(h.log.invalid(), ['revoked']);
    h.clock.advance(1);
    assert.equal((await h.sessions.load(cookie)).isNew, true);
    assert.deepEqual(h.log.invalid(), ['revoked', 'expired'], 'refused for its age, the revocation no longer needed');
  });

  it('fails load and commit with a StoreError when the revocation store fails', async () => {
    const broken: SessionStore = {
      evicts: false,
      get: async () => {
        throw new Error('connection refused');
      },
      set: async () => {
        throw new Error('connection refused');
      },
      destroy: async () => false,
      touch: async () => false,
      patch: async () => false,
    };
    const writer = harness();
    const { result } = await writer.request(undefined, (s) => {
      s.userId = 'alice';
    });
    const cookie = cookiePair(result.setCookie);
    const h = harness({ revocationStore: broken });
    await assert.rejects(h.sessions.load(cookie), (error: unknown) => {
      assert.ok(error instanceof StoreError);
      assert.equal(error.code, 'ERR_STORE');
      assert.equal((error.cause as Error).message, 'connection refused');
      return true;
    });
    const lenient = harness({ revocationStore: { ...broken, get: async () => null } });
    const session = await lenient.sessions.load(cookie);
    session.destroy();
    await assert.rejects(lenient.sessions.commit(session), { code: 'ERR_STORE' });
  });

  it('asks a revocation store nothing for a cookie that never held a user', async () => {
    let gets = 0;
    const inner = sqliteStore(openDatabase(':memory:'), { cleanupIntervalMs: 0 });
    const store: SessionStore = {
      evicts: false,
      get: (key) => {
        gets++;
        return inner.get(key);
      },
      set: (...args) => inner.set(...args),
      destroy: (key) => inner.destroy(key),
      touch: (...args) => inner.touch(...args),
      patch: (...args) => inner.patch(...args),
    };
    const h = harness({ revocationStore: store });
    const guest = await h.request(undefined, (s) => s.set('cart', ['pear']));
    for (let i = 0; i < 5; i++) await h.request(cookiePair(guest.result.setCookie), (s) => s.get('cart'));
    assert.equal(gets, 0);
    const member = await h.request(undefined, (s) => {
      s.userId = 'alice';
    });
    await h.request(cookiePair(member.result.setCookie), (s) => s.get('cart'));
    assert.equal(gets, 1);
  });
});

describe('revocation stores that evict are refused', () => {
  it('refuses memoryStore(), an LRU, as the revocation store, naming the fix', () => {
    assert.throws(
      () => harness({ revocationStore: memoryStore() }),
      (error: Error & { code?: string }) =>
        error.code === 'ERR_OPTION' && /evicts records/.test(error.message) && /sqliteRevocations/.test(error.message),
    );
  });

  it('refuses a store that does not declare evicts: false', () => {
    const inner = sqliteStore(openDatabase(':memory:'), { cleanupIntervalMs: 0 });
    const undeclared: SessionStore = {
      get: (key) => inner.get(key),
      set: (...args) => inner.set(...args),
      destroy: (key) => inner.destroy(key),
      touch: (...args) => inner.touch(...args),
      patch: (...args) => inner.patch(...args),
    };
    assert.throws(() => harness({ revocationStore: undeclared }), /does not declare `evicts: false`/);
  });

  it('refuses revocations in server mode, where a logout deletes the record', () => {
    assert.throws(() => harness({ store: memoryStore(), revocations: memoryRevocations() }), { code: 'ERR_OPTION' });
  });
});

describe('the in-memory revocation list under a flood', () => {
  const entry = (id: string, userId: string, until: number) => ({ id, userId, until });

  it('never invalidates a live session, whatever other users revoke (no global cut-off)', () => {
    const clock = frozenClock();
    const list = memoryRevocations({ max: 100, perUser: 4 });
    const until = clock.seconds + 3600;
    for (let i = 0; i < 5000; i++) list.revoke(entry(`flood-${i}`, `attacker-${i % 700}`, until), clock.seconds);
    assert.equal(list.isRevoked('live-victim-session', clock.seconds), false);
    assert.equal(list.size, 100);
  });

  it("drops a flooding user's own oldest entries first, never another user's", () => {
    const clock = frozenClock();
    const events: SessionEvent[] = [];
    const list = memoryRevocations({ max: 1000, perUser: 32, onEvent: (event) => events.push(event) });
    const until = clock.seconds + 3600;
    list.revoke(entry('victim-old-cookie', 'victim', until), clock.seconds);
    for (let i = 0; i < 100_000; i++) list.revoke(entry(`attacker-${i}`, 'attacker', until), clock.seconds);
    assert.equal(list.isRevoked('victim-old-cookie', clock.seconds), true);
    assert.equal(list.size, 33);
    assert.equal(list.isRevoked('attacker-99999', clock.seconds), true);
    assert.equal(list.isRevoked('attacker-0', clock.seconds), false);
    assert.equal(events.length, 100_000 - 32);
    assert.deepEqual(events[0], { type: 'revocation-overflow', scope: 'user', dropped: 1, userId: 'attacker' });
  });

  it('when the whole list is full, drops from the user holding the most entries first', () => {
    const clock = frozenClock();
    const events: SessionEvent[] = [];
    const list = memoryRevocations({ max: 100, perUser: 32, onEvent: (event) => events.push(event) });
    const until = clock.seconds + 3600;
    list.revoke(entry('victim-old-cookie', 'victim', until), clock.seconds);
    // Fifty accounts, each up to its own bound: ten times what the whole list holds.
    for (let round = 0; round < 32; round++) {
      for (let user = 0; user < 50; user++) list.revoke(entry(`a${user}-${round}`, `account-${user}`, until), clock.seconds);
    }
    assert.equal(list.size, 100);
    assert.equal(list.isRevoked('victim-old-cookie', clock.seconds), true, 'the victim held one entry, the flooders many');
    assert.ok(events.every((event) => event.type === 'revocation-overflow' && event.scope === 'all' && event.userId !== 'victim'));
  });

  it('with as many one-entry accounts as the list holds, drops the oldest and says so', () => {
    const clock = frozenClock();
    const events: SessionEvent[] = [];
    const list = memoryRevocations({ max: 100, onEvent: (event) => events.push(event) });
    const until = clock.seconds + 3600;
    list.revoke(entry('victim-old-cookie', 'victim', until), clock.seconds);
    for (let i = 0; i < 100; i++) list.revoke(entry(`s${i}`, `sybil-${i}`, until), clock.seconds);
    // The residual risk docs/security.md states: `max` one-entry accounts push out the oldest entry.
    assert.equal(list.isRevoked('victim-old-cookie', clock.seconds), false);
    assert.deepEqual(events, [{ type: 'revocation-overflow', scope: 'all', dropped: 1, userId: 'victim' }]);
  });

  it('forgets entries whose cookies can no longer be accepted, so expired ones never crowd out live ones', () => {
    const clock = frozenClock();
    const events: SessionEvent[] = [];
    const list = memoryRevocations({ max: 10, onEvent: (event) => events.push(event) });
    for (let i = 0; i < 10; i++) list.revoke(entry(`old-${i}`, `user-${i}`, clock.seconds + 60), clock.seconds);
    clock.advance(60);
    assert.equal(list.isRevoked('old-0', clock.seconds), false, 'past its deadline');
    // The wheel sweeps a minute once it is over: an entry counts against the bounds at most a minute past its deadline.
    clock.advance(60);
    for (let i = 0; i < 10; i++) list.revoke(entry(`new-${i}`, `user-${i}`, clock.seconds + 60), clock.seconds);
    assert.equal(list.size, 10);
    assert.equal(list.isRevoked('new-0', clock.seconds), true);
    assert.deepEqual(events, [], 'nothing live was dropped');
  });

  it("lets no expired entry take a live one's place, whatever order the deadlines came in", () => {
    const clock = frozenClock();
    const events: SessionEvent[] = [];
    const list = memoryRevocations({ max: 3, onEvent: (event) => events.push(event) });
    list.revoke(entry('long-lived', 'victim', clock.seconds + 100_000), clock.seconds);
    list.revoke(entry('short-1', 'u1', clock.seconds + 5), clock.seconds);
    list.revoke(entry('short-2', 'u2', clock.seconds + 5), clock.seconds);
    clock.advance(180);
    list.revoke(entry('new-1', 'u3', clock.seconds + 100), clock.seconds);
    list.revoke(entry('new-2', 'u4', clock.seconds + 100), clock.seconds);
    assert.equal(list.size, 3);
    assert.equal(list.isRevoked('long-lived', clock.seconds), true);
    assert.deepEqual(events, []);
  });

  it('sweeps entries of a later turn of its wheel only once they expire', () => {
    const clock = frozenClock();
    const list = memoryRevocations();
    // Deadlines 68 hours apart share a slot of the wheel.
    list.revoke(entry('soon', 'a', clock.seconds + 120), clock.seconds);
    list.revoke(entry('later', 'b', clock.seconds + 120 + 4096 * 60), clock.seconds);
    clock.advance(240);
    list.revoke(entry('trigger', 'c', clock.seconds + 60), clock.seconds);
    assert.equal(list.size, 2);
    assert.equal(list.isRevoked('later', clock.seconds), true);
  });

  it('keeps the longer deadline when a session is revoked twice', () => {
    const clock = frozenClock();
    const list = memoryRevocations();
    list.revoke(entry('twice', 'alice', clock.seconds + 100), clock.seconds);
    list.revoke(entry('twice', 'alice', clock.seconds + 50), clock.seconds);
    list.revoke(entry('twice', 'alice', clock.seconds + 200), clock.seconds);
    assert.equal(list.size, 1);
    clock.advance(150);
    assert.equal(list.isRevoked('twice', clock.seconds), true);
  });

  it('refuses a bound that is not a whole number of entries', () => {
    assert.throws(() => memoryRevocations({ max: 0 }), { code: 'ERR_OPTION' });
    assert.throws(() => memoryRevocations({ perUser: 1.5 }), { code: 'ERR_OPTION' });
  });
});

describe('sqliteRevocations', () => {
  it('survives a restart: a new Sessions on the same file still refuses the logged-out cookie', async () => {
    const { mkdtempSync, rmSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const dir = mkdtempSync(join(tmpdir(), 'hallpass-revocations-'));
    try {
      const path = join(dir, 'revocations.db');
      const first = openDatabase(path);
      const before = harness({ revocations: sqliteRevocations(first) });
      const { result } = await before.request(undefined, (s) => {
        s.userId = 'alice';
      });
      const cookie = cookiePair(result.setCookie);
      await before.request(cookie, (s) => s.destroy());
      first.close();

      const second = openDatabase(path);
      const after = harness({ revocations: sqliteRevocations(second), now: before.clock.now });
      assert.equal((await after.sessions.load(cookie)).isNew, true);
      assert.deepEqual(after.log.invalid(), ['revoked']);
      second.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('answers without a promise, so an untouched request costs no lookup', async () => {
    const revocations = countingRevocations(sqliteRevocations(openDatabase(':memory:')));
    const h = harness({ revocations });
    const { result } = await h.request(undefined, (s) => {
      s.userId = 'alice';
    });
    const cookie = cookiePair(result.setCookie);
    const untouched = loadNow(h.sessions, cookie);
    assert.equal(untouched instanceof Promise, false);
    commitNow(h.sessions, untouched as Exclude<typeof untouched, Promise<unknown>>);
    assert.equal(revocations.checked, 0, 'a route that never reads its session asks nothing');
    await h.request(cookie, (s) => s.get('cart'));
    assert.equal(revocations.checked, 1);
  });

  it('is durable on a file and not on a database in memory', async () => {
    const { mkdtempSync, rmSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const dir = mkdtempSync(join(tmpdir(), 'hallpass-revocations-'));
    try {
      const db = openDatabase(join(dir, 'revocations.sqlite'));
      assert.equal(sqliteRevocations(db).durable, true);
      db.close();
      assert.equal(sqliteRevocations(openDatabase(':memory:')).durable, false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses a sweep interval that would never sweep', () => {
    for (const sweepEvery of [0, Number.NaN, Number.POSITIVE_INFINITY, 'x' as unknown as number]) {
      assert.throws(() => sqliteRevocations(openDatabase(':memory:'), { sweepEvery }), { code: 'ERR_OPTION' });
    }
  });

  it('deletes expired rows as it goes and keeps live ones', () => {
    const db = openDatabase(':memory:');
    const list = sqliteRevocations(db, { sweepEvery: 10 });
    const now = 1_750_000_000;
    for (let i = 0; i < 9; i++) list.revoke({ id: `old-${i}`, userId: 'u', until: now + 10 }, now);
    list.revoke({ id: 'live', userId: 'u', until: now + 1000 }, now + 20);
    const count = (db.prepare('SELECT count(*) AS n FROM hallpass_revocations').get() as { n: number }).n;
    assert.equal(count, 1);
    assert.equal(list.isRevoked('live', now + 20), true);
  });
});
