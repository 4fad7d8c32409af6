/**
 * Malformed and hostile cookie values over HTTP (A5, A6): each one yields a guest session and a
 * normal answer, never a 500, and in server mode no value of the wrong shape ever reaches the store.
 * Bytes node:http will not send (control characters, raw UTF-8) go over a raw socket; where Node's
 * own HTTP parser refuses a request first (400), that is the answer, and the server keeps serving.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sha256 } from '../support/cookies.js';
import { ALL_MODES, type Demo, login, startDemo, whoAmI } from './support/demo.js';

/** Values sent as `sid=<value>` with node:http. */
const HOSTILE = [
  'A'.repeat(10_000),
  '%00',
  "' OR 1=1--",
  '{"$ne":null}',
  '../../x',
  '"h1.abc.def"',
  '""',
  'a.b.c.d',
  'a.'.repeat(2000),
  'h1.AAAAAA.',
  'h1..',
  's1.AAAAAA.e30.',
  '===',
  'hallpass',
  '\\u0000',
  'null',
  'undefined',
  '[object Object]',
  '__proto__',
  'A'.repeat(42),
  'A'.repeat(44),
  `${'A'.repeat(42)}=`,
  `${'A'.repeat(42)}+`,
  `${'A'.repeat(42)}/`,
];

/** Header lines sent raw, byte for byte. */
const RAW: Array<string | Buffer> = [
  'Cookie: sid=\x00',
  'Cookie: sid=abc\x7f',
  'Cookie: sid=\x01\x02\x03',
  'Cookie: sid=a\tb',
  Buffer.concat([Buffer.from('Cookie: sid='), Buffer.from('café-ünïcødé-会话', 'utf8')]),
  Buffer.concat([Buffer.from('Cookie: sid='), Buffer.from([0xff, 0xfe, 0xc3])]),
  'Cookie: sid="unterminated',
  'Cookie: ;;;;=;=;hallpass;sid=;',
  'Cookie: __proto__=1; constructor=2; hasOwnProperty=3; sid=x',
  'Cookie: ',
  `Cookie: ${'x=1; '.repeat(1500)}sid=y`,
];

for (const mode of ALL_MODES) {
  describe(`A5 A6 hostile cookie values are data, not errors (${mode})`, () => {
    let demo: Demo;
    before(async () => (demo = await startDemo(mode)));
    after(() => demo.close());

    it('A5 every hostile value gives 200 and a guest session, with no store call for a value of the wrong shape', async () => {
      for (const value of HOSTILE) {
        const reply = await demo.call('GET', '/session', { cookie: `sid=${value}` });
        assert.equal(reply.status, 200, `status for ${JSON.stringify(value.slice(0, 40))}`);
        assert.deepEqual(reply.json, {}, `session for ${JSON.stringify(value.slice(0, 40))}`);
        assert.deepEqual(reply.setCookie, [], 'a refused cookie must not make the server write anything');
      }
      if (demo.spy) assert.deepEqual(demo.spy.calls, [], 'no value of the wrong shape may reach the store');
      assert.ok(demo.invalid().length >= HOSTILE.length - 2);
    });

    it('A5 raw control characters, raw UTF-8 and junk cookie syntax: a guest or a 400 from the HTTP parser, never a 500', async () => {
      for (const line of RAW) {
        const reply = await demo.raw('/session', [line]);
        assert.ok(reply.status === 200 || reply.status === 400, `${JSON.stringify(String(line).slice(0, 40))} answered ${reply.status}`);
        if (reply.status === 200) assert.deepEqual(reply.json, {});
        assert.ok(!/at .*\.ts:\d+/.test(reply.text), 'no stack trace in a reply');
      }
      if (demo.spy) assert.deepEqual(demo.spy.calls, []);
      // The server is still serving.
      const { pair } = await login(demo, 'alice');
      assert.equal(await whoAmI(demo, pair), 'alice');
    });

    it('A5 a Cookie header beyond the HTTP parser limit is refused with 431 before hallpass sees it, and the server lives on', async () => {
      const reply = await demo.raw('/session', [`Cookie: sid=${'A'.repeat(20_000)}`]);
      assert.equal(reply.status, 431);
      assert.equal((await demo.call('GET', '/session')).status, 200);
    });

    it('A6 an empty or quoted-empty value never maps to a session and is never looked up', async () => {
      demo.spy?.calls.splice(0);
      for (const cookie of ['sid=', 'sid=""', 'sid= ', 'sid=;sid=""']) {
        assert.equal(await whoAmI(demo, cookie), undefined);
      }
      if (demo.spy) assert.deepEqual(demo.spy.calls, []);
      const { pair } = await login(demo, 'alice');
      await demo.call('POST', '/logout', { cookie: pair });
      if (demo.store) {
        for (const key of ['', 'undefined', 'null', sha256(''), sha256('undefined'), sha256('null')]) {
          assert.equal(await demo.store.get(key), null, `a record under ${JSON.stringify(key)}`);
        }
      }
      if (demo.spy)
        assert.ok(
          demo.spy.calls.every((call) => call.key.length === 43),
          'every store key is a 43-character hash',
        );
    });
  });
}
