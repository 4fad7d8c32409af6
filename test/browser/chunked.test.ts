/**
 * A session larger than one cookie in a real browser: Chromium stores every chunk, sends them back,
 * and the session survives reloads; shrinking it leaves one cookie.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { createSessions } from 'hallpass';
import { withSessions } from 'hallpass/node';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { SECRET } from '../support/core-fixtures.js';
import { listen, type Running } from '../support/listen.js';
import { chromiumSkip, launchChromium } from './chromium.js';

const skip = chromiumSkip();
// 4400 characters, about 6 KB once sealed: more than one cookie holds, within the default 7680-byte cap.
const NOTES = randomBytes(3300).toString('base64url');

describe('chunked session cookies in Chromium', { skip }, () => {
  let browser: Browser;
  let server: Running;
  let context: BrowserContext;
  let page: Page;

  before(async () => {
    const sessions = createSessions<{ notes: string; visits: number }>({ secret: SECRET, chunked: true });
    const app = withSessions(sessions, (req, res) => {
      if (req.url === '/favicon.ico') {
        res.statusCode = 404;
        return void res.end();
      }
      const session = req.session;
      if (req.url === '/grow') session.set('notes', NOTES);
      if (req.url === '/shrink') session.delete('notes');
      session.set('visits', session.get('visits', 0) + 1);
      res.setHeader('Content-Type', 'text/html');
      res.end(`<p id="visits">${session.get('visits')}</p><p id="notes">${session.get('notes', '').length}</p>`);
    });
    [browser, server] = await Promise.all([launchChromium(), listen(createServer(app))]);
    context = await browser.newContext();
    page = await context.newPage();
    page.setDefaultTimeout(15_000);
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  const text = (id: string) => page.textContent(`#${id}`);
  const cookieNames = async () => (await context.cookies()).map((cookie) => cookie.name).sort();

  it('keeps a session of more than 4 KB across reloads, in two chunk cookies', async () => {
    await page.goto(`${server.url}/grow`);
    assert.equal(await text('notes'), String(NOTES.length));
    assert.deepEqual(await cookieNames(), ['sid.0', 'sid.1']);
    for (const visits of [2, 3, 4]) {
      await page.reload();
      assert.equal(await text('visits'), String(visits), 'the chunks came back and opened');
      assert.equal(await text('notes'), String(NOTES.length));
    }
    const cookies = await context.cookies();
    assert.ok(cookies.every((cookie) => cookie.httpOnly && cookie.secure && cookie.sameSite === 'Lax'));
  });

  it('goes back to one cookie when the session shrinks, the stale chunks removed', async () => {
    await page.goto(`${server.url}/shrink`);
    assert.deepEqual(await cookieNames(), ['sid']);
    await page.goto(`${server.url}/`);
    assert.equal(await text('visits'), '6');
    assert.equal(await text('notes'), '0');
  });
});
