/**
 * Headless Chromium (Debian's `chromium`) driven by playwright-core: one browser per test
 * file, a fresh profile (Playwright gives every launch its own temporary user-data-dir), and
 * every request that leaves the server under test recorded and refused.
 */
import { existsSync } from 'node:fs';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';
export const chromiumInstalled = existsSync(CHROMIUM);
if (!chromiumInstalled && process.env.CI === 'true')
  throw new Error(`${CHROMIUM} is not installed, and CI=true requires it (apt-get install chromium)`);
if (!chromiumInstalled) console.warn(`browser tests skipped: ${CHROMIUM} is not installed (apt-get install chromium)`);

export const LAUNCH_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: LAUNCH_ARGS, headless: true });
}

export interface TestPage {
  page: Page;
  context: BrowserContext;
  /** URLs the page asked for outside `origin` (refused). */
  external: string[];
  /** Uncaught errors and console errors of the page. */
  errors: string[];
  close(): Promise<void>;
}

export async function openPage(
  browser: Browser,
  origin: string,
  viewport = { width: 1280, height: 900 },
): Promise<TestPage> {
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  const external: string[] = [];
  const errors: string[] = [];
  await context.route('**/*', (route) => {
    const url = route.request().url();
    if (url.startsWith(origin) || url.startsWith('data:')) return route.continue();
    external.push(url);
    return route.abort();
  });
  page.on('pageerror', (error) => errors.push(`pageerror: ${error.message}`));
  page.on('console', (message) => {
    // A refused key and the probe for absent endpoints answer 401 / 404 on purpose.
    if (message.type() === 'error' && !/status of (401|404)/.test(message.text()))
      errors.push(`console: ${message.text()}`);
  });
  return { page, context, external, errors, close: () => context.close() };
}
