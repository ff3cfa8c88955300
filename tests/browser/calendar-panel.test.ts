/**
 * The calendar panel in a real browser against the demo site: an editor opens the settings of the public "Events"
 * calendar, sees its webcal link and QR code, imports an .ics file of 200 events with a progress bar and a summary,
 * and a DAV client then lists the events. Screenshots go to tests/browser/screenshots/ (not committed).
 */

import { useBrowserSession } from './session';

const COUNT = 200;

const session = useBrowserSession();

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
  const response = await fetch(`${session.origin}/dav/calendars/demo/events/`, {
    method: 'PROPFIND',
    headers: { Authorization: `Basic ${Buffer.from('demo:demo-password').toString('base64')}`, Depth: '1', 'Content-Type': 'application/xml' },
    body: '<?xml version="1.0" encoding="utf-8"?><d:propfind xmlns:d="DAV:"><d:prop><d:getetag/></d:prop></d:propfind>',
  });
  expect(response.status).toBe(207);
  return ((await response.text()).match(/panel-import-\d+(?:@|%40)browser\.test\.ics/g) ?? []).length;
}

/** What the second demo user's calendar app lists in their calendar home (PROPFIND Depth 1). */
async function homeOfDemo2(): Promise<string> {
  const response = await fetch(`${session.origin}/dav/calendars/demo2/`, {
    method: 'PROPFIND',
    headers: { Authorization: `Basic ${Buffer.from('demo2:demo2-password').toString('base64')}`, Depth: '1', 'Content-Type': 'application/xml' },
    body: '<?xml version="1.0" encoding="utf-8"?><d:propfind xmlns:d="DAV:"><d:prop><d:displayname/></d:prop></d:propfind>',
  });
  expect(response.status).toBe(207);
  return response.text();
}

test('an editor opens the panel of a public calendar, sees its links and QR code, shares it, and imports an .ics file', async () => {
  await session.signIn();
  await session.page.getByRole('link', { name: 'Calendar' }).first().click();
  await session.page.locator('.fc-timegrid-col[data-date]').first().waitFor({ timeout: 30_000 });

  await session.page.getByRole('button', { name: 'Settings of Events' }).click();
  const panel = session.page.getByRole('dialog');
  await panel.getByRole('tab', { name: 'Settings' }).waitFor();
  await session.shot('panel-01-settings');

  await panel.getByRole('tab', { name: 'Links' }).click();
  const webcal = panel.getByLabel('Public link (webcal)');
  await webcal.waitFor();
  expect(await webcal.inputValue()).toBe(`${session.origin.replace('http://', 'webcal://')}/dav/feeds/events.ics`);
  expect(await panel.getByLabel('CalDAV URL').inputValue()).toBe(`${session.origin}/dav/calendars/demo/events/`);
  await panel.getByRole('img', { name: 'QR code of the subscription link' }).locator('svg').waitFor();
  await session.shot('panel-02-links');

  // Share it with the second demo user, read-only: it appears in their own calendar home.
  expect(await homeOfDemo2()).not.toContain('/dav/calendars/demo2/events/');
  await panel.getByRole('tab', { name: 'Sharing' }).click();
  const shareWith = panel.getByRole('combobox', { name: 'Share with' });
  await shareWith.click();
  await shareWith.pressSequentially('demo2', { delay: 20 });
  await session.page.getByRole('option', { name: /demo2/ }).first().click();
  await panel.getByRole('button', { name: 'Share', exact: true }).click();
  await panel.getByRole('list', { name: 'Shares' }).getByText('demo2').first().waitFor();
  await session.shot('panel-03-shared');
  expect(await homeOfDemo2()).toContain('/dav/calendars/demo2/events/');

  expect(await importedOverDav()).toBe(0);
  await panel.getByRole('tab', { name: 'Import and export' }).click();
  await panel.locator('[data-testid="calendar-import-file"]').setInputFiles({ name: 'imported.ics', mimeType: 'text/calendar', buffer: icsFile() });
  await panel.getByText('imported.ics').waitFor();
  await session.shot('panel-04-import-running');
  const summary = panel.locator('[data-testid="calendar-import-summary"]');
  await summary.waitFor({ timeout: 120_000 });
  expect(await summary.innerText()).toContain(`${COUNT} created, 0 updated, 0 skipped`);
  await session.shot('panel-05-import-done');

  expect(await importedOverDav()).toBe(COUNT);
});
