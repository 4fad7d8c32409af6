/** examples/react-router over real HTTP on 127.0.0.1, started as its README says. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { cookiePair } from '../support/cookies.js';
import { call } from '../support/http.js';
import { readmeSnippet, runWithoutSecret, startExample } from './contract/example.js';

const LIVE_COOKIE = /^sid=[^;]+; Path=\/; Max-Age=86400; HttpOnly; Secure; SameSite=Lax$/;

describe('examples/react-router', () => {
  let example: Awaited<ReturnType<typeof startExample>>;
  before(async () => {
    example = await startExample('react-router');
  });
  after(() => example?.stop());

  it('greets a guest, logs in, keeps a cart, logs out, and refuses the old cookie afterwards', async () => {
    const { url } = example;
    const guest = await call(url, 'GET', '/');
    assert.deepEqual(guest.body, { message: 'Hello, guest!' });
    assert.deepEqual(guest.setCookies, [''], "commitSession's '' for a visitor with nothing stored");
    assert.equal(guest.headers.get('vary'), 'Cookie');

    const refused = await call(url, 'POST', '/login');
    assert.equal(refused.status, 422);
    assert.deepEqual(refused.setCookies, []);

    const login = await call(url, 'POST', '/login?username=alice');
    assert.deepEqual(login.body, { message: 'Logged in as alice' });
    assert.equal(login.setCookies.length, 1);
    assert.match(login.setCookies[0] as string, LIVE_COOKIE);
    assert.doesNotMatch(login.setCookies[0] as string, /alice/, 'sealed');
    assert.equal(login.headers.get('cache-control'), 'private, no-store');
    let cookie = cookiePair(login.setCookies[0]);

    const welcome = await call(url, 'GET', '/', { cookie });
    assert.deepEqual(welcome.body, { message: 'Welcome back, user alice!' });
    assert.deepEqual(welcome.setCookies, [''], 'nothing changed: nothing to write');
    assert.equal(welcome.headers.get('cache-control'), null);

    const added = await call(url, 'POST', '/cart', { cookie, json: { item: 'apples' } });
    assert.deepEqual(added.body, { cart: ['apples'] });
    assert.match(added.setCookies[0] as string, LIVE_COOKIE);
    cookie = cookiePair(added.setCookies[0]);
    assert.deepEqual((await call(url, 'GET', '/cart', { cookie })).body, { cart: ['apples'] });
    assert.equal((await call(url, 'POST', '/cart', { cookie, json: { item: '' } })).status, 422);

    const logout = await call(url, 'POST', '/logout', { cookie });
    assert.deepEqual(logout.body, { message: 'Logged out successfully.' });
    assert.deepEqual(logout.setCookies, ['sid=; Path=/; Max-Age=0; HttpOnly; Secure; SameSite=Lax']);
    assert.deepEqual((await call(url, 'GET', '/', { cookie })).body, { message: 'Hello, guest!' }, 'the pre-logout cookie is refused');
    assert.deepEqual((await call(url, 'GET', '/cart', { cookie })).body, { cart: [] });
  });

  it('answers JSON for an unknown path and for a method the route does not serve', async () => {
    const missing = await call(example.url, 'GET', '/nowhere');
    assert.equal(missing.status, 404);
    assert.deepEqual(missing.body, { error: 'Not Found' });
    const wrongMethod = await call(example.url, 'GET', '/login');
    assert.equal(wrongMethod.status, 400);
    assert.deepEqual(wrongMethod.body, { error: 'Bad Request' });
  });

  it('exits with a message naming SESSION_SECRET when it is missing', async () => {
    const { code, output } = await runWithoutSecret('react-router');
    assert.equal(code, 1);
    assert.match(output, /SESSION_SECRET is not set/);
    assert.match(output, /npx hallpass secret/);
  });

  it('README.md shows the code that runs', () => {
    const { snippet, code } = readmeSnippet('react-router');
    assert.equal(snippet, code);
  });
});
