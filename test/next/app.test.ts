/**
 * examples/next built with `next build` and served by `next start`: the demo's JSON contract over
 * HTTP through Route Handlers, proxy.ts reading the session on Next's Node.js runtime, a Route
 * Handler reading it on the edge runtime, and the page
 * in Chromium, where a Server Component reads the session and Server Actions log in and out.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { chromiumSkip, launchChromium, pageProblems } from '../browser/chromium.js';
import { call, type Reply } from '../demo/client.js';
import { SECRET } from '../support/core-fixtures.js';
import { buildExample, type RunningApp, startExample, startWithoutSecret } from './next-app.js';

// Next serialises the cookie itself: the same attributes as hallpass's other adapters, plus Expires.
const SESSION_COOKIE = /^sid=h1\.[\w-]+\.[\w-]+; Path=\/; Expires=[^;]+ GMT; Max-Age=86400; Secure; HttpOnly; SameSite=lax$/;
const EXPIRED = 'sid=; Path=/; Max-Age=0; Secure; HttpOnly; SameSite=lax';
const browserSkip = chromiumSkip();

let app: RunningApp;
before(async () => {
  await buildExample();
  app = await startExample({ SESSION_SECRET: SECRET });
});
after(() => app?.close());

const api = (path: string, options: Parameters<typeof call>[2] = {}) => call(app.base, path, options);

async function login(username: string): Promise<Reply> {
  const reply = await api(`/api/login?username=${username}`, { method: 'POST' });
  assert.equal(reply.status, 200, app.output());
  return reply;
}

describe('examples/next: the JSON contract in Route Handlers', () => {
  it('greets a guest and sets no cookie', async () => {
    const reply = await api('/api');
    assert.deepEqual([reply.status, reply.text, reply.setCookie], [200, '{"message":"Hello, guest!"}', undefined]);
    assert.match(reply.headers.get('vary') ?? '', /\bCookie\b/);
  });

  it('logs in from the query string with a new session, and welcomes the user back', async () => {
    const reply = await login('alice');
    assert.deepEqual(reply.json(), { message: 'Logged in as alice' });
    assert.match(reply.setCookie ?? '', SESSION_COOKIE);
    assert.equal(reply.headers.get('cache-control'), 'private, no-store');
    assert.equal((await api('/api', { cookie: reply.cookie })).text, '{"message":"Welcome back, user alice!"}');
  });

  it('logs in with remember=0 as a browser-session cookie: no Max-Age, no Expires', async () => {
    const reply = await api('/api/login?username=dora&remember=0', { method: 'POST' });
    assert.equal(reply.status, 200);
    assert.match(reply.setCookie ?? '', /^sid=h1\.[\w-]+\.[\w-]+; Path=\/; Secure; HttpOnly; SameSite=lax$/);
    assert.equal((await api('/api', { cookie: reply.cookie })).text, '{"message":"Welcome back, user dora!"}');
  });

  it('takes the username from a form body or a JSON body too, and refuses a missing or invalid one', async () => {
    const form = await api('/api/login', { form: { username: 'bob' } });
    assert.deepEqual([form.status, form.json()], [200, { message: 'Logged in as bob' }]);
    const json = await api('/api/login', { json: { username: 'carol' } });
    assert.deepEqual([json.status, json.json()], [200, { message: 'Logged in as carol' }]);
    const missing = await api('/api/login', { method: 'POST' });
    assert.deepEqual(
      [missing.status, (missing.json() as { error: string }).error, missing.setCookie],
      [422, 'username_required', undefined],
    );
    const invalid = await api('/api/login?username=%3Cscript%3E', { method: 'POST' });
    assert.deepEqual([invalid.status, (invalid.json() as { error: string }).error], [422, 'username_invalid']);
  });

  it('regenerates on login: the cookie a guest had before is not the one they get', async () => {
    const guest = await api('/api/cart', { json: { item: 'apples' } });
    const user = await api('/api/login?username=dave', { method: 'POST', cookie: guest.cookie });
    assert.notEqual(user.cookie, guest.cookie);
    assert.deepEqual((await api('/api/cart', { cookie: user.cookie })).json(), { cart: ['apples'] });
  });

  it('reads and merges session data, keeping user_id for login alone', async () => {
    const { cookie } = await login('erin');
    assert.deepEqual((await api('/api/session', { cookie })).json(), { user_id: 'erin' });
    const merged = await api('/api/session', { cookie, json: { theme: 'dark' } });
    assert.deepEqual(merged.json(), { user_id: 'erin', theme: 'dark' });
    assert.deepEqual((await api('/api/session', { cookie: merged.cookie })).json(), { user_id: 'erin', theme: 'dark' });
    const reserved = await api('/api/session', { cookie, json: { user_id: 'mallory' } });
    assert.deepEqual([reserved.status, (reserved.json() as { error: string }).error], [422, 'reserved_key']);
  });

  it('adds to the cart and keeps it', async () => {
    const { cookie } = await login('frank');
    const first = await api('/api/cart', { cookie, json: { item: 'apples' } });
    const second = await api('/api/cart', { cookie: first.cookie, json: { item: 'pears' } });
    assert.deepEqual(second.json(), { cart: ['apples', 'pears'] });
    assert.deepEqual((await api('/api/cart', { cookie: second.cookie })).json(), { cart: ['apples', 'pears'] });
    const empty = await api('/api/cart', { cookie, json: {} });
    assert.equal(empty.status, 422);
  });

  it('logs out: expires the cookie, and the old cookie is refused afterwards', async () => {
    const { cookie } = await login('grace');
    const reply = await api('/api/logout', { method: 'POST', cookie });
    assert.deepEqual([reply.status, reply.json(), reply.setCookie], [200, { message: 'Logged out successfully.' }, EXPIRED]);
    assert.equal((await api('/api', { cookie })).text, '{"message":"Hello, guest!"}');
  });

  it('treats a tampered or foreign cookie as a guest, never an error', async () => {
    const { cookie } = await login('heidi');
    for (const bad of [`${cookie}x`, 'sid=not-a-cookie', 'sid=%ZZ', `sid=${'A'.repeat(5000)}`]) {
      const reply = await api('/api', { cookie: bad });
      assert.deepEqual([reply.status, reply.text], [200, '{"message":"Hello, guest!"}'], bad.slice(0, 40));
    }
  });
});

describe('examples/next: proxy.ts reads the session on the Node.js runtime', () => {
  it('sends a guest from /account to the home page and lets a logged-in user through', async () => {
    const guest = await api('/account');
    assert.deepEqual([guest.status, guest.headers.get('location')], [307, '/']);
    const { cookie } = await login('ivan');
    const user = await api('/account', { cookie });
    assert.equal(user.status, 200);
    assert.match(user.text, /<h1>Account of (<!-- -->)?ivan<\/h1>/);
  });

  it('shares the logout with the routes: a logged-out cookie is turned away at the proxy', async () => {
    const { cookie } = await login('judy');
    await api('/api/logout', { method: 'POST', cookie });
    assert.equal((await api('/account', { cookie })).status, 307);
  });
});

describe('examples/next: a Route Handler on the edge runtime (Web Crypto)', () => {
  it('opens the cookie the Node.js routes sealed, and reads a guest or a tampered cookie as no user', async () => {
    const { cookie } = await login('kim');
    const user = await api('/api/edge', { cookie });
    assert.deepEqual([user.status, user.text], [200, '{"runtime":"edge","user_id":"kim"}'], app.output());
    const guest = await api('/api/edge');
    assert.deepEqual([guest.status, guest.text], [200, '{"runtime":"edge","user_id":null}']);
    const tampered = await api('/api/edge', { cookie: `${cookie}x` });
    assert.deepEqual([tampered.status, tampered.text], [200, '{"runtime":"edge","user_id":null}']);
    assert.doesNotMatch(app.output(), /not supported in the Edge Runtime/);
  });
});

describe('examples/next: the page in Chromium (Server Component and Server Actions)', { skip: browserSkip }, () => {
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let problems: string[];
  const heading = () => page.textContent('h1');
  const headingBecomes = (text: string) => page.waitForFunction((expected) => document.querySelector('h1')?.textContent === expected, text);

  before(async () => {
    browser = await launchChromium();
    context = await browser.newContext();
    page = await context.newPage();
    page.setDefaultTimeout(15_000);
    problems = pageProblems(page);
    await page.goto(app.base);
  });
  after(() => browser?.close());

  it('greets a guest and sets no cookie', async () => {
    assert.equal(await heading(), 'Hello, guest!');
    assert.deepEqual(await context.cookies(), []);
  });

  it('logs in through the form, and is still welcomed after a reload', async () => {
    await page.fill('#username', 'kim');
    await page.click('form button[type="submit"]');
    await headingBecomes('Welcome back, user kim!');
    const [cookie] = await context.cookies();
    assert.deepEqual([cookie?.name, cookie?.httpOnly, cookie?.secure, cookie?.sameSite], ['sid', true, true, 'Lax']);
    assert.equal(await page.evaluate(() => document.cookie), '');
    await page.reload();
    assert.equal(await heading(), 'Welcome back, user kim!');
  });

  it('logs out with the button: the cookie is gone, the page greets a guest, and the old cookie is refused', async () => {
    const [before] = await context.cookies();
    await page.click('form button[type="submit"]');
    await headingBecomes('Hello, guest!');
    assert.deepEqual(await context.cookies(), []);
    await page.reload();
    assert.equal(await heading(), 'Hello, guest!');
    assert.equal((await api('/api', { cookie: `sid=${before?.value}` })).text, '{"message":"Hello, guest!"}');
  });

  it('logged no errors in the page', () => {
    assert.deepEqual(problems, []);
  });
});

describe('examples/next: start-up', () => {
  it('refuses to start without SESSION_SECRET, saying how to make one', async () => {
    const { code, output } = await startWithoutSecret();
    assert.equal(code, 1);
    assert.match(output, /SESSION_SECRET is not set\. Create one with `npx hallpass secret`/);
  });
});
