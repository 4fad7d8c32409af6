import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createSessions, memoryStore } from 'hallpass';
import { withSessions } from 'hallpass/fetch';
import { SECRET } from '../support/core-fixtures.js';
import { serve } from '../support/http.js';
import { downStore, STORE_DOWN_BODY } from './contract/stores.js';

const request = (path = '/', cookie?: string) => new Request(`http://app.test${path}`, { headers: cookie ? { cookie } : {} });
const sessionCookie = (response: Response) => response.headers.getSetCookie().find((c) => c.startsWith('sid='));
const responsePair = (response: Response) => (sessionCookie(response) as string).split(';')[0] as string;

describe('hallpass/fetch', () => {
  const sessions = createSessions({ secret: SECRET });

  it('gives the handler the session and sets the cookie on its response', async () => {
    const handle = withSessions(sessions, (_request, session) => {
      session.set('visits', Number(session.get('visits', 0)) + 1);
      return new Response(`visit ${session.get('visits')}`);
    });
    const first = await handle(request());
    assert.equal(await first.text(), 'visit 1');
    assert.match(sessionCookie(first) as string, /^sid=h1\.[^;]+; Path=\/; Max-Age=86400; HttpOnly; Secure; SameSite=Lax$/);
    assert.equal(first.headers.get('vary'), 'Cookie');
    assert.equal(first.headers.get('cache-control'), 'private, no-store');
    const second = await handle(request('/', responsePair(first)));
    assert.equal(await second.text(), 'visit 2');
  });

  it("merges with the app's own Set-Cookie, Vary and private Cache-Control", async () => {
    const handle = withSessions(sessions, (_request, session) => {
      session.set('n', 1);
      const headers = new Headers({ Vary: 'Accept-Encoding', 'Cache-Control': 'private, no-cache' });
      headers.append('Set-Cookie', 'a=1; Path=/');
      headers.append('Set-Cookie', 'b=2; Path=/');
      return new Response('ok', { headers });
    });
    const response = await handle(request());
    const cookies = response.headers.getSetCookie();
    assert.deepEqual(cookies.slice(0, 2), ['a=1; Path=/', 'b=2; Path=/']);
    assert.ok(cookies[2]?.startsWith('sid='));
    assert.equal(response.headers.get('vary'), 'Accept-Encoding, Cookie');
    assert.equal(response.headers.get('cache-control'), 'private, no-cache');
  });

  it('does not list Cookie twice in Vary', async () => {
    const handle = withSessions(sessions, (_request, session) => {
      session.get('n');
      return new Response('ok', { headers: { Vary: 'Accept, cookie' } });
    });
    assert.equal((await handle(request())).headers.get('vary'), 'Accept, cookie');
  });

  it('carries the headers on an immutable Response.redirect', async () => {
    const handle = withSessions(sessions, (_request, session) => {
      session.set('user_id', 'alice');
      return Response.redirect('http://app.test/home', 303);
    });
    const response = await handle(request('/login'));
    assert.equal(response.status, 303);
    assert.equal(response.headers.get('location'), 'http://app.test/home');
    assert.ok(sessionCookie(response));
    assert.equal(response.headers.get('vary'), 'Cookie');
    assert.equal(response.headers.get('cache-control'), 'private, no-store');
    const me = withSessions(sessions, (_request, session) => new Response(String(session.get('user_id'))));
    assert.equal(await (await me(request('/', responsePair(response)))).text(), 'alice');
  });

  it('keeps status, headers and body when it must copy an immutable response (a proxied fetch)', async () => {
    const upstream = await serve((_req, res) => {
      res.writeHead(201, 'Made', { 'X-Up': '1', 'Content-Type': 'text/plain' });
      res.end('upstream body');
    });
    try {
      const handle = withSessions(sessions, async (_request, session) => {
        session.set('n', 1);
        return fetch(upstream.url);
      });
      const response = await handle(request());
      assert.equal(response.status, 201);
      assert.equal(response.statusText, 'Made');
      assert.equal(response.headers.get('x-up'), '1');
      assert.ok(sessionCookie(response));
      assert.equal(await response.text(), 'upstream body');
    } finally {
      await upstream.close();
    }
  });

  it('answers Vary only for a session that was read, and nothing for one never touched', async () => {
    const read = withSessions(sessions, (_request, session) => {
      session.get('n');
      return new Response('read');
    });
    const readResponse = await read(request());
    assert.equal(readResponse.headers.get('vary'), 'Cookie');
    assert.equal(readResponse.headers.get('cache-control'), null);
    assert.deepEqual(readResponse.headers.getSetCookie(), []);
    const original = new Response('untouched');
    const untouched = withSessions(sessions, () => original);
    const response = await untouched(request('/', 'sid=whatever'));
    assert.equal(response, original, 'returned as is');
    assert.equal(response.headers.get('vary'), null);
  });

  it('passes extra arguments through', async () => {
    const handle = withSessions(sessions, (_request, _session, env: { name: string }, ctx: number) => new Response(`${env.name}:${ctx}`));
    assert.equal(await (await handle(request(), { name: 'env' }, 7)).text(), 'env:7');
  });

  it('expires the cookie on destroy', async () => {
    const login = withSessions(sessions, (_request, session) => {
      session.set('user_id', 'alice');
      return new Response('in');
    });
    const logout = withSessions(sessions, (_request, session) => {
      session.destroy();
      return new Response('out');
    });
    const cookie = responsePair(await login(request()));
    const response = await logout(request('/logout', cookie));
    assert.equal(sessionCookie(response), 'sid=; Path=/; Max-Age=0; HttpOnly; Secure; SameSite=Lax');
  });

  it('rejects with the error of a handler that throws, and with CookieTooLargeError', async () => {
    const broken = withSessions(sessions, () => {
      throw new Error('handler bug');
    });
    await assert.rejects(broken(request()), { message: 'handler bug' });
    const tooBig = withSessions(sessions, (_request, session) => {
      session.set('blob', 'x'.repeat(5000));
      return new Response('never');
    });
    await assert.rejects(tooBig(request()), { code: 'ERR_COOKIE_TOO_LARGE' });
  });

  describe('store failures', () => {
    const failing = createSessions({ store: downStore });
    const token = `sid=${'A'.repeat(43)}`;

    it('answers 503 with the JSON body when the store fails on load', async () => {
      const errors: unknown[] = [];
      let ran = false;
      const handle = withSessions(
        failing,
        () => {
          ran = true;
          return new Response('never');
        },
        { onError: (error) => errors.push(error) },
      );
      const response = await handle(request('/', token));
      assert.equal(ran, false);
      assert.equal(response.status, 503);
      assert.equal(response.headers.get('content-type'), 'application/json');
      assert.equal(response.headers.get('retry-after'), '1');
      assert.equal(await response.text(), STORE_DOWN_BODY);
      assert.equal((errors[0] as { code?: string }).code, 'ERR_STORE');
    });

    it('answers 503 when the store fails on commit', async () => {
      const handle = withSessions(
        failing,
        (_request, session) => {
          session.set('n', 1);
          return new Response('app');
        },
        { onError: () => {} },
      );
      const response = await handle(request());
      assert.equal(response.status, 503);
      assert.equal(await response.text(), STORE_DOWN_BODY);
    });

    it('serves an unsaved anonymous session with onStoreError: "anonymous"', async () => {
      const handle = withSessions(
        failing,
        (_request, session) => {
          session.set('n', 1);
          return new Response(`anonymous:${session.get('n')}:${session.isNew}`);
        },
        { onStoreError: 'anonymous', onError: () => {} },
      );
      const response = await handle(request('/', token));
      assert.equal(await response.text(), 'anonymous:1:true');
      assert.deepEqual(response.headers.getSetCookie(), []);
    });

    it('works with a healthy store', async () => {
      const handle = withSessions(createSessions({ store: memoryStore() }), (_request, session) => {
        session.set('n', 1);
        return new Response('ok');
      });
      assert.match(sessionCookie(await handle(request())) as string, /^sid=[A-Za-z0-9_-]{43}; /);
    });
  });
});
