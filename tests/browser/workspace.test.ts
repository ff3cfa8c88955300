/**
 * The calendar page in a real browser against the demo site: an editor signs in, selects a slot to create an event,
 * drags it to another time, and a DAV client sees each change. Screenshots of every step go to
 * tests/browser/screenshots/ (not committed).
 */

import { useBrowserSession } from './session';

const SUMMARY = 'Browser test planning';

const session = useBrowserSession();

/** The UTC start of the event with that summary, as a DAV client reads it (expanded, so in UTC). */
async function davStart(summary: string): Promise<string | null> {
  const body = `<?xml version="1.0" encoding="utf-8"?>
<c:calendar-query xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav">
  <d:prop><c:calendar-data><c:expand start="20000101T000000Z" end="20991231T000000Z"/></c:calendar-data></d:prop>
  <c:filter><c:comp-filter name="VCALENDAR"><c:comp-filter name="VEVENT">
    <c:prop-filter name="SUMMARY"><c:text-match>${summary}</c:text-match></c:prop-filter>
  </c:comp-filter></c:comp-filter></c:filter>
</c:calendar-query>`;
  const response = await fetch(`${session.origin}/dav/calendars/demo/work/`, {
    method: 'REPORT',
    headers: { Authorization: `Basic ${Buffer.from('demo:demo-password').toString('base64')}`, Depth: '1', 'Content-Type': 'application/xml' },
    body,
  });
  expect(response.status).toBe(207);
  const text = (await response.text()).replace(/\r?\n /g, '');
  return /DTSTART:(\d{8}T\d{6}Z)/.exec(text)?.[1] ?? null;
}

async function eventually<T>(read: () => Promise<T>, expected: T, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let value = await read();
  while (value !== expected && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 250));
    value = await read();
  }
  return value;
}

/** The centre of a day column at a time of day in the week view. */
async function slotPoint(date: string, time: string): Promise<{ x: number; y: number }> {
  const column = await session.page.locator(`.fc-timegrid-col[data-date="${date}"]`).boundingBox();
  const lane = session.page.locator(`.fc-timegrid-slot-lane[data-time="${time}"]`);
  await lane.scrollIntoViewIfNeeded();
  const slot = await lane.boundingBox();
  if (!column || !slot) throw new Error(`no slot at ${date} ${time}`);
  return { x: column.x + column.width / 2, y: slot.y + slot.height / 2 };
}

test('an editor creates an event by selecting a slot and moves it by dragging; a DAV client sees both', async () => {
  await session.signIn();

  await session.page.getByRole('link', { name: 'Calendar' }).first().click();
  await session.page.locator('.fc-timegrid-col[data-date]').first().waitFor({ timeout: 30_000 });
  await session.shot('02-calendar-week');

  // The Monday of the week shown, from 06:00 to 07:00 (two half-hour slots).
  const monday = (await session.page.locator('.fc-timegrid-col[data-date]').first().getAttribute('data-date')) as string;
  const from = await slotPoint(monday, '06:00:00');
  const to = await slotPoint(monday, '06:30:00');
  await session.page.mouse.move(from.x, from.y);
  await session.page.mouse.down();
  await session.page.mouse.move(to.x, to.y, { steps: 5 });
  await session.page.mouse.up();

  const dialog = session.page.getByRole('dialog');
  await dialog.getByLabel('Title').fill(SUMMARY);
  await session.shot('03-new-event-panel');
  await dialog.getByRole('button', { name: 'Save and publish' }).click();
  const event = session.page.locator('.fc-timegrid-event', { hasText: SUMMARY });
  await event.waitFor();
  await session.shot('04-event-created');
  expect(await eventually(() => davStart(SUMMARY), `${monday.replace(/-/g, '')}T060000Z`)).toBe(`${monday.replace(/-/g, '')}T060000Z`);

  // Drag it two hours later on the same day.
  const box = await event.boundingBox();
  if (!box) throw new Error('the new event is not on screen');
  const target = await slotPoint(monday, '08:00:00');
  await session.page.mouse.move(box.x + box.width / 2, box.y + 8);
  await session.page.mouse.down();
  await session.page.mouse.move(box.x + box.width / 2, box.y + 20, { steps: 3 });
  await session.page.mouse.move(target.x, target.y - (from.y - (box.y + 8)) + 0, { steps: 10 });
  await session.page.mouse.up();
  await session.page.getByText('Moved').first().waitFor();
  await session.shot('05-event-moved');
  expect(await eventually(() => davStart(SUMMARY), `${monday.replace(/-/g, '')}T080000Z`)).toBe(`${monday.replace(/-/g, '')}T080000Z`);

  // The other views show it too.
  await session.page.getByRole('button', { name: 'Month' }).click();
  await session.page.locator('.fc-daygrid-event', { hasText: SUMMARY }).waitFor();
  await session.shot('06-month');
  await session.page.getByRole('button', { name: 'Agenda' }).click();
  await session.page.locator('.fc-list-event', { hasText: SUMMARY }).waitFor();
  await session.shot('07-agenda');
});

test('an administrator changes the feed refresh interval on the settings session.page; the feed says so at once', async () => {
  await session.page.goto(`${session.origin}/admin/settings/caldav/settings`);
  const refresh = session.page.getByLabel('Refresh every (minutes)');
  await refresh.waitFor({ timeout: 30_000 });
  await session.shot('08-settings');
  await refresh.fill('45');
  await session.page.getByRole('button', { name: 'Save' }).click();
  await session.page.getByText('Settings saved; they apply now.').first().waitFor();
  await session.shot('09-settings-saved');
  const feed = await (await fetch(`${session.origin}/dav/feeds/events.ics`)).text();
  expect(feed).toContain('X-PUBLISHED-TTL:PT45M');

  // A value out of range is refused with the server's message, and nothing changes.
  await refresh.fill('1');
  await session.page.getByRole('button', { name: 'Save' }).click();
  await session.page.getByText(/refreshMinutes/).first().waitFor();
  await session.shot('10-settings-refused');
  expect(await (await fetch(`${session.origin}/dav/feeds/events.ics`)).text()).toContain('X-PUBLISHED-TTL:PT45M');

  await session.page.getByRole('button', { name: 'Use the config file values' }).click();
  await session.page.getByText('Settings saved; they apply now.').first().waitFor();
  expect(await (await fetch(`${session.origin}/dav/feeds/events.ics`)).text()).toContain('X-PUBLISHED-TTL:PT60M');
});

test('support staff give a user an app password in the admin, which signs in until it is revoked', async () => {
  const propfindAs = (password: string) =>
    fetch(`${session.origin}/dav/`, {
      method: 'PROPFIND',
      headers: { Authorization: `Basic ${Buffer.from(`demo:${password}`).toString('base64')}`, Depth: '0' },
    });
  await session.page.goto(`${session.origin}/admin/settings/caldav/app-passwords`);
  await session.page.getByLabel('Find a user').fill('demo');
  await session.page.getByRole('button', { name: /^demo \(/ }).click();
  await session.page.getByText('App passwords of demo').waitFor();
  await session.page.getByLabel('New app password for').fill('Tablet');
  await session.page.getByRole('button', { name: 'Create' }).click();
  const secret = session.page.getByLabel('Password for Tablet');
  await secret.waitFor();
  const password = await secret.inputValue();
  await session.shot('11-app-password-created');
  expect((await propfindAs(password)).status).toBe(207);

  await session.page.getByRole('button', { name: 'Revoke Tablet' }).click();
  await session.page.getByText('Revoked "Tablet"').first().waitFor();
  expect((await propfindAs(password)).status).toBe(401);
});
