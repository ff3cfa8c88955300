/**
 * The calendar panel in a real browser against the demo site: an editor opens the settings of the public "Events"
 * calendar, sees its webcal link and QR code, imports an .ics file of 200 events with a progress bar and a summary,
 * and a DAV client then lists the events. Screenshots go to tests/browser/screenshots/ (not committed).
 */

import fs from 'node:fs';
import path from 'node:path';

import { chromium, type Browser, type Page } from 'playwright-core';

import { startDemo, type Demo } from './demo';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const shots = path.join(__dirname, 'screenshots');
const COUNT = 200;

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

/** An .ics file of `COUNT` one-hour events, a day apart, as a calendar app exports them. */
function icsFile(): Buffer {
  const lines = ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//caldav browser test//EN', 'X-WR-CALNAME:Imported'];
  for (let index = 0; index < COUNT; index += 1) {
    const day = new Date(Date.UTC(2031, 0, 1) + index * 86_400_000).toISOString().slice(0, 10).replace(/-/g, '');
    lines.push('BEGIN:VEVENT', `UID:panel-import-${index}@browser.test`, 'DTSTAMP:20300101T000000Z', `DTSTART:${day}T090000Z`, `DTEND:${day}T100000Z`, `SUMMARY:Imported ${index}`, 'END:VEVENT');
  }
  lines.push('END:VCALENDAR', '');
  return Buffer.from(lines.join('\r\n'));
}

/** The imported events a DAV client lists in the calendar (PROPFIND Depth 1, as the demo user). */
async function importedOverDav(): Promise<number> {
  const response = await fetch(`${demo.origin}/dav/calendars/demo/events/`, {
    method: 'PROPFIND',
    headers: { Authorization: `Basic ${Buffer.from('demo:demo-password').toString('base64')}`, Depth: '1', 'Content-Type': 'application/xml' },
    body: '<?xml version="1.0" encoding="utf-8"?><d:propfind xmlns:d="DAV:"><d:prop><d:getetag/></d:prop></d:propfind>',
  });
  expect(response.status).toBe(207);
  return ((await response.text()).match(/panel-import-\d+(?:@|%40)browser\.test\.ics/g) ?? []).length;
}

/** What the second demo user's calendar app lists in their calendar home (PROPFIND Depth 1). */
async function homeOfDemo2(): Promise<string> {
  const response = await fetch(`${demo.origin}/dav/calendars/demo2/`, {
    method: 'PROPFIND',
    headers: { Authorization: `Basic ${Buffer.from('demo2:demo2-password').toString('base64')}`, Depth: '1', 'Content-Type': 'application/xml' },
    body: '<?xml version="1.0" encoding="utf-8"?><d:propfind xmlns:d="DAV:"><d:prop><d:displayname/></d:prop></d:propfind>',
  });
  expect(response.status).toBe(207);
  return response.text();
}

test('an editor opens the panel of a public calendar, sees its links and QR code, shares it, and imports an .ics file', async () => {
  await page.goto(`${demo.origin}/admin/auth/login`);
  await page.locator('input[name="email"]').fill('admin@demo.local');
  await page.locator('input[name="password"]').fill('Demo-admin-1');
  await page.getByRole('button', { name: /login/i }).click();
  await page.waitForURL(/\/admin(?!\/auth)/, { timeout: 30_000 });
  await page.getByRole('link', { name: 'Calendar' }).first().click();
  await page.locator('.fc-timegrid-col[data-date]').first().waitFor({ timeout: 30_000 });

  await page.getByRole('button', { name: 'Settings of Events' }).click();
  const panel = page.getByRole('dialog');
  await panel.getByRole('tab', { name: 'Settings' }).waitFor();
  await shot('panel-01-settings');

  await panel.getByRole('tab', { name: 'Links' }).click();
  const webcal = panel.getByLabel('Public link (webcal)');
  await webcal.waitFor();
  expect(await webcal.inputValue()).toBe(`${demo.origin.replace('http://', 'webcal://')}/dav/feeds/events.ics`);
  expect(await panel.getByLabel('CalDAV URL').inputValue()).toBe(`${demo.origin}/dav/calendars/demo/events/`);
  await panel.getByRole('img', { name: 'QR code of the subscription link' }).locator('svg').waitFor();
  await shot('panel-02-links');

  // Share it with the second demo user, read-only: it appears in their own calendar home.
  expect(await homeOfDemo2()).not.toContain('/dav/calendars/demo2/events/');
  await panel.getByRole('tab', { name: 'Sharing' }).click();
  await panel.getByRole('combobox', { name: 'Share with' }).fill('demo2');
  await page.getByRole('option', { name: /demo2/ }).first().click();
  await panel.getByRole('button', { name: 'Share', exact: true }).click();
  await panel.getByRole('list', { name: 'Shares' }).getByText('demo2').first().waitFor();
  await shot('panel-03-shared');
  expect(await homeOfDemo2()).toContain('/dav/calendars/demo2/events/');

  expect(await importedOverDav()).toBe(0);
  await panel.getByRole('tab', { name: 'Import and export' }).click();
  await panel.locator('[data-testid="calendar-import-file"]').setInputFiles({ name: 'imported.ics', mimeType: 'text/calendar', buffer: icsFile() });
  await panel.getByText('imported.ics').waitFor();
  await shot('panel-04-import-running');
  const summary = panel.locator('[data-testid="calendar-import-summary"]');
  await summary.waitFor({ timeout: 120_000 });
  expect(await summary.innerText()).toContain(`${COUNT} created, 0 updated, 0 skipped`);
  await shot('panel-05-import-done');

  expect(await importedOverDav()).toBe(COUNT);
});
