import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { HallpassError, type Session, SessionValueError } from 'hallpass';
import { cookiePair } from '../support/cookies.js';
import { harness } from '../support/core-fixtures.js';

type Data = { user_id: string; cart: string[]; visits: number; prefs: { theme: string } };

/** A session loaded from a cookie that already holds `seed`, so tests start from a persisted state. */
async function sessionWith(seed: Partial<Data>) {
  const h = harness<Data>();
  const first = await h.request(undefined, (session) => {
    for (const [key, value] of Object.entries(seed)) session.set(key as keyof Data, value as never);
  });
  const session = await h.sessions.load(cookiePair(first.result.setCookie));
  return { h, session };
}

function refusesValue(session: Session<any>, value: unknown, pattern: RegExp): void {
  assert.throws(
    () => session.set('thing', value),
    (error: unknown) => {
      assert.ok(error instanceof SessionValueError, `expected SessionValueError, got ${String(error)}`);
      assert.ok(error instanceof HallpassError);
      assert.equal(error.code, 'ERR_SESSION_VALUE');
      assert.match(error.message, /session\.set\("thing"\) refused/);
      assert.match(error.message, pattern);
      assert.match(error.message, /must be JSON data/);
      return true;
    },
  );
}

describe('Session', () => {
  describe('reading and writing keys', () => {
    it('gets a value, or undefined, or the fallback', async () => {
      const { session } = await sessionWith({ user_id: 'alice', visits: 3 });
      assert.equal(session.get('user_id'), 'alice');
      assert.equal(session.get('visits', 0), 3);
      assert.equal(session.get('cart'), undefined);
      assert.deepEqual(session.get('cart', []), []);
    });

    it('returns the fallback only when the key is absent, not for stored falsy values', async () => {
      const h = harness<{ n: number; s: string; b: boolean; z: null }>();
      const session = await h.sessions.load(undefined);
      session.set('n', 0);
      session.set('s', '');
      session.set('b', false);
      session.set('z', null);
      assert.equal(session.get('n', 7), 0);
      assert.equal(session.get('s', 'x'), '');
      assert.equal(session.get('b', true), false);
      assert.equal(session.get('z', 'x' as never), null);
    });

    it('sets, tests, deletes and lists keys', async () => {
      const { session } = await sessionWith({ user_id: 'alice' });
      session.set('visits', 1);
      session.set('cart', ['apple']);
      assert.equal(session.has('visits'), true);
      assert.equal(session.has('prefs'), false);
      assert.deepEqual(session.keys(), ['user_id', 'visits', 'cart']);
      assert.equal(session.delete('visits'), true);
      assert.equal(session.delete('visits'), false);
      assert.equal(session.has('visits'), false);
      assert.deepEqual(session.keys(), ['user_id', 'cart']);
      assert.deepEqual(session.toJSON(), { user_id: 'alice', cart: ['apple'] });
    });

    it('clears every key and the user link', async () => {
      const { session } = await sessionWith({ user_id: 'alice', visits: 2 });
      session.userId = 'alice';
      session.clear();
      assert.deepEqual(session.keys(), []);
      assert.equal(session.get('user_id'), undefined);
      assert.equal(session.userId, undefined);
    });

    it('inherits nothing: prototype names read as absent', async () => {
      const h = harness();
      const session = await h.sessions.load(undefined);
      for (const key of ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf', 'prototype']) {
        assert.equal(session.get(key), undefined, key);
        assert.equal(session.has(key), false, key);
        assert.equal(session.get(key, 'fallback'), 'fallback', key);
      }
    });

    it('keeps a key named __proto__ as plain data without touching any prototype', async () => {
      const h = harness();
      const session = await h.sessions.load(undefined);
      session.set('__proto__', { polluted: true });
      session.set('constructor', 'plain');
      assert.deepEqual(session.get('__proto__'), { polluted: true });
      assert.equal(session.get('constructor'), 'plain');
      assert.deepEqual(session.keys().sort(), ['__proto__', 'constructor']);
      assert.equal(({} as Record<string, unknown>).polluted, undefined);
      const copy = session.toJSON() as Record<string, unknown>;
      assert.equal(Object.getPrototypeOf(copy), Object.prototype);
      assert.deepEqual(Object.keys(copy).sort(), ['__proto__', 'constructor']);
    });
  });

  describe('JSON-only values', () => {
    it('accepts JSON data: strings, finite numbers, booleans, null, arrays and plain objects', async () => {
      const h = harness();
      const session = await h.sessions.load(undefined);
      const shared = { a: 1 };
      const values = [
        'text',
        '',
        '☃ \u{1F600}',
        0,
        -1.5,
        Number.MAX_SAFE_INTEGER,
        true,
        false,
        null,
        [],
        [1, 'two', null, [3]],
        {},
        { nested: { deeper: [{ x: 1 }] } },
        Object.assign(Object.create(null), { bare: true }),
        { left: shared, right: shared },
      ];
      values.forEach((value, index) => {
        assert.doesNotThrow(() => session.set('thing', value), `value #${index}`);
      });
    });

    it('refuses values JSON cannot carry, when set', async () => {
      const h = harness();
      const session = await h.sessions.load(undefined);
      class Cart {
        items = [];
      }
      refusesValue(session, new Date(0), /a Date \(store date\.toISOString\(\) instead\)/);
      refusesValue(session, new Map(), /a Map/);
      refusesValue(session, new Set([1]), /a Set/);
      refusesValue(session, () => 1, /a value of type function/);
      refusesValue(session, undefined, /a value of type undefined/);
      refusesValue(session, Number.NaN, /the number NaN/);
      refusesValue(session, Number.POSITIVE_INFINITY, /the number Infinity/);
      refusesValue(session, Number.NEGATIVE_INFINITY, /the number -Infinity/);
      refusesValue(session, 10n, /a value of type bigint/);
      refusesValue(session, Symbol('s'), /a value of type symbol/);
      refusesValue(session, new Cart(), /a Cart/);
      refusesValue(session, new Uint8Array(2), /a Uint8Array/);
      refusesValue(session, new String('boxed'), /a String/);
      refusesValue(session, /re/, /a RegExp/);
    });

    it('refuses bad values nested anywhere', async () => {
      const h = harness();
      const session = await h.sessions.load(undefined);
      refusesValue(session, { at: new Date(0) }, /a Date/);
      refusesValue(session, [1, [2, [Number.NaN]]], /the number NaN/);
      refusesValue(session, { list: [{ fn: () => 1 }] }, /function/);
      refusesValue(session, { missing: undefined }, /undefined/);
      // biome-ignore lint/suspicious/noSparseArray: a hole is what is being refused
      refusesValue(session, [1, , 3], /undefined/);
    });

    it('refuses cycles', async () => {
      const h = harness();
      const session = await h.sessions.load(undefined);
      const loop: Record<string, unknown> = { name: 'loop' };
      loop.self = loop;
      refusesValue(session, loop, /a circular reference/);
      const list: unknown[] = [];
      list.push({ back: list });
      refusesValue(session, list, /a circular reference/);
    });

    it('leaves the session unchanged when a value is refused', async () => {
      const { h, session } = await sessionWith({ user_id: 'alice' });
      assert.throws(() => session.set('user_id', new Date() as never), SessionValueError);
      assert.equal(session.get('user_id'), 'alice');
      assert.equal((await h.sessions.commit(session)).setCookie, undefined);
    });

    it('refuses a key that is not a string', async () => {
      const h = harness();
      const session = await h.sessions.load(undefined);
      assert.throws(() => session.set(1 as unknown as string, 'x'), { name: 'SessionValueError', code: 'ERR_SESSION_VALUE' });
    });

    it('refuses a userId that is not a non-empty string', async () => {
      const h = harness();
      const session = await h.sessions.load(undefined);
      assert.throws(
        () => {
          session.userId = '';
        },
        { name: 'SessionValueError', code: 'ERR_SESSION_VALUE' },
      );
      assert.throws(
        () => {
          session.userId = 42 as unknown as string;
        },
        { name: 'SessionValueError', code: 'ERR_SESSION_VALUE' },
      );
    });
  });

  describe('identity and lifecycle', () => {
    it('is new on a first visit and not new once its cookie comes back', async () => {
      const h = harness();
      const first = await h.request(undefined, (session) => {
        assert.equal(session.isNew, true);
        session.set('visits', 1);
      });
      const second = await h.sessions.load(cookiePair(first.result.setCookie));
      assert.equal(second.isNew, false);
      assert.equal(second.id, first.session.id);
      assert.equal(second.createdAt, h.clock.seconds);
      assert.equal(second.lastSeenAt, h.clock.seconds);
    });

    it('has a 128-bit random inner ID', async () => {
      const h = harness();
      const ids = new Set<string>();
      for (let i = 0; i < 200; i++) ids.add((await h.sessions.load(undefined)).id);
      assert.equal(ids.size, 200);
      for (const id of ids) assert.match(id, /^[A-Za-z0-9_-]{22}$/);
    });

    it('regenerate gives a new inner ID and keeps the data', async () => {
      const { h, session } = await sessionWith({ user_id: 'alice', visits: 2 });
      const before = session.id;
      h.clock.advance(30);
      session.regenerate();
      assert.notEqual(session.id, before);
      assert.deepEqual(session.toJSON(), { user_id: 'alice', visits: 2 });
      const { setCookie } = await h.sessions.commit(session);
      const next = await h.sessions.load(cookiePair(setCookie));
      assert.equal(next.id, session.id);
      assert.deepEqual(next.toJSON(), { user_id: 'alice', visits: 2 });
      assert.equal(next.createdAt, h.clock.seconds, 'regeneration restarts the absolute lifetime');
      assert.deepEqual(
        h.log.events.filter((event) => event.type === 'regenerated'),
        [{ type: 'regenerated', id: session.id, previousId: before }],
      );
    });

    it('regenerate with keepData: false drops the data', async () => {
      const { h, session } = await sessionWith({ user_id: 'alice', visits: 2 });
      const before = session.id;
      session.regenerate({ keepData: false });
      assert.notEqual(session.id, before);
      assert.deepEqual(session.keys(), []);
      session.set('visits', 1);
      const next = await h.sessions.load(cookiePair((await h.sessions.commit(session)).setCookie));
      assert.deepEqual(next.toJSON(), { visits: 1 });
    });

    it('regenerate twice in a request still retires the original ID', async () => {
      const { h, session } = await sessionWith({ user_id: 'alice' });
      const original = session.id;
      session.regenerate();
      session.regenerate();
      await h.sessions.commit(session);
      assert.deepEqual(
        h.log.events.filter((event) => event.type === 'regenerated').map((event) => (event as { previousId: string }).previousId),
        [original],
      );
    });

    it('destroy ends the session: later use in the request throws ERR_SESSION_STATE', async () => {
      const { h, session } = await sessionWith({ user_id: 'alice' });
      const id = session.id;
      session.destroy();
      assert.throws(() => session.get('user_id'), { code: 'ERR_SESSION_STATE' });
      assert.throws(() => session.set('visits', 1), { code: 'ERR_SESSION_STATE' });
      const { setCookie } = await h.sessions.commit(session);
      assert.equal(setCookie, 'sid=; Path=/; Max-Age=0; HttpOnly; Secure; SameSite=Lax');
      assert.deepEqual(
        h.log.events.filter((event) => event.type === 'destroyed'),
        [{ type: 'destroyed', id }],
      );
    });

    it('links a user and carries the link in the cookie', async () => {
      const h = harness();
      const first = await h.request(undefined, (session) => {
        session.userId = 'u-1';
      });
      assert.ok(first.result.setCookie, 'a user link alone is worth a cookie');
      const next = await h.sessions.load(cookiePair(first.result.setCookie));
      assert.equal(next.userId, 'u-1');
      assert.deepEqual(next.keys(), []);
    });
  });
});

describe('Session after commit', () => {
  it('refuses changes once committed, with ERR_SESSION_STATE, instead of losing them silently', async () => {
    const { h, session } = await sessionWith({ visits: 1 });
    session.set('visits', 2);
    await h.sessions.commit(session);
    assert.equal(session.get('visits'), 2, 'reading stays allowed');
    for (const change of [
      () => session.set('visits', 3),
      () => session.delete('visits'),
      () => session.clear(),
      () => session.regenerate(),
      () => session.destroy(),
      () => {
        session.userId = 'alice';
      },
    ]) {
      assert.throws(change, (error: unknown) => error instanceof HallpassError && error.code === 'ERR_SESSION_STATE');
    }
  });

  it('refuses changes to a session committed before it was ever read', async () => {
    const h = harness<Data>();
    const session = await h.sessions.load(undefined);
    await h.sessions.commit(session);
    assert.throws(
      () => session.set('visits', 1),
      (error: unknown) => error instanceof HallpassError && /response has already started/.test(error.message),
    );
  });
});
