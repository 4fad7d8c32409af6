/**
 * The demo contract every fetch-style runtime must keep, over real HTTP on 127.0.0.1: the routes and
 * answers of test/demo/contract.test.ts and test/next/app.test.ts, served by examples/fetch/app.ts.
 * A cookie made by hallpass on Node opens on each runtime with the same secret, and the other way.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createSessions } from 'hallpass';
import { type Data, demoApp } from '../../examples/fetch/app.js';
import { call, type Reply } from '../demo/client.js';
import { SECRET } from '../support/core-fixtures.js';

export interface RunningRuntime {
  /** `http://127.0.0.1:<port>` */
  base: string;
  /** What the runtime printed, for failure messages. */
  output(): string;
  close(): Promise<void>;
}

/** The secret every runtime is started with: cookies made on one open on the others. */
export const RUNTIME_SECRET = SECRET;

const SESSION_COOKIE = /^sid=h1\.[\w-]{6}\.[\w-]+; Path=\/; Max-Age=86400; HttpOnly; Secure; SameSite=Lax$/;
const EXPIRED = 'sid=; Path=/; Max-Age=0; HttpOnly; Secure; SameSite=Lax';

/** hallpass on Node, in this process, with the runtimes' secret. */
const onNode = demoApp(createSessions<Data>({ secret: RUNTIME_SECRET }));

/** One request to the app on Node, answered in process; returns the `name=value` of its cookie. */
export async function nodeCall(path: string, init: { method?: string; cookie?: string } = {}): Promise<{ body: unknown; cookie?: string }> {
  const headers = init.cookie ? { cookie: init.cookie } : undefined;
  const response = await onNode(new Request(`http://node.local${path}`, { method: init.method ?? 'GET', headers }));
  const setCookie = response.headers.getSetCookie()[0];
  return { body: await response.json(), cookie: setCookie?.slice(0, setCookie.indexOf(';')) };
}

/** Changes one character in the middle of a cookie's sealed payload. */
function tamper(cookie: string): string {
  const at = Math.floor(cookie.length * 0.75);
  return `${cookie.slice(0, at)}${cookie[at] === 'A' ? 'B' : 'A'}${cookie.slice(at + 1)}`;
}

/** Declares the contract's tests for the runtime `start` serves; it is started once and stopped after. */
export function runtimeContract(start: () => Promise<RunningRuntime>): void {
  let runtime: RunningRuntime | undefined;
  let base = '';
  const api = (path: string, options: Parameters<typeof call>[2] = {}) => call(base, path, options);
  const login = async (username: string): Promise<Reply> => {
    const reply = await api(`/login?username=${username}`, { method: 'POST' });
    assert.equal(reply.status, 200, runtime?.output());
    return reply;
  };

  before(async () => {
    runtime = await start();
    base = runtime.base;
  });
  after(() => runtime?.close());

  describe('the demo contract', () => {
    it('greets a guest with JSON and sets no cookie', async () => {
      const reply = await api('/');
      assert.equal(reply.status, 200, runtime?.output());
      assert.equal(reply.headers.get('content-type'), 'application/json; charset=utf-8');
      assert.deepEqual([reply.text, reply.setCookie], ['{"message":"Hello, guest!"}', undefined]);
    });

    it('logs in from the query string with a sealed cookie, and welcomes the user back', async () => {
      const reply = await login('alice');
      assert.deepEqual(reply.json(), { message: 'Logged in as alice' });
      assert.match(reply.setCookie ?? '', SESSION_COOKIE);
      assert.equal(reply.headers.get('cache-control'), 'private, no-store');
      assert.match(reply.headers.get('vary') ?? '', /\bCookie\b/);
      assert.equal((await api('/', { cookie: reply.cookie })).text, '{"message":"Welcome back, user alice!"}');
      const form = await api('/login', { form: { username: 'bob' } });
      assert.deepEqual([form.status, form.json()], [200, { message: 'Logged in as bob' }]);
      const missing = await api('/login', { method: 'POST' });
      assert.deepEqual(
        [missing.status, (missing.json() as { error: string }).error, missing.setCookie],
        [422, 'username_required', undefined],
      );
    });

    it('reads and merges session data, keeping user_id for login alone', async () => {
      const { cookie } = await login('erin');
      assert.deepEqual((await api('/session', { cookie })).json(), { user_id: 'erin' });
      const merged = await api('/session', { cookie, json: { theme: 'dark' } });
      assert.deepEqual(merged.json(), { user_id: 'erin', theme: 'dark' });
      assert.deepEqual((await api('/session', { cookie: merged.cookie })).json(), { user_id: 'erin', theme: 'dark' });
      const reserved = await api('/session', { cookie, json: { user_id: 'mallory' } });
      assert.deepEqual([reserved.status, (reserved.json() as { error: string }).error], [422, 'reserved_key']);
    });

    it('keeps a shopping cart in the session', async () => {
      // JSON sent as a form, as `curl -d '{...}'` does in the examples' READMEs.
      const curl = await fetch(`${base}/cart`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: '{"item":"apples"}',
      });
      assert.deepEqual(await curl.json(), { cart: ['apples'] });
      const first = await api('/cart', { json: { item: 'apples' } });
      const second = await api('/cart', { json: { item: ' pears ' }, cookie: first.cookie });
      assert.deepEqual(second.json(), { cart: ['apples', 'pears'] });
      assert.deepEqual((await api('/cart', { cookie: second.cookie })).json(), { cart: ['apples', 'pears'] });
      const bad = await api('/cart', { json: { item: '' }, cookie: second.cookie });
      assert.deepEqual([bad.status, (bad.json() as { error: string }).error], [422, 'item_required']);
    });

    it('logs out: expires the cookie, and a replay of the old cookie is a guest', async () => {
      const { cookie } = await login('frank');
      const out = await api('/logout', { method: 'POST', cookie });
      assert.deepEqual([out.status, out.json(), out.setCookie], [200, { message: 'Logged out successfully.' }, EXPIRED]);
      assert.deepEqual((await api('/', { cookie })).json(), { message: 'Hello, guest!' });
      assert.deepEqual((await api('/session', { cookie })).json(), {});
    });

    it('treats a tampered or malformed cookie as a guest, never as an error', async () => {
      const { cookie } = await login('gina');
      for (const bad of [tamper(cookie as string), 'sid=h1.AAAAAA.garbage', 'sid=%%%']) {
        const reply = await api('/', { cookie: bad });
        assert.deepEqual([reply.status, reply.json()], [200, { message: 'Hello, guest!' }], bad);
      }
    });

    it('answers an unknown route with a JSON 404', async () => {
      const reply = await api('/nowhere');
      assert.deepEqual([reply.status, reply.text], [404, '{"error":"not_found"}']);
    });
  });

  describe('cookies across runtimes (same secret)', () => {
    it('opens a session that hallpass on Node logged in', async () => {
      const node = await nodeCall('/login?username=nora', { method: 'POST' });
      assert.match(node.cookie ?? '', /^sid=h1\./);
      assert.deepEqual((await api('/', { cookie: node.cookie })).json(), { message: 'Welcome back, user nora!' });
      assert.deepEqual((await api('/session', { cookie: node.cookie })).json(), { user_id: 'nora' });
    });

    it('makes cookies that hallpass on Node opens', async () => {
      const { cookie } = await login('olga');
      const cart = await api('/cart', { cookie, json: { item: 'tea' } });
      assert.deepEqual((await nodeCall('/session', { cookie: cart.cookie })).body, { user_id: 'olga', cart: ['tea'] });
    });
  });
}
