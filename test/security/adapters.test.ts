/**
 * The core attacks across the adapter matrix (node, fetch, Express 4 and 5, Fastify, Hono, Koa 2
 * and 3), each serving the demo's contract in cookie mode (sealed) and server mode (memory store):
 * fixation (C16), hostile and tampered cookies (A5, B8), replay after logout (B15, E25), one
 * cacheable-safe Set-Cookie (F37, F39) and prototype-pollution bodies (G44).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createSessions, memoryStore, type SessionEvent, type SessionOptions } from 'hallpass';
import { adapters } from '../adapters/contract/apps.js';
import type { Running } from '../adapters/contract/listen.js';
import { cookiePair } from '../support/cookies.js';
import { SECRET } from '../support/core-fixtures.js';
import { keepAliveAgent, type Reply, type SendOptions, send } from './support/client.js';

const MODES: Array<[string, () => SessionOptions]> = [
  ['sealed', () => ({ secret: SECRET })],
  ['memory', () => ({ store: memoryStore() })],
];
const EXPIRE = 'sid=; Path=/; Max-Age=0; HttpOnly; Secure; SameSite=Lax';
const HOSTILE = ['', '""', 'A'.repeat(5000), "' OR 1=1--", '{"$ne":null}', 'a.b.c.d', 'h1.AAAAAA.x', 'A'.repeat(43), '%00', '__proto__'];

for (const { name, start } of adapters) {
  for (const [mode, options] of MODES) {
    describe(`attacks through the ${name} adapter (${mode})`, () => {
      let app: Running;
      let port: number;
      const agent = keepAliveAgent();
      const call = (method: string, path: string, sendOptions?: SendOptions): Promise<Reply> =>
        send(port, agent, method, path, sendOptions);
      const sessionCookie = (reply: Reply) => reply.setCookie.filter((c) => c.startsWith('sid='));
      const who = async (cookie?: string) => (await call('GET', '/session', { cookie })).json?.user_id;

      const events: SessionEvent[] = [];
      const cacheEvents = () => events.filter((event) => event.type === 'cache-control-replaced');

      before(async () => {
        app = await start(createSessions({ ...options(), onEvent: (event) => events.push(event) }));
        port = Number(new URL(app.url).port);
      });
      after(async () => {
        agent.destroy();
        await app.close();
      });

      it('C16 F37 F39 login replaces a guest cookie with one new Set-Cookie, uncacheable, and the guest cookie never carries the user', async () => {
        const guest = await call('POST', '/cart', { json: { item: 'apple' } });
        const a = cookiePair(sessionCookie(guest)[0]);
        const login = await call('POST', '/login?username=alice', { cookie: a });
        assert.equal(login.status, 200);
        const cookies = sessionCookie(login);
        assert.equal(cookies.length, 1);
        const b = cookiePair(cookies[0]);
        assert.notEqual(b, a);
        assert.match(String(login.headers.vary), /\bCookie\b/);
        assert.equal(login.headers['cache-control'], 'private, no-store');
        assert.equal(await who(b), 'alice');
        assert.equal(await who(a), undefined);
        // Server mode deletes the guest record; cookie mode leaves a guest's cookie the guest it was.
        assert.deepEqual((await call('GET', '/cart', { cookie: a })).json, { cart: mode === 'memory' ? [] : ['apple'] });
      });

      it("F39 an app's Cache-Control that lets a shared cache keep the response becomes private, no-store when it sets the cookie, and onEvent hears the app's value", async () => {
        for (const value of [
          'public',
          'public, max-age=600',
          's-maxage=600',
          'max-age=600',
          'no-cache',
          'private="Set-Cookie", max-age=60',
        ]) {
          events.length = 0;
          const reply = await call('POST', `/cached?cache=${encodeURIComponent(value)}`);
          assert.equal(reply.status, 200, value);
          assert.equal(sessionCookie(reply).length, 1, value);
          assert.equal(reply.headers['cache-control'], 'private, no-store', value);
          assert.deepEqual(cacheEvents(), [{ type: 'cache-control-replaced', previous: value }], value);
        }
      });

      it("F39 an app's Cache-Control that already keeps shared caches out stays exactly as written, and nothing is reported", async () => {
        for (const value of ['private, max-age=600', 'no-store', 'private', 'no-store, max-age=0', 'private, no-cache']) {
          events.length = 0;
          const reply = await call('POST', `/cached?cache=${encodeURIComponent(value)}`);
          assert.equal(sessionCookie(reply).length, 1, value);
          assert.equal(reply.headers['cache-control'], value);
          assert.deepEqual(cacheEvents(), [], value);
        }
        const unset = await call('POST', '/cached');
        assert.equal(sessionCookie(unset).length, 1);
        assert.equal(unset.headers['cache-control'], 'private, no-store');
        assert.deepEqual(cacheEvents(), [], 'filling in an absent value reports nothing');
      });

      it("F39 a response that only reads the session (no Set-Cookie) keeps the app's public Cache-Control, with Vary: Cookie", async () => {
        events.length = 0;
        const reply = await call('GET', `/cached?cache=${encodeURIComponent('public, max-age=600')}`);
        assert.deepEqual(sessionCookie(reply), []);
        assert.equal(reply.headers['cache-control'], 'public, max-age=600');
        assert.match(String(reply.headers.vary), /\bCookie\b/);
        assert.deepEqual(cacheEvents(), []);
      });

      it('A5 B8 hostile and tampered cookies give a guest, never a 500', async () => {
        const login = await call('POST', '/login?username=alice');
        const value = cookiePair(sessionCookie(login)[0]).slice('sid='.length);
        const tampered = [1, 10, Math.floor(value.length / 2), value.length - 1].map(
          (i) => value.slice(0, i) + (value[i] === 'A' ? 'B' : 'A') + value.slice(i + 1),
        );
        for (const bad of [...HOSTILE, ...tampered, `${value}x`, value.slice(0, -1)]) {
          const reply = await call('GET', '/session', { cookie: `sid=${bad}` });
          assert.equal(reply.status, 200, `${bad.slice(0, 20)}: ${reply.status}`);
          assert.equal(reply.json?.user_id, undefined);
        }
        assert.equal(await who(`sid=${value}`), 'alice');
      });

      it('B15 E25 logout expires the cookie and a replay of it is refused', async () => {
        const cookie = cookiePair(sessionCookie(await call('POST', '/login?username=alice'))[0]);
        const logout = await call('POST', '/logout', { cookie });
        assert.deepEqual(sessionCookie(logout), [EXPIRE]);
        assert.equal(await who(cookie), undefined);
      });

      it('G44 a __proto__ body pollutes nothing and grants nothing', async () => {
        const write = await call('POST', '/session', { json: JSON.parse('{"__proto__":{"user_id":"admin","polluted":1}}') });
        assert.ok(write.status === 200 || write.status === 400 || write.status === 422, `status ${write.status}`);
        const cookie = sessionCookie(write)[0];
        if (cookie) assert.equal(await who(cookiePair(cookie)), undefined);
        assert.equal(({} as Record<string, unknown>).polluted, undefined);
        assert.equal(({} as Record<string, unknown>).user_id, undefined);
      });
    });
  }
}
