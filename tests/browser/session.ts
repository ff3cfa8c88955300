import fs from 'node:fs';
import path from 'node:path';

import { chromium, type Browser, type Page } from 'playwright-core';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const shots = path.join(__dirname, 'screenshots');

export interface BrowserSession {
  /** The demo site every browser test runs against (started once for the run by global-setup.ts). */
  origin: string;
  page: Page;
  /** Saves a full-page screenshot under tests/browser/screenshots/ (not committed). */
  shot(name: string): Promise<void>;
  /** Signs in to the admin panel as the demo's admin. */
  signIn(): Promise<void>;
  close(): Promise<void>;
}

/** Debian's chromium, headless, in UTC and English, on the demo site. */
export async function openSession(): Promise<BrowserSession> {
  const origin = process.env.DEMO_ORIGIN;
  if (!origin) throw new Error('DEMO_ORIGIN is not set: run the browser tests with `npm run test:browser`.');
  if (!fs.existsSync(CHROMIUM)) throw new Error(`No browser at ${CHROMIUM}: install Debian's chromium (apt-get install -y chromium) or set CHROMIUM_PATH.`);
  fs.mkdirSync(shots, { recursive: true });
  const browser: Browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
  // UTC in the browser, so that a slot at 06:00 is 06:00Z.
  const context = await browser.newContext({ viewport: { width: 1440, height: 1000 }, timezoneId: 'UTC', locale: 'en-US' });
  const page = await context.newPage();
  return {
    origin,
    page,
    shot: async (name) => {
      await page.screenshot({ path: path.join(shots, `${name}.png`), fullPage: true });
    },
    async signIn() {
      await page.goto(`${origin}/admin/auth/login`);
      await page.locator('input[name="email"]').fill('admin@demo.local');
      await page.locator('input[name="password"]').fill('Demo-admin-1');
      await page.getByRole('button', { name: /login/i }).click();
      await page.waitForURL(/\/admin(?!\/auth)/, { timeout: 30_000 });
    },
    close: () => browser.close(),
  };
}

/** A browser session for the tests of one file: opened before them, closed after them. */
export function useBrowserSession(): BrowserSession {
  const session = {} as BrowserSession;
  beforeAll(async () => {
    Object.assign(session, await openSession());
  });
  afterAll(async () => {
    await session.close?.();
  });
  return session;
}
