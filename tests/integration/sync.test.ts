/**
 * WebDAV sync (RFC 6578): every way content changes reaches a client's next incremental sync, and nothing else does.
 */

import { createChangeLog } from '../../server/src/store/change-log';
import { connectDavClient, davClient, propfindBody, readErrorConditions, readMultistatus, vevent } from '../harness/dav';
import { http } from '../harness/http';
import { createUser, registerAdmin, type TestUser } from '../harness/people';
import { startTestServer, type TestServer } from '../harness/strapi';

let server: TestServer;
let user: TestUser;
let dav: ReturnType<typeof davClient>;
let work: string;
let home: string;
let adminToken: string;


beforeAll(async () => {
  server = await startTestServer();
  user = await createUser(server);
  adminToken = await registerAdmin(server);
  const calendar = await server.collections.createCalendar({ owner: user.documentId, name: 'Work', slug: 'work' });
  await server.collections.createCalendar({ owner: user.documentId, name: 'Home', slug: 'home' });
  await server.collections.createEvent(calendar.documentId, { summary: 'Seeded', start: '2026-02-01T10:00:00.000Z', resourceName: 'seeded.ics' });
  dav = davClient(server.origin, user);
  work = `/dav/calendars/${user.username}/work/`;
  home = `/dav/calendars/${user.username}/home/`;
});

afterAll(async () => {
  await server?.stop();
});

const syncBody = (token: string, extra = '') => `<?xml version="1.0" encoding="utf-8"?>
  <d:sync-collection xmlns:d="DAV:"><d:sync-token>${token}</d:sync-token><d:sync-level>1</d:sync-level>${extra}<d:prop><d:getetag/></d:prop></d:sync-collection>`;

/** One sync: the changed names (with their status: 200 present, 404 removed) and the new token. */
async function sync(path: string, token: string, extra = '') {
  const response = await dav.report(path, syncBody(token, extra), '0');
  expect(response.status).toBe(207);
  const newToken = /<d:sync-token>([^<]+)<\/d:sync-token>\s*<\/d:multistatus>/.exec(response.text)?.[1] ?? '';
  const entries = readMultistatus(response.text);
  const changes = Object.fromEntries(
    entries
      .filter((entry) => entry.href !== decodeURIComponent(path))
      .map((entry) => [entry.href.split('/').pop()!, entry.status ?? 200]),
  );
  return { changes, token: newToken, truncated: entries.some((entry) => entry.status === 507) };
}

const eventsOf = async (slug: string) => {
  const calendar = await server.collections.findCalendarBySlug(slug);
  return server.strapi.db.query('plugin::caldav.event' as never).findMany({ where: { calendar: { documentId: calendar!.documentId } } }) as Promise<
    Array<{ documentId: string; resourceName: string; publishedAt: string | null }>
  >;
};

describe('sync-collection on a calendar', () => {
  let token = '';

  test('an initial sync lists every member; the token is the sync-token property and the ctag', async () => {
    const first = await sync(work, '');
    expect(first.changes).toEqual({ 'seeded.ics': 200 });
    const props = readMultistatus((await dav.propfind(work, '0', propfindBody('d:sync-token', 'cs:getctag', 'd:supported-report-set'))).text)[0].props;
    expect(props.get('{DAV:}sync-token')?.text).toBe(first.token);
    expect(props.get('{http://calendarserver.org/ns/}getctag')?.text).toBe(first.token);
    expect(props.get('{DAV:}supported-report-set')?.children.length).toBeGreaterThan(0);
    token = first.token;
    // Nothing changed: an empty answer and the same token.
    expect(await sync(work, token)).toEqual({ changes: {}, token, truncated: false });
  });

  test('DAV writes: a created, an updated and a deleted object', async () => {
    await dav.put(`${work}a.ics`, vevent('a'));
    await dav.put(`${work}b.ics`, vevent('b'));
    let result = await sync(work, token);
    expect(result.changes).toEqual({ 'a.ics': 200, 'b.ics': 200 });
    token = result.token;

    await dav.put(`${work}a.ics`, vevent('a', { summary: 'Changed' }));
    await dav.delete(`${work}b.ics`);
    result = await sync(work, token);
    expect(result.changes).toEqual({ 'a.ics': 200, 'b.ics': 404 });
    token = result.token;
  });

  test('editors: a draft is invisible, publishing and unpublishing are changes', async () => {
    const [seeded] = (await eventsOf('work')).filter((event) => event.resourceName === 'seeded.ics');
    const editUrl = `/content-manager/collection-types/plugin::caldav.event/${seeded.documentId}`;
    const asAdmin = (method: string, path: string, body: unknown) =>
      http(server.origin, method, path, { bearer: adminToken, headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });

    expect((await asAdmin('PUT', editUrl, { summary: 'Seeded (draft edit)' })).status).toBe(200);
    let result = await sync(work, token);
    expect(result.changes).toEqual({});

    expect((await asAdmin('POST', `${editUrl}/actions/publish`, {})).status).toBe(200);
    result = await sync(work, token);
    expect(result.changes).toEqual({ 'seeded.ics': 200 });
    token = result.token;

    expect((await asAdmin('POST', `${editUrl}/actions/unpublish`, {})).status).toBe(200);
    result = await sync(work, token);
    expect(result.changes).toEqual({ 'seeded.ics': 404 });
    token = result.token;

    expect((await asAdmin('POST', `${editUrl}/actions/publish`, {})).status).toBe(200);
    result = await sync(work, token);
    expect(result.changes).toEqual({ 'seeded.ics': 200 });
    token = result.token;
  });

  test('an event moved to another calendar is a removal in one and an addition in the other', async () => {
    const homeToken = (await sync(home, '')).token;
    const [moving] = (await eventsOf('work')).filter((event) => event.resourceName === 'a.ics');
    const homeCalendar = await server.collections.findCalendarBySlug('home');
    await server.strapi.documents('plugin::caldav.event' as never).update({
      documentId: moving.documentId,
      data: { calendar: homeCalendar!.documentId } as never,
      status: 'published',
    } as never);
    const fromWork = await sync(work, token);
    expect(fromWork.changes).toEqual({ 'a.ics': 404 });
    token = fromWork.token;
    expect((await sync(home, homeToken)).changes).toEqual({ 'a.ics': 200 });
  });

  test('limit returns at most that many changes, 507 for the rest, and a token to continue from', async () => {
    for (const name of ['l1', 'l2', 'l3']) await dav.put(`${work}${name}.ics`, vevent(name));
    const first = await sync(work, token, '<d:limit><d:nresults>2</d:nresults></d:limit>');
    expect(first.changes).toEqual({ 'l1.ics': 200, 'l2.ics': 200 });
    expect(first.truncated).toBe(true);
    const rest = await sync(work, first.token);
    expect(rest.changes).toEqual({ 'l3.ics': 200 });
    token = rest.token;
  });

  test('an initial sync with a limit lists the members in pages, and what changed meanwhile comes after', async () => {
    const everything = Object.keys((await sync(work, '')).changes).sort();
    expect(everything.length).toBeGreaterThan(3);
    const listed: string[] = [];
    let page = await sync(work, '', '<d:limit><d:nresults>2</d:nresults></d:limit>');
    expect(page.truncated).toBe(true);
    listed.push(...Object.keys(page.changes));
    // A member already listed changes before the listing is complete.
    expect(listed[0]).toBe('l1.ics');
    await dav.put(`${work}l1.ics`, vevent('l1', { summary: 'Changed mid-listing' }));
    while (page.truncated) {
      page = await sync(work, page.token, '<d:limit><d:nresults>2</d:nresults></d:limit>');
      listed.push(...Object.keys(page.changes));
    }
    expect([...new Set(listed)].sort()).toEqual(everything);
    expect(listed.filter((name) => name === listed[0]).length).toBe(2);
    expect((await sync(work, page.token)).changes).toEqual({});
    token = page.token;
  });

  test('an unknown token, a token of another collection, and sync-level infinite are refused', async () => {
    for (const bad of ['urn:strapi-caldav:sync:nope:1', 'http://example.com/whatever', (await sync(home, '')).token]) {
      const response = await dav.report(work, syncBody(bad), '0');
      expect(response.status).toBe(403);
      expect(readErrorConditions(response.text)).toContain('{DAV:}valid-sync-token');
    }
    const infinite = await dav.report(work, syncBody('').replace('<d:sync-level>1</d:sync-level>', '<d:sync-level>infinite</d:sync-level>'), '0');
    expect(infinite.status).toBe(403);
  });

  test('a token older than the retention is refused, so that the client syncs from the start', async () => {
    const old = token;
    await dav.put(`${work}late.ics`, vevent('late'));
    expect((await sync(work, old)).changes).toEqual({ 'late.ics': 200 });
    const inFortyDays = new Date(Date.now() + 40 * 24 * 60 * 60 * 1000);
    expect(await createChangeLog(server.strapi).prune(30, inFortyDays)).toBeGreaterThan(0);
    const response = await dav.report(work, syncBody(old), '0');
    expect(response.status).toBe(403);
    expect(readErrorConditions(response.text)).toContain('{DAV:}valid-sync-token');
    expect((await sync(work, '')).changes['late.ics']).toBe(200);
  });
});

describe('sync-collection on an address book, and with a client library', () => {
  test('contacts written by a client or an editor are changes', async () => {
    const book = await server.collections.createAddressBook({ owner: user.documentId, name: 'People', slug: 'people' });
    const path = `/dav/addressbooks/${user.username}/people/`;
    const start = await sync(path, '');
    expect(start.changes).toEqual({});
    const card = ['BEGIN:VCARD', 'VERSION:3.0', 'UID:sync-card', 'FN:Sync Card', 'END:VCARD', ''].join('\r\n');
    await dav.request('PUT', `${path}card.vcf`, card, { 'Content-Type': 'text/vcard' });
    const created = await server.collections.createContact(book.documentId, { fullName: 'Made by an editor', resourceName: 'editor.vcf' });
    let result = await sync(path, start.token);
    expect(result.changes).toEqual({ 'card.vcf': 200, 'editor.vcf': 200 });
    await server.strapi.documents('plugin::caldav.contact' as never).update({ documentId: created.documentId, data: { title: 'Editor' } as never });
    result = await sync(path, result.token);
    expect(result.changes).toEqual({ 'editor.vcf': 200 });
    expect(readErrorConditions((await dav.report(path, syncBody(`${result.token}0`), '0')).text)).toContain('{DAV:}valid-sync-token');
  });

  test("tsdav's syncCollection reads the changes", async () => {
    const client = await connectDavClient(server.origin, user, 'caldav');
    const [calendar] = (await client.fetchCalendars()).filter((item) => item.displayName === 'Home');
    const initial = await client.syncCollection({ url: calendar.url, props: { 'd:getetag': {} }, syncLevel: 1, syncToken: '' });
    const token = initial.find((entry) => entry.raw?.multistatus?.syncToken)?.raw?.multistatus?.syncToken as string | undefined;
    expect(token).toBeTruthy();
    await dav.put(`${home}fresh.ics`, vevent('fresh'));
    const next = await client.syncCollection({ url: calendar.url, props: { 'd:getetag': {} }, syncLevel: 1, syncToken: token });
    expect(next.map((entry) => entry.href).filter(Boolean).map((href) => href!.split('/').pop())).toEqual(['fresh.ics']);

    // The same helper on an address book.
    const cards = await connectDavClient(server.origin, user, 'carddav');
    const [book] = (await cards.fetchAddressBooks()).filter((item) => item.displayName === 'People');
    const listed = await cards.syncCollection({ url: book.url, props: { 'd:getetag': {} }, syncLevel: 1, syncToken: '' });
    expect(listed.map((entry) => entry.href).filter(Boolean).map((href) => href!.split('/').pop()).sort()).toEqual(['card.vcf', 'editor.vcf']);
  });
});

describe('lost updates', () => {
  test('a client PUT with an etag older than an editor’s change gets 412', async () => {
    await dav.put(`${work}contested.ics`, vevent('contested', { summary: 'Client version' }));
    const clientEtag = (await dav.get(`${work}contested.ics`)).headers.get('etag')!;
    const [event] = (await eventsOf('work')).filter((row) => row.resourceName === 'contested.ics');
    await server.strapi.documents('plugin::caldav.event' as never).update({
      documentId: event.documentId,
      data: { summary: 'Editor version' } as never,
      status: 'published',
    } as never);
    const stale = await dav.put(`${work}contested.ics`, vevent('contested', { summary: 'Client overwrite' }), { 'If-Match': clientEtag });
    expect(stale.status).toBe(412);
    expect((await dav.get(`${work}contested.ics`)).text).toContain('SUMMARY:Editor version');
  });

  test('an editor saving a form opened before a client changed the event is refused, and the change is kept', async () => {
    const [event] = (await eventsOf('work')).filter((row) => row.resourceName === 'contested.ics');
    const url = `/content-manager/collection-types/plugin::caldav.event/${event.documentId}`;
    const opened = await http(server.origin, 'GET', url, { bearer: adminToken });
    const form = opened.json<{ data: Record<string, unknown> }>().data;

    const current = (await dav.get(`${work}contested.ics`)).headers.get('etag')!;
    expect((await dav.put(`${work}contested.ics`, vevent('contested', { summary: 'Changed on the phone' }), { 'If-Match': current })).status).toBe(204);

    const save = await http(server.origin, 'PUT', url, {
      bearer: adminToken,
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ ...form, summary: 'Editor overwrite' }),
    });
    expect(save.status).toBe(400);
    expect(save.json<{ error: { message: string } }>().error.message).toContain('changed by a calendar or contacts app since you opened it');
    expect((await dav.get(`${work}contested.ics`)).text).toContain('SUMMARY:Changed on the phone');

    // After reloading, the editor's save goes through.
    const reloaded = (await http(server.origin, 'GET', url, { bearer: adminToken })).json<{ data: Record<string, unknown> }>().data;
    const retry = await http(server.origin, 'PUT', url, {
      bearer: adminToken,
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ ...reloaded, summary: 'Editor after reload' }),
    });
    expect(retry.status).toBe(200);
  });
});
