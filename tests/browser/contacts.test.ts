/**
 * The contacts page in a real browser against the demo site: an editor searches for a seeded contact, changes its
 * job title in the card editor, and a CardDAV client reads the new TITLE. Screenshots go to tests/browser/screenshots/.
 */

import { useBrowserSession } from './session';

const TITLE = 'Computer scientist';

const session = useBrowserSession();
const basic = { Authorization: `Basic ${Buffer.from('demo:demo-password').toString('base64')}` };

/** Grace Hopper's vCard as a CardDAV client reads it: the address book's members, each fetched with GET. */
async function davCard(fullName: string): Promise<string | null> {
  const book = '/dav/addressbooks/demo/contacts/';
  const listing = await fetch(`${session.origin}${book}`, {
    method: 'PROPFIND',
    headers: { ...basic, Depth: '1', 'Content-Type': 'application/xml' },
    body: '<?xml version="1.0"?><d:propfind xmlns:d="DAV:"><d:prop><d:getetag/></d:prop></d:propfind>',
  });
  expect(listing.status).toBe(207);
  const hrefs = [...(await listing.text()).matchAll(/<(?:\w+:)?href>([^<]+\.vcf)<\/(?:\w+:)?href>/g)].map((match) => match[1]);
  for (const href of hrefs) {
    const response = await fetch(new URL(href, session.origin), { headers: basic });
    const text = (await response.text()).replace(/\r\n[ \t]/g, '');
    if (text.includes(`\r\nFN:${fullName}\r\n`)) return text;
  }
  return null;
}

test('an editor finds a contact, changes its job title, and a CardDAV client reads it', async () => {
  await session.signIn();

  await session.page.getByRole('link', { name: 'Contacts' }).first().click();
  await session.page.getByRole('row', { name: /Ada Lovelace/ }).waitFor({ timeout: 30_000 });
  await session.shot('contacts-01-list');

  await session.page.getByRole('searchbox').fill('navy');
  const row = session.page.getByRole('row', { name: /Grace Hopper/ });
  await row.waitFor();
  await session.page.getByRole('row', { name: /Ada Lovelace/ }).waitFor({ state: 'detached' });
  await session.shot('contacts-02-search');

  await row.click();
  const dialog = session.page.getByRole('dialog');
  await dialog.getByLabel('Job title').fill(TITLE);
  // Past the dialog's opening animation, so that the screenshot shows it as the editor sees it.
  await session.page.waitForTimeout(500);
  await session.shot('contacts-03-editor');
  await dialog.getByRole('button', { name: 'Save' }).click();
  await session.page.getByText('Saved').first().waitFor();
  await session.shot('contacts-04-saved');

  const card = await davCard('Grace Hopper');
  expect(card).toContain(`\r\nTITLE:${TITLE}\r\n`);
  // The rest of the card is as the demo seeded it.
  expect(card).toContain('grace.hopper@example.org');
});
