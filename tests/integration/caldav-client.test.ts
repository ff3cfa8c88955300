/**
 * A real CalDAV client (tsdav) against the running site: discovery from the root URL with only a username and a
 * password, then the whole life of an event, and the CMS side seeing it.
 */


import { connectDavClient, vevent } from '../harness/dav';
import { createUser, type TestUser } from '../harness/people';
import { startTestServer, type TestServer } from '../harness/strapi';

let server: TestServer;
let user: TestUser;

type Client = Awaited<ReturnType<typeof connectDavClient>>;

beforeAll(async () => {
  server = await startTestServer();
  user = await createUser(server);
  const work = await server.collections.createCalendar({ owner: user.documentId, name: 'Work', slug: 'work', color: '#2563EB', timezone: 'Europe/Berlin' });
  await server.collections.createCalendar({ owner: user.documentId, name: 'Home', slug: 'home', sortOrder: 2 });
  await server.collections.createEvent(work.documentId, {
    summary: 'Made in the admin',
    start: '2026-03-12T14:00:00.000Z',
    end: '2026-03-12T15:00:00.000Z',
    timezone: 'Europe/Berlin',
  });
});

afterAll(async () => {
  await server?.stop();
});

const connect = (password = user.password): Promise<Client> => connectDavClient(server.origin, { username: user.username, password }, 'caldav');

describe('a CalDAV client pointed at the site root', () => {
  let client: Client;

  beforeAll(async () => {
    client = await connect();
  });

  test('discovers the account and lists the calendars with their properties', async () => {
    const calendars = await client.fetchCalendars();
    const byName = new Map(calendars.map((calendar) => [String(calendar.displayName), calendar]));
    expect([...byName.keys()].sort()).toEqual(['Home', 'Work']);
    const work = byName.get('Work')!;
    expect(work.url).toBe(`${server.origin}/dav/calendars/${user.username}/work/`);
    expect(work.components).toEqual(expect.arrayContaining(['VEVENT', 'VTODO']));
    expect(work.ctag).toBeTruthy();
    expect(work.calendarColor).toBe('#2563EBFF');
  });

  test('reads an event an editor created in the admin', async () => {
    const [work] = (await client.fetchCalendars()).filter((calendar) => calendar.displayName === 'Work');
    const objects = await client.fetchCalendarObjects({ calendar: work });
    expect(objects).toHaveLength(1);
    expect(objects[0].data).toContain('SUMMARY:Made in the admin');
    expect(objects[0].data).toContain('BEGIN:VTIMEZONE');
    expect(objects[0].data).toMatch(/DTSTART;TZID=Europe\/Berlin:20260312T150000/);
    expect(objects[0].etag).toBeTruthy();
  });

  test('creates, reads, updates, queries and deletes an event, and the CMS follows', async () => {
    const [home] = (await client.fetchCalendars()).filter((calendar) => calendar.displayName === 'Home');
    const uid = `client-${Date.now()}@example.test`;
    const created = await client.createCalendarObject({
      calendar: home,
      filename: 'dentist.ics',
      iCalString: vevent(uid, { summary: 'Dentist', start: '20260401T080000Z', end: '20260401T090000Z', extra: ['X-APPLE-TRAVEL-ADVISORY-BEHAVIOR:AUTOMATIC', 'BEGIN:VALARM', 'ACTION:DISPLAY', 'TRIGGER:-PT15M', 'DESCRIPTION:Reminder', 'END:VALARM'] }),
    });
    expect(created.status).toBe(201);

    // The editors see it in the CMS as a published event with the client's fields.
    const calendar = await server.collections.findCalendarBySlug('home');
    const [stored] = await server.collections.listEvents(calendar!.documentId);
    expect(stored).toMatchObject({ summary: 'Dentist', uid, resourceName: 'dentist.ics' });
    expect(new Date(stored.start as string).toISOString()).toBe('2026-04-01T08:00:00.000Z');

    // What the client wrote comes back, alarm and X- property included (the client library trims the last CRLF).
    let [object] = await client.fetchCalendarObjects({ calendar: home });
    expect(object.url).toBe(`${home.url}dentist.ics`);
    expect(`${object.data}\r\n`).toBe(vevent(uid, { summary: 'Dentist', start: '20260401T080000Z', end: '20260401T090000Z', extra: ['X-APPLE-TRAVEL-ADVISORY-BEHAVIOR:AUTOMATIC', 'BEGIN:VALARM', 'ACTION:DISPLAY', 'TRIGGER:-PT15M', 'DESCRIPTION:Reminder', 'END:VALARM'] }));

    const updated = await client.updateCalendarObject({
      calendarObject: { ...object, data: vevent(uid, { summary: 'Dentist (moved)', start: '20260402T080000Z', end: '20260402T090000Z' }) },
    });
    expect(updated.status).toBe(204);
    [object] = await client.fetchCalendarObjects({ calendar: home });
    expect(object.data).toContain('SUMMARY:Dentist (moved)');
    expect((await server.collections.listEvents(calendar!.documentId))[0].summary).toBe('Dentist (moved)');

    const inApril = await client.fetchCalendarObjects({ calendar: home, timeRange: { start: '2026-04-01T00:00:00Z', end: '2026-04-30T00:00:00Z' } });
    expect(inApril.map((item) => item.url)).toEqual([object.url]);
    const inMay = await client.fetchCalendarObjects({ calendar: home, timeRange: { start: '2026-05-01T00:00:00Z', end: '2026-05-31T00:00:00Z' } });
    expect(inMay).toHaveLength(0);

    const multiget = await client.calendarMultiGet({
      url: home.url,
      props: { 'd:getetag': {}, 'c:calendar-data': {} },
      objectUrls: [object.url, `${home.url}missing.ics`],
      depth: '1',
    });
    expect(multiget.find((response) => response.href?.endsWith('dentist.ics'))?.props?.calendarData).toContain('Dentist (moved)');
    expect(multiget.find((response) => response.href?.endsWith('missing.ics'))?.status).toBe(404);

    const deleted = await client.deleteCalendarObject({ calendarObject: object });
    expect(deleted.status).toBe(204);
    expect(await client.fetchCalendarObjects({ calendar: home })).toHaveLength(0);
    expect(await server.collections.listEvents(calendar!.documentId)).toHaveLength(0);
  });

  test('an edit in the admin shows up in the client with a new etag and the client data kept', async () => {
    const [home] = (await client.fetchCalendars()).filter((calendar) => calendar.displayName === 'Home');
    const uid = `roundtrip-${Date.now()}@example.test`;
    await client.createCalendarObject({
      calendar: home,
      filename: 'review.ics',
      iCalString: vevent(uid, { summary: 'Review', extra: ['ATTENDEE;CN=Ada;PARTSTAT=ACCEPTED:mailto:ada@example.com', 'X-MOZ-GENERATION:3'] }),
    });
    const [before] = await client.fetchCalendarObjects({ calendar: home });

    const calendar = await server.collections.findCalendarBySlug('home');
    const [event] = await server.collections.listEvents(calendar!.documentId);
    await server.strapi.documents('plugin::caldav.event' as never).update({
      documentId: event.documentId,
      data: { summary: 'Quarterly review', location: 'Room 4', start: '2026-03-10T10:00:00.000Z', end: '2026-03-10T11:00:00.000Z' } as never,
      status: 'published',
    } as never);

    const [after] = await client.fetchCalendarObjects({ calendar: home });
    expect(after.etag).not.toBe(before.etag);
    expect(after.data).toContain('SUMMARY:Quarterly review');
    expect(after.data).toContain('LOCATION:Room 4');
    expect(after.data).toContain('ATTENDEE;CN=Ada;PARTSTAT=ACCEPTED:mailto:ada@example.com');
    expect(after.data).toContain('X-MOZ-GENERATION:3');
    // A new time is a significant change: SEQUENCE goes up so that clients and attendees notice (RFC 5545 3.8.7.4).
    expect(after.data).toContain('DTSTART:20260310T100000Z');
    expect(after.data).toContain('SEQUENCE:1');
    const [refreshed] = (await client.fetchCalendars()).filter((item) => item.displayName === 'Home');
    expect(refreshed.ctag).not.toBe(home.ctag);
  });

  test('a wrong password is refused at discovery', async () => {
    await expect(connect('not-the-password')).rejects.toThrow();
  });
});
