/**
 * What a real browser does with `commitSession`'s empty answer: examples/react-router sends
 * `Set-Cookie: ` (empty) when the session has nothing to write, and Chromium must keep its cookie.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { chromiumSkip, launchChromium } from '../browser/chromium.js';
import { startExample } from './contract/example.js';

const skip = chromiumSkip();

/** Sends a request from the page (so the browser's own cookie jar is used) and resolves the JSON body. */
function fetchJson(page: Page, method: string, path: string): Promise<unknown> {
  return page.evaluate(async ([method, path]) => (await fetch(path as string, { method })).json(), [method, path]);
}

describe('examples/react-router in Chromium', { skip }, () => {
  let browser: Browser;
  let example: Awaited<ReturnType<typeof startExample>>;
  before(async () => {
    [browser, example] = await Promise.all([launchChromium(), startExample('react-router')]);
  });
  after(async () => {
    await browser?.close();
    await example?.stop();
  });

  it("keeps the session cookie when commitSession answers '' (an empty Set-Cookie header)", async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${example.url}/`);
    assert.deepEqual(await fetchJson(page, 'POST', '/login?username=alice'), { message: 'Logged in as alice' });
    const [cookie] = await context.cookies();
    assert.equal(cookie?.name, 'sid');

    const headers = page.waitForResponse((response) => new URL(response.url()).pathname === '/cart').then((r) => r.headersArray());
    assert.deepEqual(await fetchJson(page, 'GET', '/cart'), { cart: [] });
    const setCookies = (await headers).filter(({ name }) => name.toLowerCase() === 'set-cookie').map(({ value }) => value);
    assert.deepEqual(setCookies, [''], 'the browser did receive an empty Set-Cookie');

    assert.deepEqual(await context.cookies(), [cookie], 'the cookie is unchanged');
    assert.deepEqual(await fetchJson(page, 'GET', '/'), { message: 'Welcome back, user alice!' });
    assert.deepEqual(await fetchJson(page, 'POST', '/logout'), { message: 'Logged out successfully.' });
    assert.deepEqual(await context.cookies(), []);
    await context.close();
  });
});
