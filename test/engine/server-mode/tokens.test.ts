import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sha256 } from '../../support/cookies.js';
import { cookie, startApp, tokenOf } from './app.js';

describe('server mode: tokens and store keys', () => {
  it('a first write issues a 43-character random token with exact cookie attributes', async () => {
    const { app, calls } = await startApp();
    try {
      const reply = await app.request('/set?key=cart&value=apple');
      const token = tokenOf(reply);
      assert.deepEqual(reply.setCookie, [`sid=${token}; Path=/; Max-Age=1209600; HttpOnly; Secure; SameSite=Lax`]);
      assert.equal(reply.headers.get('cache-control'), 'private, no-store');
      assert.equal(reply.headers.get('vary'), 'Cookie');
      assert.deepEqual(
        calls.map((call) => [call.op, call.key]),
        [['set', sha256(token)]],
      );
      const other = tokenOf(await app.request('/set?key=cart&value=pear'));
      assert.notEqual(other, token);
    } finally {
      await app.close();
    }
  });

  it('the store only ever sees sha256(token): a copy of the store holds no live token', async () => {
    const { app, calls, store } = await startApp();
    try {
      const token = tokenOf(await app.request('/set?key=a&value=1'));
      await app.request('/set?key=b&value=2', cookie(token));
      await app.request('/peek', cookie(token));
      assert.ok(calls.length >= 3);
      for (const call of calls) {
        assert.equal(call.key, sha256(token));
        assert.ok(!JSON.stringify(call.args).includes(token), `${call.op} was given the token`);
      }
      assert.equal(await store.get(token), null);
    } finally {
      await app.close();
    }
  });

  it('cookie values of the wrong length or alphabet are refused before any store call', async () => {
    const { app, calls, events } = await startApp();
    try {
      const valid = 'A'.repeat(43);
      const bad = [
        'short',
        `${valid}A`,
        valid.slice(1),
        `${valid.slice(1)}+`,
        `${valid.slice(1)}.`,
        `${valid.slice(1)}=`,
        '%41'.repeat(15),
      ];
      for (const value of bad) {
        const reply = await app.request('/peek', cookie(value));
        assert.equal(reply.status, 200);
        assert.deepEqual(reply.json, { isNew: true, userId: null, data: {} }, value);
        assert.deepEqual(reply.setCookie, [], 'an empty session sets no cookie');
      }
      assert.deepEqual(calls, [], 'no store call for a malformed value');
      assert.deepEqual(
        events.map((e) => e.type === 'invalid' && e.reason),
        bad.map(() => 'malformed'),
      );
    } finally {
      await app.close();
    }
  });

  it('a well-formed token the server never issued is never adopted, and nothing is written for it', async () => {
    const { app, calls, events, store } = await startApp();
    try {
      const planted = 'Planted_token-chosen-by-an-attacker-0123456';
      assert.equal(planted.length, 43);
      const reply = await app.request('/set?key=role&value=admin', cookie(planted));
      const issued = tokenOf(reply);
      assert.notEqual(issued, planted);
      assert.deepEqual(
        calls.map((call) => [call.op, call.key]),
        [
          ['get', sha256(planted)],
          ['set', sha256(issued)],
        ],
      );
      assert.equal(await store.get(sha256(planted)), null);
      assert.deepEqual(events[0], { type: 'invalid', reason: 'unknown', codec: 'store' });
    } finally {
      await app.close();
    }
  });

  it('a request without a session cookie makes no store call, even when it reads the session', async () => {
    const { app, calls } = await startApp();
    try {
      const untouched = await app.request('/none');
      assert.equal(untouched.text, 'untouched');
      const read = await app.request('/peek');
      assert.deepEqual(read.json, { isNew: true, userId: null, data: {} });
      assert.deepEqual(read.setCookie, []);
      assert.deepEqual(calls, []);
    } finally {
      await app.close();
    }
  });

  it('reading a session is exactly one store round trip and writes nothing', async () => {
    const { app, calls } = await startApp();
    try {
      const token = tokenOf(await app.request('/set?key=a&value=1'));
      calls.length = 0;
      const read = await app.request('/peek', cookie(token));
      assert.deepEqual(read.json, { isNew: false, userId: null, data: { a: '1' } });
      assert.deepEqual(
        calls.map((call) => [call.op, call.key]),
        [['get', sha256(token)]],
      );
      assert.deepEqual(read.setCookie, [], 'an unchanged session sets no cookie');
      assert.equal(read.headers.get('vary'), 'Cookie');
    } finally {
      await app.close();
    }
  });

  it('with several cookies of the same name, the first that opens a session wins', async () => {
    const { app } = await startApp();
    try {
      const token = tokenOf(await app.request('/set?key=a&value=1'));
      const reply = await app.request('/peek', `sid=broken; sid=${'B'.repeat(43)}; sid=${token}`);
      assert.deepEqual(reply.json, { isNew: false, userId: null, data: { a: '1' } });
    } finally {
      await app.close();
    }
  });
});
