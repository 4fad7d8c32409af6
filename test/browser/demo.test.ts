/**
 * The demo in a real browser: what a person does on the page, in cookie mode (sealed) and in
 * server mode on SQLite. Secure cookies work over http://127.0.0.1, as browsers allow for loopback.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { type DemoMode, type RunningDemo, startDemo } from '../demo/server.js';
import { chromiumSkip, launchChromium, pageProblems, submitForm } from './chromium.js';

const skip = chromiumSkip();

/** One device: a fresh browser context (its own empty cookie jar) with one tab. */
async function openDevice(browser: Browser, base: string): Promise<{ context: BrowserContext; page: Page; problems: string[] }> {
  const context = await browser.newContext();
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  const problems = pageProblems(page);
  await page.goto(base);
  return { context, page, problems };
}

async function logIn(page: Page, username: string): Promise<void> {
  await page.fill('#username', username);
  await submitForm(page, 'form[action="/login"] button');
}

const heading = (page: Page) => page.textContent('h1');
const flashes = (page: Page) => page.locator('.flash').allTextContents();
const cartItems = (page: Page) => page.locator('#cart .items li').allTextContents();

for (const mode of ['sealed', 'sqlite'] as const satisfies readonly DemoMode[]) {
  const server = mode === 'sqlite';

  describe(`demo in Chromium (${server ? 'server mode, SQLite store' : 'cookie mode, sealed'})`, { skip }, () => {
    let browser: Browser;
    let demo: RunningDemo;
    let device: Awaited<ReturnType<typeof openDevice>>;

    before(async () => {
      [browser, demo] = await Promise.all([launchChromium(), startDemo(mode)]);
      device = await openDevice(browser, demo.base);
    });
    after(async () => {
      await browser?.close();
      await demo?.close();
    });

    it('greets a guest and sets no cookie', async () => {
      assert.equal(await heading(device.page), 'Hello, guest!');
      assert.deepEqual(await device.context.cookies(), []);
    });

    it('logs in through the form and shows the welcome and the flash message once', async () => {
      await logIn(device.page, 'alice');
      assert.equal(await heading(device.page), 'Welcome back, user alice!');
      assert.deepEqual(await flashes(device.page), ['Logged in as alice']);
      await device.page.reload();
      assert.equal(await heading(device.page), 'Welcome back, user alice!');
      assert.deepEqual(await flashes(device.page), []);
    });

    it('adds items to the cart and keeps them across reloads', async () => {
      for (const item of ['apples', 'pears']) {
        await device.page.fill('#item', item);
        await submitForm(device.page, '#cart button');
      }
      assert.deepEqual(await cartItems(device.page), ['apples', 'pears']);
      await device.page.reload();
      assert.deepEqual(await cartItems(device.page), ['apples', 'pears']);
      assert.equal(await device.page.textContent('#cart .count'), '2');
    });

    it('keeps the session cookie away from page scripts', async () => {
      const [cookie] = await device.context.cookies();
      assert.equal(cookie?.name, 'sid');
      assert.deepEqual([cookie?.httpOnly, cookie?.secure, cookie?.sameSite], [true, true, 'Lax']);
      assert.equal(await device.page.evaluate(() => document.cookie), '');
      assert.equal(await device.page.textContent('#document-cookie'), '""');
    });

    if (server) {
      it('logs another device of the same user out from the first', async () => {
        const phone = await openDevice(browser, demo.base);
        try {
          await logIn(phone.page, 'alice');
          assert.equal(await heading(phone.page), 'Welcome back, user alice!');
          await device.page.reload();
          assert.deepEqual(await device.page.locator('#devices .device').allTextContents(), ['This device current', 'Another device']);
          await submitForm(device.page, 'form[action="/devices/logout-others"] button');
          assert.deepEqual(await flashes(device.page), ['Logged out 1 other device.']);
          assert.deepEqual(await device.page.locator('#devices .device').allTextContents(), ['This device current']);
          await phone.page.reload();
          assert.equal(await heading(phone.page), 'Hello, guest!');
          assert.deepEqual(await cartItems(phone.page), []);
          assert.deepEqual(phone.problems, []);
        } finally {
          await phone.context.close();
        }
        assert.equal(await heading(device.page), 'Welcome back, user alice!');
      });
    } else {
      it('explains that the device list needs a server-side store', async () => {
        assert.match((await device.page.textContent('#devices')) ?? '', /runs in cookie mode.*SESSION_STORE=sqlite/s);
      });
    }

    it('logs out to the guest page, and the cookie is gone', async () => {
      await submitForm(device.page, 'form[action="/logout"] button');
      assert.equal(await heading(device.page), 'Hello, guest!');
      assert.deepEqual(await cartItems(device.page), []);
      assert.deepEqual(await device.context.cookies(), []);
      await device.page.reload();
      assert.equal(await heading(device.page), 'Hello, guest!');
    });

    it('remembers a login by default, and keeps an unchecked "Remember me" to a browser-session cookie', async () => {
      await logIn(device.page, 'bea');
      const [remembered] = await device.context.cookies();
      assert.ok((remembered?.expires ?? -1) > Date.now() / 1000, 'a persistent cookie has an expiry date');
      await submitForm(device.page, 'form[action="/logout"] button');
      await device.page.uncheck('#remember');
      await logIn(device.page, 'bea');
      const [browserSession] = await device.context.cookies();
      assert.equal(browserSession?.expires, -1, 'no Max-Age or Expires: gone when the browser closes');
      await device.page.reload();
      assert.equal(await heading(device.page), 'Welcome back, user bea!');
      assert.match((await device.page.textContent('#cookie')) ?? '', /when you close the browser, and 12 h after login at the latest/);
      await submitForm(device.page, 'form[action="/logout"] button');
    });

    it('ran without console errors or CSP violations', () => {
      assert.deepEqual(device.problems, []);
    });
  });
}
