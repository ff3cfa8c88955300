/**
 * Content sources on the settings page in a real browser against the demo site: an administrator maps the demo's
 * conference sessions to a calendar of keynotes (content type, fields and a filter picked in the form); a URL
 * pattern naming a relation is refused with the server's message next to the form; the corrected source is listed
 * and a CalDAV client reads the keynotes as events. Removing it and going back to the config file's sources leaves
 * the demo as it was. Screenshots go to tests/browser/screenshots/.
 */

import { useBrowserSession } from './session';

const session = useBrowserSession();
const basic = { Authorization: `Basic ${Buffer.from('demo:demo-password').toString('base64')}` };
const CALENDAR = '/dav/calendars/demo/keynotes/';

/** The events of the Keynotes calendar as demo's calendar app reads them, or null when there is no such calendar. */
async function keynoteEvents(): Promise<string[] | null> {
  const listing = await fetch(`${session.origin}${CALENDAR}`, {
    method: 'PROPFIND',
    headers: { ...basic, Depth: '1', 'Content-Type': 'application/xml' },
    body: '<?xml version="1.0"?><d:propfind xmlns:d="DAV:"><d:prop><d:getetag/></d:prop></d:propfind>',
  });
  if (listing.status === 404) return null;
  expect(listing.status).toBe(207);
  const hrefs = [...(await listing.text()).matchAll(/<(?:\w+:)?href>([^<]+\.ics)<\/(?:\w+:)?href>/g)].map((match) => match[1]);
  return Promise.all(hrefs.map(async (href) => (await (await fetch(new URL(href, session.origin), { headers: basic })).text()).replace(/\r\n[ \t]/g, '')));
}

test("an administrator maps the sessions to a calendar on the settings page; a wrong choice shows the server's message", async () => {
  const { page } = session;
  expect(await keynoteEvents()).toBeNull();
  await session.signIn();
  await page.goto(`${session.origin}/admin/settings/caldav/settings`);
  await page.getByRole('heading', { name: 'Content sources' }).waitFor({ timeout: 30_000 });

  await page.getByRole('button', { name: 'Add a source' }).click();
  const dialog = page.getByRole('dialog');
  const pick = async (field: RegExp, option: string | RegExp) => {
    await dialog.getByRole('combobox', { name: field }).click();
    await page.getByRole('option', { name: option, exact: typeof option === 'string' }).click();
  };
  await dialog.getByRole('textbox', { name: /^Name/ }).fill('Keynotes');
  expect(await dialog.getByRole('textbox', { name: /^Address name \(slug\)/ }).inputValue()).toBe('keynotes');
  await pick(/^Content type/, /\(api::session\.session\)/);
  await pick(/^Title \(SUMMARY\)/, 'title (string)');
  // Only attributes that fit are offered for the start: dates and datetimes.
  await dialog.getByRole('combobox', { name: /^Start \(DTSTART\)/ }).click();
  await page.getByRole('option', { name: 'startsAt (datetime)' }).waitFor();
  expect(await page.getByRole('option', { name: /^title/ }).count()).toBe(0);
  await page.getByRole('option', { name: 'startsAt (datetime)' }).click();
  await pick(/^End \(DTEND\)/, 'endsAt (datetime)');
  // An attribute of the related room.
  await pick(/^Location/, /^room\.name/);
  await dialog.getByRole('textbox', { name: /^Owner/ }).fill('demo');
  await dialog.getByRole('button', { name: 'Add a condition' }).click();
  await pick(/^Only entries whose/, 'track (enumeration)');
  await pick(/^is/, 'Keynote');
  // A relation cannot fill a URL: the server refuses it, naming it.
  await dialog.getByRole('textbox', { name: /^URL pattern/ }).fill('https://conference.example/rooms/{room}');
  await page.waitForTimeout(500);
  await session.shot('sources-01-form');
  await dialog.getByRole('button', { name: 'Save source' }).click();
  await dialog.getByText(/fields\.url placeholder \{room\} is a manyToOne relation/).waitFor();
  await session.shot('sources-02-refused');
  expect(await keynoteEvents()).toBeNull();

  await dialog.getByRole('textbox', { name: /^URL pattern/ }).fill('https://conference.example/talks/{slug}');
  await dialog.getByRole('button', { name: 'Save source' }).click();
  await dialog.waitFor({ state: 'detached' });
  const row = page.getByRole('row', { name: /Keynotes/ });
  await row.waitFor();
  expect(await row.textContent()).toMatch(/Calendar.*Keynotes.*keynotes.*Session.*Private.*demo/);
  await session.shot('sources-03-listed');

  const events = await keynoteEvents();
  expect(events?.map((event) => /\r\nSUMMARY:([^\r]*)/.exec(event)?.[1]).sort()).toEqual([
    'Closing keynote: the next ten years of open standards',
    'Opening keynote: calendars for everyone',
  ]);
  expect(events!.some((event) => event.includes('\r\nLOCATION:Main hall\r\n') && event.includes('\r\nURL:https://conference.example/talks/opening-keynote\r\n'))).toBe(true);

  // Removed, and the config file's sources again: the calendar goes away.
  await row.getByRole('button', { name: 'Remove Keynotes' }).click();
  await page.getByRole('alertdialog').getByRole('button', { name: 'Remove' }).click();
  await row.waitFor({ state: 'detached' });
  await page.getByRole('button', { name: "Use the config file's sources" }).click();
  await page.getByRole('button', { name: "Use the config file's sources" }).waitFor({ state: 'detached' });
  expect(await keynoteEvents()).toBeNull();
});
