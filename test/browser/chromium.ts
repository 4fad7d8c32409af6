/**
 * Debian's Chromium under playwright-core, for the browser tests and the screenshots. Each test
 * opens fresh contexts (an empty profile each), so one browser serves a whole file.
 */
import { existsSync } from 'node:fs';
import { type Browser, chromium, type Page } from 'playwright-core';
import { needService } from '../support/services.js';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** `false` to run, or the reason the browser suites skip (under CI=true a missing browser throws instead). */
export function chromiumSkip(): string | false {
  return needService('Chromium', existsSync(CHROMIUM), `Install it (Debian: \`apt-get install chromium\`) or set CHROMIUM_PATH.`);
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** Collects console errors and uncaught exceptions (a CSP violation shows up as a console error). */
export function pageProblems(page: Page): string[] {
  const problems: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(message.text());
  });
  page.on('pageerror', (error) => problems.push(error.message));
  return problems;
}

/**
 * Clicks a form's submit button and waits until the page the redirect leads to has loaded. The URL
 * alone cannot tell (the form posts from `/` and lands on `/` again), so the old document is
 * marked first and the wait ends once a fresh, fully loaded document has replaced it.
 */
export async function submitForm(page: Page, selector: string): Promise<void> {
  await page.evaluate(() => {
    (window as unknown as { previousPage?: boolean }).previousPage = true;
  });
  await page.click(selector);
  await page.waitForFunction(() => !(window as unknown as { previousPage?: boolean }).previousPage && document.readyState === 'complete');
}
