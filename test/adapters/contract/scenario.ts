/**
 * The demo contract as one scenario: guest, login (the cookie changes), welcome, cart, session
 * merge, logout, the pre-logout cookie refused, a tampered cookie refused. Run unchanged against
 * every adapter.
 */
import assert from 'node:assert/strict';
import { cookiePair, EXPIRED, tamper } from '../../support/cookies.js';
import { type Answer, call } from '../../support/http.js';

export type Mode = 'cookie' | 'server';

const ISSUED: Record<Mode, RegExp> = {
  cookie: /^sid=[^;\s]+; Path=\/; Max-Age=86400; HttpOnly; Secure; SameSite=Lax$/,
  server: /^sid=[A-Za-z0-9_-]{43}; Path=\/; Max-Age=1209600; HttpOnly; Secure; SameSite=Lax$/,
};

function issued(answer: Answer, mode: Mode, step: string): string {
  assert.equal(answer.setCookies.length, 1, `${step}: one Set-Cookie, got ${JSON.stringify(answer.setCookies)}`);
  assert.match(answer.setCookies[0] as string, ISSUED[mode], step);
  assert.equal(answer.headers.get('cache-control'), 'private, no-store', `${step}: Cache-Control`);
  assert.equal(answer.headers.get('vary'), 'Cookie', `${step}: Vary`);
  return cookiePair(answer.setCookies[0]);
}

/** The cookie to send next: a fresh one when the answer set one (cookie mode rewrites it on every change). */
function latest(answer: Answer, mode: Mode, previous: string, step: string): string {
  if (mode === 'server') {
    assert.deepEqual(answer.setCookies, [], `${step}: server mode keeps the token`);
    return previous;
  }
  return issued(answer, mode, step);
}

export async function runContract(url: string, mode: Mode): Promise<void> {
  const guest = await call(url, 'GET', '/');
  assert.equal(guest.status, 200);
  assert.deepEqual(guest.body, { message: 'Hello, guest!' });
  assert.deepEqual(guest.setCookies, [], 'a guest who changed nothing gets no cookie');
  assert.equal(guest.headers.get('vary'), 'Cookie');

  const missing = await call(url, 'POST', '/login');
  assert.equal(missing.status, 422);
  assert.equal(missing.body.error, 'invalid_request');
  assert.deepEqual(missing.setCookies, []);

  const added = await call(url, 'POST', '/cart', { json: { item: 'apple' } });
  assert.deepEqual(added.body, { cart: ['apple'] });
  const beforeLogin = issued(added, mode, 'guest cart');

  const login = await call(url, 'POST', '/login?username=alice', { cookie: beforeLogin });
  assert.equal(login.status, 200);
  assert.deepEqual(login.body, { message: 'Logged in as alice' });
  let cookie = issued(login, mode, 'login');
  assert.notEqual(cookie, beforeLogin, 'login regenerates: the cookie changes');

  assert.deepEqual((await call(url, 'GET', '/', { cookie })).body, { message: 'Welcome back, user alice!' });
  assert.deepEqual(
    (await call(url, 'GET', '/', { cookie: beforeLogin })).body,
    { message: 'Hello, guest!' },
    'the pre-login cookie is retired',
  );

  const more = await call(url, 'POST', '/cart', { cookie, json: { item: 'pear' } });
  assert.deepEqual(more.body, { cart: ['apple', 'pear'] }, 'the cart survives login');
  cookie = latest(more, mode, cookie, 'cart add');
  assert.deepEqual((await call(url, 'GET', '/cart', { cookie })).body, { cart: ['apple', 'pear'] });

  const merged = await call(url, 'POST', '/session', { cookie, json: { theme: 'dark', visits: 3 } });
  const expected = { cart: ['apple', 'pear'], user_id: 'alice', theme: 'dark', visits: 3 };
  assert.deepEqual(merged.body, expected);
  cookie = latest(merged, mode, cookie, 'session merge');
  const read = await call(url, 'GET', '/session', { cookie });
  assert.deepEqual(read.body, expected);
  assert.deepEqual(read.setCookies, [], 'reading writes nothing');

  const logout = await call(url, 'POST', '/logout', { cookie });
  assert.deepEqual(logout.body, { message: 'Logged out successfully.' });
  assert.deepEqual(logout.setCookies, [EXPIRED]);

  const replay = await call(url, 'GET', '/', { cookie });
  assert.deepEqual(replay.body, { message: 'Hello, guest!' }, 'the pre-logout cookie is refused');
  assert.deepEqual((await call(url, 'GET', '/session', { cookie })).body, {});

  const bob = issued(await call(url, 'POST', '/login?username=bob'), mode, 'second login');
  assert.deepEqual((await call(url, 'GET', '/', { cookie: bob })).body, { message: 'Welcome back, user bob!' });
  const tampered = await call(url, 'GET', '/', { cookie: tamper(bob) });
  assert.deepEqual(tampered.body, { message: 'Hello, guest!' }, 'a tampered cookie gives a guest');
  assert.equal(tampered.status, 200);
}
