/**
 * hallpass/next against the cookie stores Next.js gives `cookies()` callers: a Route Handler's or
 * Server Action's store that turns writes into Set-Cookie headers, and a Server Component's that
 * refuses them. The built app in app.test.ts runs the same code under `next start`.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createSessions, HallpassError, type Json, memoryStore, type SessionEvent } from 'hallpass';
import { readSession, withSession } from 'hallpass/next';
import { notFound, redirect } from 'next/navigation.js';
import { eventLog, SECRET } from '../support/core-fixtures.js';
import { handlerScope, serverComponentCookies } from './request-scopes.js';

type Data = { user_id: string; cart: string[]; [key: string]: Json };
const sessions = createSessions<Data>({ secret: SECRET });
const COOKIE = /^sid=h1\.[\w-]+\.[\w-]+; Path=\/; Expires=[^;]+; Max-Age=86400; Secure; HttpOnly; SameSite=lax$/;
const pair = (setCookie: string | undefined) => (setCookie as string).slice(0, (setCookie as string).indexOf(';'));

/** Logs `user` in through a Route Handler's store and returns the Cookie header the browser then sends. */
async function loggedIn(user = 'alice'): Promise<string> {
  const scope = handlerScope();
  await withSession(scope.cookies, sessions, (session) => {
    session.regenerate();
    session.set('user_id', user);
  });
  return pair(scope.setCookies[0]);
}

const isWritesAllowedError = (error: unknown) =>
  error instanceof HallpassError &&
  error.code === 'ERR_SESSION_STATE' &&
  error.message.includes('Server Actions (Server Functions) and Route Handlers') &&
  error.message.includes('readSession(await cookies(), sessions)');

describe('hallpass/next withSession in Route Handlers and Server Actions', () => {
  it('saves a changed session through the cookie store before it resolves', async () => {
    const scope = handlerScope();
    const result = await withSession(scope.cookies, sessions, (session) => {
      session.set('user_id', 'alice');
      assert.deepEqual(scope.setCookies, [], 'nothing is written while the action runs');
      return 'done';
    });
    assert.equal(result, 'done');
    assert.equal(scope.setCookies.length, 1);
    assert.match(scope.setCookies[0] as string, COOKIE);
  });

  it('loads the session from the request cookie and writes nothing when nothing changed', async () => {
    const scope = handlerScope(await loggedIn('bob'));
    const user = await withSession(scope.cookies, sessions, (session) => session.get('user_id'));
    assert.equal(user, 'bob');
    assert.deepEqual(scope.setCookies, []);
  });

  it('expires the cookie on logout with the Path and Domain it was set with, and refuses the old cookie after', async () => {
    const scoped = createSessions<Data>({ secret: SECRET, domain: 'example.com', path: '/shop' });
    const login = handlerScope();
    await withSession(login.cookies, scoped, (session) => {
      session.set('user_id', 'carol');
      session.userId = 'carol';
    });
    const cookie = pair(login.setCookies[0]);
    const logout = handlerScope(cookie);
    await withSession(logout.cookies, scoped, (session) => session.destroy());
    assert.deepEqual(logout.setCookies, ['sid=; Path=/shop; Max-Age=0; Domain=example.com; Secure; HttpOnly; SameSite=lax']);
    const after = await withSession(handlerScope(cookie).cookies, scoped, (session) => session.get('user_id'));
    assert.equal(after, undefined);
  });

  it('sees a cookie written earlier in the same request, as the page rendered after a Server Action does', async () => {
    const scope = handlerScope();
    await withSession(scope.cookies, sessions, (session) => session.set('user_id', 'dave'));
    assert.equal((await readSession(scope.cookies, sessions)).get('user_id'), 'dave');
    await withSession(scope.cookies, sessions, (session) => session.destroy());
    assert.equal((await readSession(scope.cookies, sessions)).isNew, true);
  });

  it('works with a server-side store: the cookie carries a token and logout deletes the record', async () => {
    const store = memoryStore();
    const server = createSessions<Data>({ store });
    const login = handlerScope();
    await withSession(login.cookies, server, (session) => session.set('user_id', 'erin'));
    assert.match(login.setCookies[0] as string, /^sid=[\w-]{43}; Path=\/; Expires=[^;]+; Max-Age=1209600; Secure; HttpOnly; SameSite=lax$/);
    const cookie = pair(login.setCookies[0]);
    assert.equal(await withSession(handlerScope(cookie).cookies, server, (session) => session.get('user_id')), 'erin');
    await withSession(handlerScope(cookie).cookies, server, (session) => session.destroy());
    assert.equal(await withSession(handlerScope(cookie).cookies, server, (session) => session.isNew), true);
  });

  it('saves the session when the action ends with redirect() or notFound()', async () => {
    for (const navigate of [() => redirect('/'), () => notFound()]) {
      const scope = handlerScope();
      await assert.rejects(
        withSession(scope.cookies, sessions, (session) => {
          session.set('user_id', 'frank');
          navigate();
        }),
        (error: unknown) => typeof (error as { digest?: unknown }).digest === 'string',
      );
      assert.match(scope.setCookies[0] ?? '', COOKIE);
    }
  });

  it('leaves the session unsaved when the action fails', async () => {
    const scope = handlerScope();
    await assert.rejects(
      withSession(scope.cookies, sessions, (session) => {
        session.set('user_id', 'grace');
        throw new Error('payment declined');
      }),
      /payment declined/,
    );
    assert.deepEqual(scope.setCookies, []);
  });

  it("marks a Route Handler's Response as depending on the cookie and not cacheable when it sets one", async () => {
    const scope = handlerScope();
    const response = await withSession(scope.cookies, sessions, (session) => {
      session.set('cart', ['apples']);
      return Response.json({ ok: true }, { headers: { Vary: 'Accept-Encoding' } });
    });
    assert.equal(response.headers.get('vary'), 'Accept-Encoding, Cookie');
    assert.equal(response.headers.get('cache-control'), 'private, no-store');
    const redirected = await withSession(handlerScope().cookies, sessions, (session) => {
      session.set('cart', ['pears']);
      return Response.redirect('http://app.test/', 303);
    });
    assert.deepEqual(
      [redirected.status, redirected.headers.get('location'), redirected.headers.get('vary')],
      [303, 'http://app.test/', 'Cookie'],
    );
    const ownCaching = await withSession(handlerScope().cookies, sessions, (session) => {
      session.set('cart', []);
      return new Response('ok', { headers: { 'Cache-Control': 'private, no-cache' } });
    });
    assert.equal(ownCaching.headers.get('cache-control'), 'private, no-cache', 'a value that keeps shared caches out stays');
  });

  it("replaces a Route Handler's Cache-Control that lets a shared cache keep a response that sets the cookie, and says so", async () => {
    for (const value of ['public, max-age=600', 's-maxage=600', 'no-cache', 'private="Set-Cookie", max-age=600']) {
      const events: SessionEvent[] = [];
      const reporting = createSessions({ secret: SECRET, onEvent: (event) => events.push(event) });
      const response = await withSession(handlerScope().cookies, reporting, (session) => {
        session.set('cart', ['apples']);
        return new Response('ok', { headers: { 'Cache-Control': value } });
      });
      assert.equal(response.headers.get('cache-control'), 'private, no-store', value);
      assert.deepEqual(events.at(-1), { type: 'cache-control-replaced', previous: value });
    }
  });

  it('turns a write Next refuses once the action phase is over into the HallpassError that says where writes go', async () => {
    const scope = handlerScope();
    scope.startRendering();
    await assert.rejects(
      withSession(scope.cookies, sessions, (session) => session.set('user_id', 'heidi')),
      (error: unknown) => isWritesAllowedError(error) && /Cookies can only be modified/.test(String((error as Error).cause)),
    );
  });

  it('leaves out a cookie value Next decoded into something hallpass never writes', async () => {
    const log = eventLog();
    const watched = createSessions<Data>({ secret: SECRET, onEvent: log.onEvent });
    // Next percent-decodes cookie values: this one would splice a second cookie into the header.
    const valid = (await loggedIn('ivan')).slice('sid='.length);
    const scope = handlerScope(`sid=x%3B%20hallpass%3D${valid}`);
    const session = await readSession(scope.cookies, watched);
    assert.deepEqual([session.isNew, session.get('user_id')], [true, undefined]);
    assert.deepEqual(log.invalid(), []);
  });
});

describe('hallpass/next in Server Components', () => {
  it('reads the session with readSession', async () => {
    const session = await readSession(serverComponentCookies(await loggedIn('judy')), sessions);
    assert.equal(session.get('user_id'), 'judy');
    assert.deepEqual(session.toJSON(), { user_id: 'judy' });
    assert.deepEqual([session.has('user_id'), session.keys(), session.isNew], [true, ['user_id'], false]);
  });

  it('refuses every write on the read-only session with the HallpassError that says where writes are allowed', async () => {
    const session = await readSession(serverComponentCookies(await loggedIn('ken')), sessions);
    const writes = session as unknown as Record<string, (...args: unknown[]) => void> & { userId?: string };
    for (const write of ['set', 'delete', 'clear', 'regenerate', 'destroy']) {
      assert.throws(() => writes[write]?.('user_id', 'mallory'), isWritesAllowedError, write);
    }
    assert.throws(() => {
      writes.userId = 'mallory';
    }, isWritesAllowedError);
    assert.equal(session.get('user_id'), 'ken');
  });

  it('refuses withSession before the action runs, on every request, not only when a write is due', async () => {
    let ran = false;
    await assert.rejects(
      withSession(serverComponentCookies(), sessions, () => {
        ran = true;
      }),
      isWritesAllowedError,
    );
    assert.equal(ran, false);
  });
});
