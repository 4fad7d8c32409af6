/**
 * The demo's HTTP contract (foundation and stores issues) over real HTTP, in every mode the demo
 * offers: JSON for API clients, pages and 303 redirects for browsers, the same answers everywhere.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { frozenClock } from '../support/clock.js';
import { EXPIRED } from '../support/cookies.js';
import { BROWSER_ACCEPT, call, page, submit } from './client.js';
import { DEMO_MODES, type RunningDemo, startDemo } from './server.js';

for (const mode of DEMO_MODES) {
  const server = mode === 'memory' || mode === 'sqlite';
  // Cookie mode caps Max-Age by the 1-day idle timeout; a server-mode token lives as long as the
  // absolute lifetime, and the store enforces the idle timeout.
  const sessionCookie = (cookie: string | undefined) => {
    const value = cookie?.slice('sid='.length) ?? '';
    if (server) assert.match(value, /^[A-Za-z0-9_-]{43}$/);
    else assert.match(value, mode === 'sealed' ? /^h1\.[A-Za-z0-9_-]{6}\.[A-Za-z0-9_-]+$/ : /^[A-Za-z0-9_.-]+$/);
    return `${cookie}; Path=/; Max-Age=${server ? 1209600 : 86400}; HttpOnly; Secure; SameSite=Lax`;
  };

  describe(`demo contract (${server ? `server mode, ${mode} store` : `cookie mode, ${mode}`})`, () => {
    let demo: RunningDemo;
    let base: string;
    const login = async (username: string) => {
      const reply = await call(base, `/login?username=${username}`, { method: 'POST' });
      assert.equal(reply.status, 200);
      return reply.cookie as string;
    };

    before(async () => {
      demo = await startDemo(mode, frozenClock().now);
      base = demo.base;
    });
    after(() => demo.close());

    it('greets a guest with JSON and sets no cookie', async () => {
      const reply = await call(base, '/');
      assert.equal(reply.status, 200);
      assert.equal(reply.headers.get('content-type'), 'application/json; charset=utf-8');
      assert.equal(reply.text, '{"message":"Hello, guest!"}');
      assert.equal(reply.setCookie, undefined);
    });

    it('logs in from the query string, regenerating the session, and welcomes the user back', async () => {
      const reply = await call(base, '/login?username=alice', { method: 'POST' });
      assert.equal(reply.status, 200);
      assert.deepEqual(reply.json(), { message: 'Logged in as alice' });
      assert.equal(reply.setCookie, sessionCookie(reply.cookie));
      assert.equal(reply.headers.get('cache-control'), 'private, no-store');
      assert.equal((await call(base, '/', { cookie: reply.cookie })).text, '{"message":"Welcome back, user alice!"}');
    });

    it('takes the username from a form body or a JSON body too', async () => {
      const form = await call(base, '/login', { form: { username: 'bob' } });
      assert.deepEqual([form.status, form.json()], [200, { message: 'Logged in as bob' }]);
      const json = await call(base, '/login', { json: { username: 'carol' } });
      assert.deepEqual([json.status, json.json()], [200, { message: 'Logged in as carol' }]);
      assert.deepEqual((await call(base, '/', { cookie: json.cookie })).json(), { message: 'Welcome back, user carol!' });
    });

    it('remembers the login by default and with remember=1: a persistent cookie', async () => {
      for (const path of ['/login?username=alice', '/login?username=alice&remember=1']) {
        const reply = await call(base, path, { method: 'POST' });
        assert.equal(reply.setCookie, sessionCookie(reply.cookie), path);
      }
      const form = await call(base, '/login', {
        form: [
          ['username', 'bob'],
          ['remember', '0'],
          ['remember', '1'],
        ],
      });
      assert.equal(form.setCookie, sessionCookie(form.cookie), 'the checked box comes after the hidden 0');
    });

    it('with remember=0 (query, unchecked form box or JSON) sets a browser-session cookie: no Max-Age, no Expires', async () => {
      const browserSession = (cookie: string | undefined) => `${cookie}; Path=/; HttpOnly; Secure; SameSite=Lax`;
      const query = await call(base, '/login?username=alice&remember=0', { method: 'POST' });
      assert.equal(query.setCookie, browserSession(query.cookie));
      const form = await call(base, '/login', {
        form: [
          ['username', 'bob'],
          ['remember', '0'],
        ],
      });
      assert.equal(form.setCookie, browserSession(form.cookie));
      const json = await call(base, '/login', { json: { username: 'carol', remember: 0 } });
      assert.equal(json.setCookie, browserSession(json.cookie));
      assert.deepEqual((await call(base, '/', { cookie: query.cookie })).json(), { message: 'Welcome back, user alice!' });
      // The choice stays with the session: a later write is still a browser-session cookie.
      const cart = await call(base, '/cart', { cookie: query.cookie, json: { item: 'apple' } });
      if (server) assert.equal(cart.setCookie, undefined);
      else assert.equal(cart.setCookie, browserSession(cart.cookie));
      const bad = await call(base, '/login?username=dave&remember=2', { method: 'POST' });
      assert.deepEqual([bad.status, (bad.json() as { error: string }).error, bad.setCookie], [422, 'remember_invalid', undefined]);
    });

    it('answers 422 with a JSON error for a missing, empty or malformed username', async () => {
      for (const [path, body, error] of [
        ['/login', undefined, 'username_required'],
        ['/login?username=', undefined, 'username_required'],
        ['/login', { username: '   ' }, 'username_required'],
        ['/login', { username: 42 }, 'username_required'],
        ['/login?username=a%20b', undefined, 'username_invalid'],
      ] as const) {
        const reply = await call(base, path, { method: 'POST', json: body });
        assert.equal(reply.status, 422, path);
        assert.equal(reply.headers.get('content-type'), 'application/json; charset=utf-8');
        assert.equal((reply.json() as { error: string }).error, error);
        assert.equal(reply.setCookie, undefined);
      }
    });

    it('gives a new cookie on login, keeps the data, and the cookie from before never carries the user', async () => {
      const guest = await call(base, '/cart', { json: { item: 'apples' } });
      assert.deepEqual(guest.json(), { cart: ['apples'] });
      const reply = await call(base, '/login?username=dave', { method: 'POST', cookie: guest.cookie });
      assert.notEqual(reply.cookie, guest.cookie);
      assert.deepEqual((await call(base, '/cart', { cookie: reply.cookie })).json(), { cart: ['apples'] });
      assert.deepEqual((await call(base, '/', { cookie: guest.cookie })).json(), { message: 'Hello, guest!' });
      // Server mode deletes the guest record; cookie mode leaves a guest's cookie the guest it was.
      const cookieMode = mode === 'sealed' || mode === 'signed';
      assert.deepEqual((await call(base, '/cart', { cookie: guest.cookie })).json(), { cart: cookieMode ? ['apples'] : [] });
    });

    it('logs out: expires the cookie, and a replay of the old cookie is a guest', async () => {
      const cookie = await login('erin');
      const reply = await call(base, '/logout', { method: 'POST', cookie });
      assert.equal(reply.status, 200);
      assert.deepEqual(reply.json(), { message: 'Logged out successfully.' });
      assert.equal(reply.setCookie, EXPIRED);
      assert.deepEqual((await call(base, '/', { cookie })).json(), { message: 'Hello, guest!' });
      assert.deepEqual((await call(base, '/session', { cookie })).json(), {});
    });

    it('shows the session data and merges a JSON object into it', async () => {
      assert.deepEqual((await call(base, '/session')).json(), {});
      const first = await call(base, '/session', { json: { theme: 'dark' } });
      assert.deepEqual(first.json(), { theme: 'dark' });
      const second = await call(base, '/session', { json: { lang: 'fr' }, cookie: first.cookie });
      assert.deepEqual(second.json(), { theme: 'dark', lang: 'fr' });
      const cookie = server ? first.cookie : second.cookie;
      assert.deepEqual((await call(base, '/session', { cookie })).json(), { theme: 'dark', lang: 'fr' });
    });

    it('refuses a form posted from another site (Sec-Fetch-Site or Origin), and lets same-origin and non-browser posts through', async () => {
      const host = new URL(base).host;
      for (const headers of [
        { 'sec-fetch-site': 'cross-site' },
        { 'sec-fetch-site': 'same-site' },
        { origin: 'https://evil.example' },
      ] as Record<string, string>[]) {
        const response = await fetch(`${base}/login?username=mallory`, { method: 'POST', headers });
        assert.equal(response.status, 403);
        assert.deepEqual(await response.json(), { error: 'cross_site_request', message: 'This form was posted from another site.' });
        assert.equal(response.headers.get('set-cookie'), null);
      }
      for (const headers of [{ 'sec-fetch-site': 'same-origin' }, { origin: `http://${host}` }, {}] as Record<string, string>[]) {
        const response = await fetch(`${base}/login?username=alice`, { method: 'POST', headers });
        assert.equal(response.status, 200);
      }
    });

    it('refuses to merge keys only the app sets (user_id): logging in goes through /login', async () => {
      const response = await call(base, '/session', { json: { user_id: 'admin', theme: 'dark' } });
      assert.equal(response.status, 422);
      assert.deepEqual(response.json(), { error: 'reserved_key', message: 'These keys are set by the app only: user_id.' });
      assert.equal(response.cookie, undefined);
    });

    it('keeps a shopping cart in the session', async () => {
      const first = await call(base, '/cart', { json: { item: 'apples' } });
      const second = await call(base, '/cart', { json: { item: ' pears ' }, cookie: first.cookie });
      assert.deepEqual(second.json(), { cart: ['apples', 'pears'] });
      const cookie = server ? first.cookie : second.cookie;
      assert.deepEqual((await call(base, '/cart', { cookie })).json(), { cart: ['apples', 'pears'] });
      const bad = await call(base, '/cart', { json: { item: '' }, cookie });
      assert.deepEqual([bad.status, (bad.json() as { error: string }).error], [422, 'item_required']);
    });

    it('answers an unknown route with a JSON 404', async () => {
      const reply = await call(base, '/nowhere');
      assert.deepEqual([reply.status, reply.text], [404, '{"error":"not_found"}']);
    });

    describe('browsers', () => {
      it('get a page with the greeting, a login form and no cookie', async () => {
        const reply = await page(base);
        assert.equal(reply.status, 200);
        assert.equal(reply.headers.get('content-type'), 'text/html; charset=utf-8');
        assert.equal(reply.headers.get('cache-control'), 'private, no-store');
        assert.match(reply.headers.get('content-security-policy') ?? '', /default-src 'none'; style-src 'self'; script-src 'self'/);
        assert.match(reply.text, /<h1 id="message">Hello, guest!<\/h1>/);
        assert.match(reply.text, /<form method="post" action="\/login"[^>]*>[\s\S]*?<input id="username" name="username"/);
        assert.match(
          reply.text,
          /<input type="hidden" name="remember" value="0">\s*<label class="check"><input type="checkbox" id="remember" name="remember" value="1" checked>/,
        );
        assert.equal(reply.setCookie, undefined);
      });

      it('log in through the form: 303 to the page, which shows the flash message once', async () => {
        const post = await submit(base, '/login', { username: 'alice' });
        assert.equal(post.status, 303);
        assert.equal(post.headers.get('location'), '/');
        assert.equal(post.setCookie, sessionCookie(post.cookie));
        const shown = await page(base, post.cookie);
        assert.match(shown.text, /<p class="flash flash-success">Logged in as alice<\/p>/);
        assert.match(shown.text, /<h1 id="message">Welcome back, user alice!<\/h1>/);
        assert.match(shown.text, /<form method="post" action="\/logout">/);
        // Taking the message is a write: a new cookie in cookie mode, a store patch in server mode.
        assert.equal(shown.setCookie, server ? undefined : sessionCookie(shown.cookie));
        const reload = await page(base, server ? post.cookie : shown.cookie);
        assert.doesNotMatch(reload.text, /class="flash/);
        assert.match(reload.text, /Welcome back, user alice!/);
        assert.equal(reload.setCookie, undefined);
      });

      it('see a refused login as a message on the page, not as JSON', async () => {
        const post = await submit(base, '/login', { username: 'not valid' });
        assert.equal(post.status, 303);
        const shown = await page(base, post.cookie);
        assert.match(shown.text, /<p class="flash flash-error">A username is 1-64 letters, digits, dots, @, _ or -.<\/p>/);
        assert.match(shown.text, /Hello, guest!/);
        assert.equal(shown.setCookie, EXPIRED, 'the message was all the session held');
      });

      it('add to the cart and log out with forms answered by 303', async () => {
        const cookie = (await submit(base, '/login', { username: 'frank' })).cookie;
        const add = await submit(base, '/cart', { item: 'tea & <cake>' }, cookie);
        assert.equal(add.status, 303);
        const current = server ? cookie : add.cookie;
        const shown = await page(base, current);
        assert.match(shown.text, /<li>tea &amp; &lt;cake&gt;<\/li>/);
        const out = await submit(base, '/logout', {}, current);
        assert.deepEqual([out.status, out.headers.get('location'), out.setCookie], [303, '/', EXPIRED]);
        assert.match((await page(base, current)).text, /Hello, guest!/);
      });

      it('say when a login that was not remembered ends: with the browser, and 12 hours after login at the latest', async () => {
        const post = await submit(base, '/login', [
          ['username', 'ida'],
          ['remember', '0'],
        ]);
        assert.equal(post.status, 303);
        assert.doesNotMatch(post.setCookie as string, /Max-Age|Expires/);
        const text = (await page(base, post.cookie)).text;
        assert.match(
          text,
          /<dt>Expires<\/dt><dd>when you close the browser, and 12 h after login at the latest, or after 1 day without a visit/,
        );
      });

      it('explain the cookie: its attributes, who can read it, when it expires', async () => {
        const cookie = await login('gina');
        const text = (await page(base, cookie)).text;
        assert.match(text, /<dt>Name<\/dt><dd><code>sid<\/code><\/dd>/);
        assert.match(text, /<dt>HttpOnly<\/dt><dd><strong>yes<\/strong> <span class="muted">— page scripts cannot read it/);
        assert.match(text, /<dt>Secure<\/dt><dd><strong>yes<\/strong>/);
        assert.match(text, /<dt>SameSite<\/dt><dd><strong>Lax<\/strong>/);
        assert.match(text, /<dt>Expires<\/dt><dd>14 days after login at the latest, or after 1 day without a visit/);
        assert.match(text, server ? /only a random 256-bit token/ : mode === 'sealed' ? /AES-256-GCM/ : /HMAC-SHA256/);
        assert.match(
          text,
          /Your browser sent \d+ bytes of it\. This session started <time[^>]*>just now<\/time> and ends <time[^>]*>in 14 days<\/time>/,
        );
      });
    });

    describe('devices', () => {
      it('need a login', async () => {
        assert.deepEqual(await statusAndError('/devices'), [401, 'login_required']);
        assert.deepEqual(await statusAndError('/devices/logout-others', 'POST'), [401, 'login_required']);
      });

      if (!server) {
        it('need a server-side store in cookie mode, and the page says how to get one', async () => {
          const cookie = await login('hal');
          assert.deepEqual(await statusAndError('/devices', 'GET', cookie), [409, 'server_store_required']);
          assert.deepEqual(await statusAndError('/devices/logout-others', 'POST', cookie), [409, 'server_store_required']);
          assert.match((await page(base, cookie)).text, /runs in cookie mode[\s\S]*<code>SESSION_STORE=sqlite<\/code>/);
        });
        return;
      }

      it("list the user's sessions with the current one marked, and log out the others", async () => {
        const laptop = await login('ivy');
        const phone = await login('ivy');
        const other = await login('jack');
        const listed = (await call(base, '/devices', { cookie: laptop })).json() as { devices: Array<Record<string, unknown>> };
        assert.equal(listed.devices.length, 2);
        assert.deepEqual(listed.devices.map((d) => d.current).sort(), [false, true]);
        for (const device of listed.devices) {
          assert.deepEqual(Object.keys(device).sort(), ['createdAt', 'current', 'id', 'lastSeenAt']);
          assert.match(String(device.id), /^[A-Za-z0-9_-]{43}$/, 'the store key, never the cookie token');
          assert.notEqual(`sid=${device.id}`, laptop);
        }
        const html = (await page(base, laptop)).text;
        assert.match(html, /This device <span class="tag">current<\/span>[\s\S]*Another device/);
        assert.match(
          html,
          /<form method="post" action="\/devices\/logout-others"><button type="submit" class="danger">Log out other devices \(1\)/,
        );

        const reply = await call(base, '/devices/logout-others', { method: 'POST', cookie: laptop });
        assert.deepEqual([reply.status, reply.json()], [200, { loggedOut: 1 }]);
        assert.deepEqual((await call(base, '/', { cookie: phone })).json(), { message: 'Hello, guest!' });
        assert.deepEqual((await call(base, '/', { cookie: laptop })).json(), { message: 'Welcome back, user ivy!' });
        assert.deepEqual((await call(base, '/', { cookie: other })).json(), { message: 'Welcome back, user jack!' });
        assert.equal(((await call(base, '/devices', { cookie: laptop })).json() as { devices: unknown[] }).devices.length, 1);
      });

      it('log out the others from the page with a form and say how many', async () => {
        const laptop = (await submit(base, '/login', { username: 'kim' })).cookie;
        await page(base, laptop);
        await login('kim');
        await login('kim');
        const post = await submit(base, '/devices/logout-others', {}, laptop);
        assert.equal(post.status, 303);
        assert.match((await page(base, laptop)).text, /<p class="flash flash-success">Logged out 2 other devices\.<\/p>/);
      });
    });

    async function statusAndError(path: string, method = 'GET', cookie?: string) {
      const reply = await call(base, path, { method, cookie });
      return [reply.status, (reply.json() as { error: string }).error];
    }
  });
}

describe('demo assets', () => {
  let demo: RunningDemo;
  before(async () => {
    demo = await startDemo('sealed');
  });
  after(() => demo.close());

  it('serves the style sheet under a content-hashed URL with a year-long cache and no session work', async () => {
    const html = (await page(demo.base)).text;
    const href = /<link rel="stylesheet" href="(\/assets\/style\.css\?v=[A-Za-z0-9_-]{8})">/.exec(html)?.[1];
    assert.ok(href, 'the page links the versioned style sheet');
    const cookie = (await call(demo.base, '/session', { json: { a: 1 } })).cookie;
    const css = await call(demo.base, href, { cookie, accept: 'text/css' });
    assert.equal(css.status, 200);
    assert.equal(css.headers.get('content-type'), 'text/css; charset=utf-8');
    assert.equal(css.headers.get('cache-control'), 'public, max-age=31536000, immutable');
    assert.equal(css.headers.get('vary'), null);
    assert.equal(css.setCookie, undefined);
    assert.match(css.text, /^\/\* The hallpass demo page/);
    const etag = css.headers.get('etag') as string;
    assert.equal((await call(demo.base, href, { headers: { 'if-none-match': etag } })).status, 304);
  });

  it('serves the page script and icon, and 404s anything else under /assets', async () => {
    const js = await call(demo.base, '/assets/page.js');
    assert.deepEqual([js.status, js.headers.get('content-type')], [200, 'text/javascript; charset=utf-8']);
    const icon = await call(demo.base, '/assets/icon.svg', { accept: BROWSER_ACCEPT });
    assert.deepEqual([icon.status, icon.headers.get('content-type')], [200, 'image/svg+xml']);
    for (const path of ['/assets/nope.css', '/assets/../app.ts', '/assets/%2e%2e/app.ts']) {
      assert.equal((await call(demo.base, path)).status, 404, path);
    }
  });
});

describe('demo extra routes', () => {
  it('run before the session routes and may decline a request', async () => {
    const demo = await startDemo('sealed', undefined, (_req, res, url) => {
      if (url.pathname !== '/token') return false;
      res.end('{"token":"t"}');
      return true;
    });
    try {
      assert.equal((await call(demo.base, '/token')).text, '{"token":"t"}');
      assert.equal((await call(demo.base, '/')).text, '{"message":"Hello, guest!"}');
    } finally {
      await demo.close();
    }
  });
});
