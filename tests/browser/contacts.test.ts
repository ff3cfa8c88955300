/**
 * The contacts page in a real browser against the demo site: an editor searches for a seeded contact, changes its
 * job title in the card editor, and a CardDAV client reads the new TITLE. Screenshots go to tests/browser/screenshots/.
 */

import fs from 'node:fs';
import path from 'node:path';

import { chromium, type Browser, type Page } from 'playwright-core';

import { startDemo, type Demo } from './demo';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const shots = path.join(__dirname, 'screenshots');
const TITLE = 'Computer scientist';

let demo: Demo;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  if (!fs.existsSync(CHROMIUM)) throw new Error(`No browser at ${CHROMIUM}: install Debian's chromium (apt-get install -y chromium) or set CHROMIUM_PATH.`);
  fs.mkdirSync(shots, { recursive: true });
  demo = process.env.DEMO_ORIGIN ? { origin: process.env.DEMO_ORIGIN, stop: async () => undefined } : await startDemo();
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
  const context = await browser.newContext({ viewport: { width: 1440, height: 1000 }, timezoneId: 'UTC', locale: 'en-US' });
  page = await context.newPage();
});

afterAll(async () => {
  await browser?.close();
  await demo?.stop();
});

const shot = (name: string) => page.screenshot({ path: path.join(shots, `${name}.png`), fullPage: true });
const basic = { Authorization: `Basic ${Buffer.from('demo:demo-password').toString('base64')}` };

/** Grace Hopper's vCard as a CardDAV client reads it: the address book's members, each fetched with GET. */
async function davCard(fullName: string): Promise<string | null> {
  const book = '/dav/addressbooks/demo/contacts/';
  const listing = await fetch(`${demo.origin}${book}`, {
    method: 'PROPFIND',
    headers: { ...basic, Depth: '1', 'Content-Type': 'application/xml' },
    body: '<?xml version="1.0"?><d:propfind xmlns:d="DAV:"><d:prop><d:getetag/></d:prop></d:propfind>',
  });
  expect(listing.status).toBe(207);
  const hrefs = [...(await listing.text()).matchAll(/<(?:\w+:)?href>([^<]+\.vcf)<\/(?:\w+:)?href>/g)].map((match) => match[1]);
  for (const href of hrefs) {
    const response = await fetch(new URL(href, demo.origin), { headers: basic });
    const text = (await response.text()).replace(/\r\n[ \t]/g, '');
    if (text.includes(`\r\nFN:${fullName}\r\n`)) return text;
  }
  return null;
}

test('an editor finds a contact, changes its job title, and a CardDAV client reads it', async () => {
  await page.goto(`${demo.origin}/admin/auth/login`);
  await page.locator('input[name="email"]').fill('admin@demo.local');
  await page.locator('input[name="password"]').fill('Demo-admin-1');
  await page.getByRole('button', { name: /login/i }).click();
  await page.waitForURL(/\/admin(?!\/auth)/, { timeout: 30_000 });

  await page.getByRole('link', { name: 'Contacts' }).first().click();
  await page.getByRole('row', { name: /Ada Lovelace/ }).waitFor({ timeout: 30_000 });
  await shot('contacts-01-list');

  await page.getByRole('searchbox').fill('navy');
  const row = page.getByRole('row', { name: /Grace Hopper/ });
  await row.waitFor();
  await page.getByRole('row', { name: /Ada Lovelace/ }).waitFor({ state: 'detached' });
  await shot('contacts-02-search');

  await row.click();
  const dialog = page.getByRole('dialog');
  await dialog.getByLabel('Job title').fill(TITLE);
  // Past the dialog's opening animation, so that the screenshot shows it as the editor sees it.
  await page.waitForTimeout(500);
  await shot('contacts-03-editor');
  await dialog.getByRole('button', { name: 'Save' }).click();
  await page.getByText('Saved').first().waitFor();
  await shot('contacts-04-saved');

  const card = await davCard('Grace Hopper');
  expect(card).toContain(`\r\nTITLE:${TITLE}\r\n`);
  // The rest of the card is as the demo seeded it.
  expect(card).toContain('grace.hopper@example.org');
});
