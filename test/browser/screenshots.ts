/**
 * Saves screenshots of the demo's main pages to docs/images/ at a desktop and a phone width:
 * the guest page, the page right after login (flash message, cart, two devices), and the device
 * list after "log out other devices". Server mode on SQLite, so the device list is real.
 *
 *   node --import tsx test/browser/screenshots.ts [output folder]
 */
import { mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContextOptions, Page } from 'playwright-core';
import { startDemo } from '../demo/server.js';
import { CHROMIUM, launchChromium, submitForm } from './chromium.js';

const OUT = process.argv[2] ?? 'docs/images';

// The desktop shots show the whole page; the phone shots (sharp, at 2x) show one screen, which keeps each under 200 KB.
const VIEWPORTS: Record<string, BrowserContextOptions & { fullPage: boolean }> = {
  desktop: { viewport: { width: 1200, height: 800 }, deviceScaleFactor: 1, fullPage: true },
  phone: { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, fullPage: false },
};

async function capture(
  browser: Browser,
  width: string,
  { fullPage, ...options }: BrowserContextOptions & { fullPage: boolean },
): Promise<void> {
  const shoot = async (page: Page, name: string) => {
    const path = join(OUT, `${name}-${width}.png`);
    await page.screenshot({ path, fullPage, animations: 'disabled', caret: 'hide' });
    console.log(`saved ${path} (${statSync(path).size} bytes)`);
  };
  const demo = await startDemo('sqlite');
  const laptop = await browser.newContext({ ...options, colorScheme: 'light' });
  const phone = await browser.newContext(options);
  try {
    const page = await laptop.newPage();
    await page.goto(demo.base);
    await shoot(page, 'demo-guest');

    // Another device signs in as the same user first, so the list has two entries.
    const other = await phone.newPage();
    await other.goto(demo.base);
    await other.fill('#username', 'alice');
    await submitForm(other, 'form[action="/login"] button');

    for (const item of ['apples', 'pears', 'coffee beans']) {
      await page.fill('#item', item);
      await submitForm(page, '#cart button');
    }
    await page.fill('#username', 'alice');
    await submitForm(page, 'form[action="/login"] button');
    await shoot(page, 'demo-home');

    await submitForm(page, 'form[action="/devices/logout-others"] button');
    await shoot(page, 'demo-devices');
  } finally {
    await laptop.close();
    await phone.close();
    await demo.close();
  }
}

mkdirSync(OUT, { recursive: true });
console.log(`Chromium: ${CHROMIUM}`);
const browser = await launchChromium();
try {
  for (const [width, options] of Object.entries(VIEWPORTS)) await capture(browser, width, options);
} finally {
  await browser.close();
}
