/**
 * Server-side store safety (G41-G44) and lifecycle events without secrets (I53), over HTTP against
 * the demo: hashed keys at rest, no store growth from junk cookies, fail-closed on store errors,
 * prototype-pollution payloads in cookies, bodies and raw records.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { memoryStore } from 'hallpass';
import { sha256, valueOfPair } from '../support/cookies.js';
import { SECRET } from '../support/core-fixtures.js';
import { envelopeJson, forge } from '../support/forge.js';
import { ALL_MODES, COOKIE_MODES, type Demo, login, SERVER_MODES, startDemo, whoAmI } from './support/demo.js';

const UNAVAILABLE = { error: 'session_store_unavailable', message: 'The session store is unavailable; please try again shortly.' };

/** Rows of the SQLite session table, every column as text. */
function sqliteRows(demo: Demo): string[] {
  const rows = demo.db?.prepare('SELECT * FROM hallpass_sessions').all() as Record<string, unknown>[];
  return rows.map((row) => JSON.stringify(row));
}

for (const mode of SERVER_MODES) {
  describe(`G41 tokens are hashed at rest (${mode})`, () => {
    let demo: Demo;
    before(async () => (demo = await startDemo(mode)));
    after(() => demo.close());

    it('G41 the store sees only SHA-256(token), never the token, and the hash itself opens nothing', async () => {
      const { pair } = await login(demo, 'alice');
      const token = valueOfPair(pair);
      const keys = new Set((demo.spy?.calls ?? []).map((c) => c.key));
      assert.ok(keys.has(sha256(token)));
      assert.ok(!keys.has(token));
      for (const call of demo.spy?.calls ?? []) assert.ok(!JSON.stringify(call.args).includes(token));
      if (demo.db) {
        const rows = sqliteRows(demo);
        assert.equal(rows.length, 1);
        assert.ok(rows[0]?.includes(sha256(token)) && !rows[0]?.includes(token));
      }
      assert.equal(await whoAmI(demo, `sid=${sha256(token)}`), undefined);
    });
  });
}

describe('G42 no unbounded session creation', () => {
  it('G42 10,000 random well-formed cookies and 2,000 cookie-less reads create nothing and set no cookie', async () => {
    const demo = await startDemo('memory');
    try {
      const store = demo.store as ReturnType<typeof memoryStore>;
      await login(demo, 'alice');
      const before = store.size;
      let cookies = 0;
      const work = Array.from({ length: 16 }, async (_, lane) => {
        for (let i = lane; i < 12_000; i += 16) {
          const cookie = i < 10_000 ? `sid=${randomBytes(32).toString('base64url')}` : undefined;
          const reply = await demo.call('GET', '/session', { cookie });
          cookies += reply.setCookie.length;
        }
      });
      await Promise.all(work);
      assert.equal(store.size, before);
      assert.equal(cookies, 0);
      assert.equal(demo.spy?.calls.filter((c) => c.op !== 'get').length, 1, 'only the login wrote');
    } finally {
      await demo.close();
    }
  });

  it('G42 the memory store is bounded: 500 logins into max 100 keep 100 sessions', async () => {
    const store = memoryStore({ max: 100 });
    const demo = await startDemo('memory', { store });
    try {
      for (let i = 0; i < 500; i++) await login(demo, `user${i}`);
      assert.equal(store.size, 100);
    } finally {
      await demo.close();
    }
  });

  it('G42 an oversized body is refused by the demo before it reaches the session (413)', async () => {
    const demo = await startDemo('sqlite');
    try {
      const reply = await demo.call('POST', '/session', { json: { blob: 'x'.repeat(1024 * 1024) } });
      assert.equal(reply.status, 413);
      assert.deepEqual(reply.setCookie, []);
      assert.deepEqual(sqliteRows(demo), []);
    } finally {
      await demo.close();
    }
  });
});

for (const mode of SERVER_MODES) {
  describe(`G43 store failures fail closed (${mode})`, () => {
    let demo: Demo;
    before(async () => (demo = await startDemo(mode, { sessions: { storeTimeout: 200 } })));
    after(() => demo.close());

    it('G43 a failing store answers 503 (never a session), a login is not issued a cookie, and service resumes', async () => {
      const { pair } = await login(demo, 'alice');
      const spy = demo.spy as NonNullable<Demo['spy']>;
      spy.control.fault = 'fail';
      const read = await demo.call('GET', '/session', { cookie: pair });
      assert.equal(read.status, 503);
      assert.deepEqual(read.json, UNAVAILABLE);
      assert.deepEqual(read.setCookie, []);
      spy.control.only = new Set(['set']);
      const signIn = await demo.call('POST', '/login', { json: { username: 'bob' } });
      assert.equal(signIn.status, 503);
      assert.deepEqual(signIn.setCookie, []);
      spy.control.fault = 'none';
      spy.control.only = undefined;
      assert.equal(await whoAmI(demo, pair), 'alice');
    });

    it('G43 a hanging store answers 503 within the store timeout', async () => {
      const { pair } = await login(demo, 'alice');
      const spy = demo.spy as NonNullable<Demo['spy']>;
      spy.control.fault = 'hang';
      const started = performance.now();
      const read = await demo.call('GET', '/session', { cookie: pair });
      const elapsed = performance.now() - started;
      spy.control.fault = 'none';
      assert.equal(read.status, 503);
      assert.ok(elapsed >= 190 && elapsed < 1500, `${elapsed.toFixed(0)} ms`);
      assert.equal(await whoAmI(demo, pair), 'alice');
    });
  });
}

for (const mode of ALL_MODES) {
  describe(`G44 prototype-pollution payloads are plain data (${mode})`, () => {
    let demo: Demo;
    before(async () => (demo = await startDemo(mode)));
    after(() => demo.close());

    it('G44 __proto__ / constructor.prototype keys in a POST /session body pollute nothing and grant nothing', async () => {
      const body =
        '{"__proto__":{"polluted":1,"user_id":"admin"},"constructor":{"prototype":{"polluted":2}},"prototype":{"user_id":"admin"}}';
      const write = await demo.call('POST', '/session', { json: JSON.parse(body) });
      assert.equal(write.status, 200);
      const pair = (write.setCookie[0] as string).split(';')[0] as string;
      const read = await demo.call('GET', '/session', { cookie: pair });
      assert.equal(read.status, 200);
      assert.equal(read.json.user_id, undefined);
      assert.equal(read.json.polluted, undefined);
      assert.deepEqual(Object.keys(JSON.parse(read.text)).sort(), ['__proto__', 'constructor', 'prototype']);
      assert.equal(({} as Record<string, unknown>).polluted, undefined);
      assert.equal(({} as Record<string, unknown>).user_id, undefined);
      assert.match((await demo.call('GET', '/', { cookie: pair })).json.message, /guest/);
    });
  });
}

for (const mode of COOKIE_MODES) {
  describe(`G44 pollution inside an authentic cookie (${mode})`, () => {
    let demo: Demo;
    before(async () => (demo = await startDemo(mode)));
    after(() => demo.close());

    it('G44 a cookie sealed with the real key whose data holds __proto__ and constructor payloads grants nothing', async () => {
      const now = demo.clock.seconds;
      const data = JSON.parse('{"__proto__":{"user_id":"admin"},"constructor":{"prototype":{"user_id":"admin"}}}');
      const cookie = `sid=${forge(mode, SECRET, envelopeJson({ created: now, seen: now, data }))}`;
      assert.equal(await whoAmI(demo, cookie), undefined);
      const envelope = `{"__proto__":{"data":{"user_id":"admin"}},"id":"AAAAAAAAAAAAAAAAAAAAAA","created":${now},"seen":${now},"data":{}}`;
      assert.equal(await whoAmI(demo, `sid=${forge(mode, SECRET, envelope)}`), undefined);
      assert.equal(({} as Record<string, unknown>).user_id, undefined);
    });
  });
}

for (const mode of SERVER_MODES) {
  describe(`G44 pollution inside a raw store record (${mode})`, () => {
    let demo: Demo;
    before(async () => (demo = await startDemo(mode)));
    after(() => demo.close());

    it('G44 a record whose data is {"__proto__":{"user_id":"admin"}} grants nothing', async () => {
      const token = 'R'.repeat(43);
      const now = demo.clock.seconds;
      const text = '{"__proto__":{"user_id":"admin","isAdmin":true}}';
      if (demo.db) {
        demo.db
          .prepare('INSERT INTO hallpass_sessions (key, data, created_at, last_seen_at, user_id, expires_at) VALUES (?, ?, ?, ?, NULL, ?)')
          .run(sha256(token), text, now, now, demo.clock.now() + 3_600_000);
      } else {
        await (demo.store as NonNullable<Demo['store']>).set(
          sha256(token),
          { data: JSON.parse(text), createdAt: now, lastSeenAt: now },
          3600,
        );
      }
      const read = await demo.call('GET', '/session', { cookie: `sid=${token}` });
      assert.equal(read.json.user_id, undefined);
      assert.equal(read.json.isAdmin, undefined);
      assert.match((await demo.call('GET', '/', { cookie: `sid=${token}` })).json.message, /guest/);
    });
  });
}

for (const mode of ALL_MODES) {
  describe(`I53 lifecycle events carry no token, cookie or secret (${mode})`, () => {
    let demo: Demo;
    before(async () => (demo = await startDemo(mode)));
    after(() => demo.close());

    it('I53 100 altered cookies give 100 invalid events; no event or error message contains a cookie value or the secret', async () => {
      const values: string[] = [];
      const { pair } = await login(demo, 'alice');
      values.push(valueOfPair(pair));
      const cart = await demo.call('POST', '/cart', { cookie: pair, json: { item: 'apple' } });
      if (cart.setCookie[0]) values.push(valueOfPair((cart.setCookie[0] as string).split(';')[0] as string));
      const again = await login(demo, 'alice', pair);
      values.push(valueOfPair(again.pair));
      const before = demo.invalid().length;
      const value = values.at(-1) as string;
      for (let i = 0; i < 100; i++) {
        const at = value.length - 1 - (i % 20);
        const altered = value.slice(0, at) + (value[at] === 'A' ? 'B' : 'A') + value.slice(at + 1);
        await demo.call('GET', '/session', { cookie: `sid=${altered}` });
      }
      assert.equal(demo.invalid().length - before, 100);
      if (demo.spy) {
        demo.spy.control.fault = 'fail';
        const failed = await demo.call('GET', '/session', { cookie: again.pair });
        demo.spy.control.fault = 'none';
        assert.ok(!failed.text.includes(value));
      }
      await demo.call('POST', '/logout', { cookie: again.pair });
      const log = JSON.stringify(demo.events, (_key, v) => (v instanceof Error ? `${v.message} ${String(v.cause)}` : v));
      for (const secretish of [...values, SECRET]) assert.ok(!log.includes(secretish), 'an event carried a cookie value or the secret');
      assert.ok(demo.events.some((e) => e.type === 'regenerated') && demo.events.some((e) => e.type === 'destroyed'));
    });
  });
}
