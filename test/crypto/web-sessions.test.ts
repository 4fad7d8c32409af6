/**
 * A whole session flow through `hallpass/fetch` with Web Crypto, as an edge runtime or a Worker
 * runs it: login, read, write, logout, and a tampered cookie read as a guest. Then server mode and
 * CSRF tokens, whose hashing must be synchronous there too. Web Crypto is forced for this whole
 * file through hallpass's internal switch.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createSessions, memoryStore, type SessionEvent } from 'hallpass';
import { csrfToken, verifyCsrf } from 'hallpass/csrf';
import { withSessions } from 'hallpass/fetch';
import { setCookiesOf } from '../../src/engine/commit-result.js';
import { storeKeyFor } from '../../src/engine/server-mode.js';
import { SECRET } from '../support/core-fixtures.js';
import { forceProvider, withProvider } from '../support/crypto-provider.js';

const request = (path: string, cookie?: string, method = 'GET') =>
  new Request(`https://app.test${path}`, { method, headers: cookie ? { cookie } : {} });
const sessionCookie = (response: Response) => response.headers.getSetCookie().find((value) => value.startsWith('sid='));
const pairOf = (response: Response) => (sessionCookie(response) as string).split(';')[0] as string;

describe('hallpass/fetch on Web Crypto', () => {
  before(() => forceProvider('web'));
  after(() => forceProvider(undefined));

  const events: SessionEvent[] = [];
  let sessions: ReturnType<typeof createSessions<{ name: string; cart: string[] }>>;
  let handle: (request: Request) => Promise<Response>;
  before(() => {
    sessions = createSessions<{ name: string; cart: string[] }>({ secret: SECRET, onEvent: (event) => events.push(event) });
    handle = withSessions(sessions, async (req, session) => {
      const path = new URL(req.url).pathname;
      if (path === '/login') {
        session.regenerate();
        session.userId = 'alice';
        session.set('name', 'Alice');
      } else if (path === '/cart') session.set('cart', [...session.get('cart', []), 'book']);
      else if (path === '/logout') {
        session.destroy();
        return Response.json({ user: null });
      }
      return Response.json({ user: session.userId ?? null, name: session.get('name') ?? null, cart: session.get('cart') ?? [] });
    });
  });

  it('uses the sealed codec on Web Crypto, which answers with promises', () => {
    assert.equal(sessions.options.codec?.synchronous, false);
  });

  it('login, read, write, logout; the logged-out cookie and a tampered one are a guest', async () => {
    const login = await handle(request('/login'));
    assert.deepEqual(await login.json(), { user: 'alice', name: 'Alice', cart: [] });
    const first = pairOf(login);
    assert.match(first, /^sid=h1\.[\w-]{6}\.[\w-]+$/);

    const read = await handle(request('/me', first));
    assert.deepEqual(await read.json(), { user: 'alice', name: 'Alice', cart: [] });

    const write = await handle(request('/cart', first, 'POST'));
    assert.deepEqual(await write.json(), { user: 'alice', name: 'Alice', cart: ['book'] });
    const second = pairOf(write);
    assert.deepEqual(await (await handle(request('/me', second))).json(), { user: 'alice', name: 'Alice', cart: ['book'] });

    const tampered = `${second.slice(0, -3)}${second.endsWith('AAA') ? 'BBB' : 'AAA'}`;
    events.length = 0;
    assert.deepEqual(await (await handle(request('/me', tampered))).json(), { user: null, name: null, cart: [] });
    assert.deepEqual(
      events.filter((event) => event.type === 'invalid').map((event) => (event as { reason: string }).reason),
      ['tampered'],
    );

    const logout = await handle(request('/logout', second, 'POST'));
    assert.match(sessionCookie(logout) as string, /^sid=; .*Max-Age=0/);
    assert.deepEqual(await (await handle(request('/me', second))).json(), { user: null, name: null, cart: [] });
  });

  it('a cookie sealed on Node opens here, and one sealed here opens on Node', async () => {
    const onNode = withProvider('node', () => createSessions({ secret: SECRET }));
    const nodeSession = await onNode.load(null);
    nodeSession.set('name', 'Node');
    const fromNode = (await onNode.commit(nodeSession)).setCookie as string;
    const here = await handle(request('/me', fromNode.split(';')[0]));
    assert.equal((await here.json()).name, 'Node');

    const login = await handle(request('/login'));
    const back = await onNode.load(pairOf(login));
    assert.equal(back.get('name'), 'Alice');
  });

  it('chunked cookies: a session too big for one cookie is split, joined and opened on either side', async () => {
    const chunked = createSessions({ secret: SECRET, chunked: true });
    const session = await chunked.load(null);
    session.set(
      'notes',
      Array.from({ length: 400 }, (_, index) => `note ${index}`),
    );
    const list = setCookiesOf(await chunked.commit(session));
    assert.ok(list.length > 1, 'more than one cookie');
    const header = list.map((cookie) => cookie.split(';')[0]).join('; ');
    assert.equal(((await chunked.load(header)).get('notes') as string[]).length, 400);
    const onNode = withProvider('node', () => createSessions({ secret: SECRET, chunked: true }));
    assert.equal(((await onNode.load(header)).get('notes') as string[]).length, 400);
  });

  it('signed cookies too', async () => {
    const signed = createSessions({ secret: SECRET, codec: 'signed' });
    const session = await signed.load(null);
    session.set('name', 'Signed');
    const cookie = (await signed.commit(session)).setCookie as string;
    assert.match(cookie, /^sid=s1\./);
    const onNode = withProvider('node', () => createSessions({ secret: SECRET, codec: 'signed' }));
    assert.equal((await onNode.load(cookie.split(';')[0])).get('name'), 'Signed');
  });
});

describe('server mode and CSRF on Web Crypto', () => {
  before(() => forceProvider('web'));
  after(() => forceProvider(undefined));

  it('keys store records by the same SHA-256 of the token as on Node', async () => {
    const store = memoryStore();
    const sessions = createSessions({ store });
    const session = await sessions.load(null);
    session.set('name', 'Server');
    const cookie = ((await sessions.commit(session)).setCookie as string).split(';')[0] as string;
    const token = cookie.slice('sid='.length);
    assert.equal(session.id, storeKeyFor(token));
    assert.equal(
      session.id,
      withProvider('node', () => storeKeyFor(token)),
    );
    assert.equal((await store.get(session.id))?.data.name, 'Server');
    assert.equal((await sessions.load(cookie)).get('name'), 'Server');
  });

  it('mints and checks CSRF tokens synchronously', async () => {
    const sessions = createSessions({ secret: SECRET });
    const session = await sessions.load(null);
    const token = csrfToken(session);
    assert.match(token, /^[\w-]{43}$/);
    assert.deepEqual(verifyCsrf(session, 'POST', token), { ok: true });
    assert.deepEqual(verifyCsrf(session, 'POST', `${token.slice(0, -1)}x`), { ok: false, reason: 'invalid' });
  });
});
