/**
 * A meeting a calendar app wrote, opened in the event panel in a real browser against the demo site: the organizer
 * first, then each attendee with their answer, optional ones marked, an invitation that was not delivered said so.
 * Screenshots go to tests/browser/screenshots/ (not committed).
 */

import { useBrowserSession } from './session';

const SUMMARY = 'Browser test review with attendees';
const RESOURCE = '/dav/calendars/demo/work/browser-attendees.ics';

const session = useBrowserSession();

const asDemo = (method: string, body?: string) =>
  fetch(`${session.origin}${RESOURCE}`, {
    method,
    headers: { Authorization: `Basic ${Buffer.from('demo:demo-password').toString('base64')}`, 'Content-Type': 'text/calendar; charset=utf-8' },
    body,
  });

/** The invitation as the organizer's calendar app stores it, on a day of the week the page shows. */
function meeting(day: string): string {
  const date = day.replace(/-/g, '');
  return [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//caldav browser test//EN',
    'BEGIN:VEVENT',
    'UID:browser-attendees@browser.test',
    'DTSTAMP:20260101T000000Z',
    `DTSTART:${date}T110000Z`,
    `DTEND:${date}T120000Z`,
    `SUMMARY:${SUMMARY}`,
    'ORGANIZER;CN="Lovelace, Ada":mailto:ada@example.com',
    'ATTENDEE;CN="Lovelace, Ada";ROLE=CHAIR;PARTSTAT=ACCEPTED:mailto:ada@example.com',
    'ATTENDEE;CN=Grace Hopper;PARTSTAT=DECLINED;SCHEDULE-STATUS=1.2:mailto:grace@example.com',
    'ATTENDEE;CN=Katherine Johnson;PARTSTAT=ACCEPTED:mailto:katherine@example.com',
    'ATTENDEE;CN=Alan Turing;ROLE=OPT-PARTICIPANT;SCHEDULE-STATUS=5.2:mailto:alan@example.com',
    'ATTENDEE:mailto:nobody-named@example.com',
    'END:VEVENT',
    'END:VCALENDAR',
    '',
  ].join('\r\n');
}

afterAll(async () => {
  if (session.origin) await asDemo('DELETE');
});

test('an editor opens a meeting from a calendar app and sees its organizer, attendees and answers', async () => {
  await session.signIn();
  await session.page.getByRole('link', { name: 'Calendar' }).first().click();
  const monday = session.page.locator('.fc-timegrid-col[data-date]').first();
  await monday.waitFor({ timeout: 30_000 });

  // Tuesday of the week shown, written by the app after the page loaded; the page's Reload fetches it.
  const day = new Date(Date.parse(`${(await monday.getAttribute('data-date')) as string}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
  expect((await asDemo('PUT', meeting(day))).status).toBe(201);
  await session.page.getByRole('button', { name: 'Reload' }).click();
  const event = session.page.locator('.fc-timegrid-event', { hasText: SUMMARY });
  await event.waitFor();
  await event.click();

  const dialog = session.page.getByRole('dialog');
  const list = dialog.getByRole('list', { name: 'Attendees' });
  await list.scrollIntoViewIfNeeded();
  await session.shot('attendees-01-panel');
  const row = (text: string) => list.getByRole('listitem').filter({ hasText: text });
  // The text as written: on screen the badges upper-case it.
  const textOf = async (item: ReturnType<typeof row>) => (await item.textContent()) ?? '';

  // The organizer first, with their own answer (they are on the attendee list as CHAIR), and nowhere else.
  const rows = list.getByRole('listitem');
  expect(await rows.count()).toBe(5);
  expect(await textOf(rows.first())).toMatch(/Lovelace, Ada[\s\S]*Organizer[\s\S]*ada@example\.com[\s\S]*Accepted/);
  expect(await textOf(row('Grace Hopper'))).toMatch(/grace@example\.com[\s\S]*Declined/);
  expect(await textOf(row('Grace Hopper'))).not.toMatch(/Not delivered/);
  expect(await textOf(row('Katherine Johnson'))).toMatch(/Accepted/);
  expect(await textOf(row('Alan Turing'))).toMatch(/optional[\s\S]*Not delivered \(5\.2\)[\s\S]*Awaiting answer/);
  expect(await textOf(row('nobody-named@example.com'))).toMatch(/Awaiting answer/);

  // Saving the event keeps them: the panel opens again with the same list.
  await dialog.getByLabel('Title').fill(`${SUMMARY} (renamed)`);
  await dialog.getByRole('button', { name: 'Save and publish' }).click();
  const renamed = session.page.locator('.fc-timegrid-event', { hasText: `${SUMMARY} (renamed)` });
  await renamed.waitFor();
  await renamed.click();
  await row('Grace Hopper').getByText('Declined').waitFor();
  await session.shot('attendees-02-after-save');
  expect(await session.page.getByRole('dialog').getByRole('list', { name: 'Attendees' }).getByRole('listitem').count()).toBe(5);
  await session.page.getByRole('dialog').getByRole('button', { name: 'Cancel' }).click();

  const stored = (await (await asDemo('GET')).text()).replace(/\r\n /g, '');
  expect(stored).toContain('ATTENDEE;CN=Grace Hopper;PARTSTAT=DECLINED;SCHEDULE-STATUS=1.2:mailto:grace@example.com');
});
