/**
 * Meetings (CalDAV scheduling, RFC 6638): an organizer and two attendees who are users of the site, and a guest
 * who is not. Each step is sent in the request shapes calendar apps use and checked in every party's calendar and
 * inbox over DAV, and in the email the guest was sent (through a test email provider that records it).
 */
import ICAL from 'ical.js';

import { connectDavClient, davClient, propfindBody, readErrorConditions, readMultistatus } from '../harness/dav';
import { clearSentEmails, sentEmails } from '../harness/email';
import { http } from '../harness/http';
import { createUser, type TestUser } from '../harness/people';
import { startTestServer, type TestServer } from '../harness/strapi';
import { THUNDERBIRD_MEETING } from '../unit/ical-fixtures';

let server: TestServer;
let olivia: TestUser; // organizer
let adam: TestUser; // attendee
let bea: TestUser; // attendee
const GUEST = 'guest@outside.test';

const UID = 'planning-2026@example.test';
const EVENT = '/dav/calendars/{user}/{slug}/planning.ics';

function meeting(organizer: TestUser, attendees: Array<{ email: string; partstat?: string; params?: string }>, fields: { start?: string; sequence?: number; status?: string } = {}): string {
  return [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//Example Corp.//Calendar App//EN',
    'BEGIN:VEVENT',
    `UID:${UID}`,
    'DTSTAMP:20260301T080000Z',
    `DTSTART:${fields.start ?? '20260310T090000Z'}`,
    'DURATION:PT1H',
    'SUMMARY:Planning',
    'LOCATION:Room 1',
    `SEQUENCE:${fields.sequence ?? 0}`,
    ...(fields.status ? [`STATUS:${fields.status}`] : []),
    `ORGANIZER;CN=Olivia:mailto:${organizer.email}`,
    `ATTENDEE;CN=Olivia;PARTSTAT=ACCEPTED:mailto:${organizer.email}`,
    ...attendees.map((attendee) => `ATTENDEE;PARTSTAT=${attendee.partstat ?? 'NEEDS-ACTION'};RSVP=TRUE${attendee.params ?? ''}:mailto:${attendee.email}`),
    'BEGIN:VALARM',
    'ACTION:DISPLAY',
    'TRIGGER:-PT10M',
    'DESCRIPTION:Planning',
    'END:VALARM',
    'END:VEVENT',
    'END:VCALENDAR',
    '',
  ].join('\r\n');
}

const calendarOf = (user: TestUser) => `/dav/calendars/${user.username}/${user.username}-work/`;
const eventPath = (user: TestUser) => EVENT.replace('{user}', user.username).replace('{slug}', `${user.username}-work`);
const inboxOf = (user: TestUser) => `/dav/scheduling/${user.username}/inbox/`;
const outboxOf = (user: TestUser) => `/dav/scheduling/${user.username}/outbox/`;

function master(text: string): ICAL.Component {
  const root = new ICAL.Component(ICAL.parse(text) as unknown as unknown[]);
  const event = root.getAllSubcomponents('vevent').find((component) => !component.hasProperty('recurrence-id'));
  if (!event) throw new Error(`no VEVENT in ${text}`);
  return event;
}

/** Each attendee's PARTSTAT and SCHEDULE-STATUS in an object, by email. */
function attendeesOf(text: string): Record<string, { partstat: string; scheduleStatus: string | null }> {
  return Object.fromEntries(
    master(text)
      .getAllProperties('attendee')
      .map((property) => [
        String(property.getFirstValue()).replace(/^mailto:/i, '').toLowerCase(),
        {
          partstat: String(property.getParameter('partstat') ?? 'NEEDS-ACTION'),
          scheduleStatus: (property.getParameter('schedule-status') as string | undefined) ?? null,
        },
      ]),
  );
}

/** The objects of a user's calendars (every calendar of their home), with their text, through a calendar app's client. */
async function calendarObjects(user: TestUser, origin = server.origin): Promise<Array<{ url: string; data: string }>> {
  const client = await connectDavClient(origin, user, 'caldav');
  const objects: Array<{ url: string; data: string }> = [];
  for (const calendar of await client.fetchCalendars()) {
    for (const object of await client.fetchCalendarObjects({ calendar })) objects.push({ url: object.url, data: String(object.data) });
  }
  return objects;
}

/** The scheduling messages in a user's inbox: each one's METHOD and text. */
async function inbox(user: TestUser): Promise<Array<{ href: string; method: string; data: string }>> {
  const client = davClient(server.origin, user);
  const listing = readMultistatus((await client.propfind(inboxOf(user), '1', propfindBody('d:getetag'))).text).filter((entry) => !entry.href.endsWith('/inbox/'));
  const messages = [];
  for (const entry of listing) {
    const response = await client.get(entry.href);
    expect(response.status).toBe(200);
    messages.push({ href: entry.href, method: /^METHOD:(\S+)/m.exec(response.text)?.[1] ?? '', data: response.text });
  }
  return messages;
}

async function emptyInbox(user: TestUser): Promise<void> {
  for (const message of await inbox(user)) expect((await davClient(server.origin, user).delete(message.href)).status).toBe(204);
}

beforeAll(async () => {
  server = await startTestServer({ email: true });
  olivia = await createUser(server);
  adam = await createUser(server);
  bea = await createUser(server);
  for (const user of [olivia, adam, bea]) {
    await server.collections.createCalendar({ owner: user.documentId, name: 'Work', slug: `${user.username}-work`, components: ['VEVENT', 'VTODO'] });
  }
});

afterAll(async () => {
  // The last test stops it to boot a site without email.
  if (server.strapi.server.httpServer.listening) await server.stop();
});

describe('what clients discover', () => {
  test('principals name their inbox, outbox and addresses; the server announces auto-scheduling', async () => {
    const client = davClient(server.origin, adam);
    const options = await client.request('OPTIONS', '/dav/');
    expect(String(options.headers.get('dav'))).toContain('calendar-auto-schedule');

    const [principal] = readMultistatus(
      (await client.propfind(`/dav/principals/${olivia.username}/`, '0', propfindBody('c:schedule-inbox-URL', 'c:schedule-outbox-URL', 'c:calendar-user-address-set', 'c:calendar-user-type'))).text,
    );
    expect(principal.props.get('{urn:ietf:params:xml:ns:caldav}schedule-inbox-URL')?.hrefs).toEqual([inboxOf(olivia)]);
    expect(principal.props.get('{urn:ietf:params:xml:ns:caldav}schedule-outbox-URL')?.hrefs).toEqual([outboxOf(olivia)]);
    expect(principal.props.get('{urn:ietf:params:xml:ns:caldav}calendar-user-address-set')?.hrefs).toContain(`mailto:${olivia.email}`);
    expect(principal.props.get('{urn:ietf:params:xml:ns:caldav}calendar-user-type')?.text).toBe('INDIVIDUAL');
  });

  test('the inbox and outbox are collections of their kind, only for their owner; the home names the default calendar', async () => {
    const own = davClient(server.origin, adam);
    const [inboxEntry] = readMultistatus((await own.propfind(inboxOf(adam), '0', propfindBody('d:resourcetype', 'c:schedule-default-calendar-URL', 'd:current-user-privilege-set'))).text);
    expect(inboxEntry.props.get('{DAV:}resourcetype')?.children).toEqual(expect.arrayContaining(['{DAV:}collection', '{urn:ietf:params:xml:ns:caldav}schedule-inbox']));
    expect(inboxEntry.props.get('{urn:ietf:params:xml:ns:caldav}schedule-default-calendar-URL')?.hrefs).toEqual([calendarOf(adam)]);
    const [outboxEntry] = readMultistatus((await own.propfind(outboxOf(adam), '0', propfindBody('d:resourcetype'))).text);
    expect(outboxEntry.props.get('{DAV:}resourcetype')?.children).toContain('{urn:ietf:params:xml:ns:caldav}schedule-outbox');
    const [home] = readMultistatus((await own.propfind(`/dav/calendars/${adam.username}/`, '0', propfindBody('c:schedule-default-calendar-URL'))).text);
    expect(home.props.get('{urn:ietf:params:xml:ns:caldav}schedule-default-calendar-URL')?.hrefs).toEqual([calendarOf(adam)]);
    const [calendar] = readMultistatus((await own.propfind(calendarOf(adam), '0', propfindBody('c:schedule-calendar-transp'))).text);
    expect(calendar.props.get('{urn:ietf:params:xml:ns:caldav}schedule-calendar-transp')?.children).toEqual(['{urn:ietf:params:xml:ns:caldav}opaque']);

    // Another user's inbox does not exist for Bea.
    expect((await davClient(server.origin, bea).propfind(inboxOf(adam), '0', propfindBody('d:resourcetype'))).status).toBe(404);
  });
});

describe('a meeting from invitation to cancellation', () => {
  let adamCopy: string; // href of Adam's copy

  test('invite: attendees on the site get it in their calendar and inbox, the guest by email; the organizer sees who got it', async () => {
    clearSentEmails();
    const put = await davClient(server.origin, olivia).put(eventPath(olivia), meeting(olivia, [{ email: adam.email }, { email: bea.email }, { email: GUEST }]));
    expect(put.status).toBe(201);
    // The server added SCHEDULE-STATUS: the client must read the stored object again, so no ETag.
    expect(put.headers.get('etag')).toBeNull();

    const stored = await davClient(server.origin, olivia).get(eventPath(olivia));
    const statuses = attendeesOf(stored.text);
    expect(statuses[adam.email].scheduleStatus).toBe('1.2');
    expect(statuses[bea.email].scheduleStatus).toBe('1.2');
    expect(statuses[GUEST].scheduleStatus).toBe('1.1');
    expect(stored.text).toContain('BEGIN:VALARM'); // the organizer's own alarm stays hers

    const adamObjects = (await calendarObjects(adam)).filter((object) => object.data.includes(UID));
    expect(adamObjects).toHaveLength(1);
    adamCopy = new URL(adamObjects[0].url, server.origin).pathname;
    expect(adamCopy.startsWith(calendarOf(adam))).toBe(true);
    expect(attendeesOf(adamObjects[0].data)[adam.email].partstat).toBe('NEEDS-ACTION');
    expect(adamObjects[0].data).not.toContain('SCHEDULE-STATUS');
    expect(adamObjects[0].data).not.toContain('BEGIN:VALARM');
    expect(String(master(adamObjects[0].data).getFirstPropertyValue('summary'))).toBe('Planning');

    const [invitation] = await inbox(adam);
    expect(invitation.method).toBe('REQUEST');
    expect(invitation.data).toContain(UID);
    // Apps fetch inbox messages with calendar-multiget too; another user's inbox hrefs are not found.
    const multiget = await davClient(server.origin, adam).report(
      inboxOf(adam),
      `<c:calendar-multiget xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav"><d:prop><d:getetag/><c:calendar-data/></d:prop><d:href>${invitation.href}</d:href><d:href>${inboxOf(bea)}x.ics</d:href></c:calendar-multiget>`,
    );
    const entries = readMultistatus(multiget.text);
    expect(entries.map((entry) => entry.status ?? entry.props.get('{urn:ietf:params:xml:ns:caldav}calendar-data')?.status)).toEqual([200, 404]);
    expect(entries[0].props.get('{urn:ietf:params:xml:ns:caldav}calendar-data')?.text).toContain('METHOD:REQUEST');
    expect((await davClient(server.origin, bea).get(invitation.href)).status).toBe(404);
    expect((await calendarObjects(bea)).some((object) => object.data.includes(UID))).toBe(true);

    const emails = sentEmails();
    expect(emails).toHaveLength(1);
    expect(emails[0].to).toBe(GUEST);
    expect(emails[0].icalEvent?.method).toBe('REQUEST');
    expect(emails[0].icalEvent?.content).toContain(UID);
    expect(emails[0].subject).toContain('Planning');
  });

  test('accept: the attendee’s answer reaches the organizer’s copy and inbox', async () => {
    const client = davClient(server.origin, adam);
    const copy = await client.get(adamCopy);
    // Unfolded, as a client edits it, then stored folded again by the server.
    const unfolded = copy.text.replace(/\r\n[ \t]/g, '');
    const accepted = unfolded.replace(new RegExp(`PARTSTAT=NEEDS-ACTION;RSVP=TRUE:mailto:${adam.email}`, 'i'), `PARTSTAT=ACCEPTED:mailto:${adam.email}`);
    expect(accepted).not.toBe(unfolded);
    const put = await client.put(adamCopy, accepted, { 'If-Match': String(copy.headers.get('etag')) });
    expect(put.status).toBe(204);

    const organizerCopy = await davClient(server.origin, olivia).get(eventPath(olivia));
    expect(attendeesOf(organizerCopy.text)[adam.email]).toEqual({ partstat: 'ACCEPTED', scheduleStatus: '2.0' });
    expect(attendeesOf(organizerCopy.text)[bea.email].partstat).toBe('NEEDS-ACTION');
    const replies = (await inbox(olivia)).filter((message) => message.method === 'REPLY');
    expect(replies).toHaveLength(1);
    expect(replies[0].data).toContain(`mailto:${adam.email}`);

    // Adam's own copy says the reply was delivered.
    const mine = await client.get(adamCopy);
    expect(String(master(mine.text).getFirstProperty('organizer')?.getParameter('schedule-status'))).toBe('1.2');
  });

  test('decline by deleting: the attendee who deletes the event declines it', async () => {
    const beaCopy = (await calendarObjects(bea)).find((object) => object.data.includes(UID));
    expect(beaCopy).toBeDefined();
    expect((await davClient(server.origin, bea).delete(new URL(String(beaCopy?.url), server.origin).pathname)).status).toBe(204);
    const organizerCopy = await davClient(server.origin, olivia).get(eventPath(olivia));
    expect(attendeesOf(organizerCopy.text)[bea.email].partstat).toBe('DECLINED');
    expect(attendeesOf(organizerCopy.text)[adam.email].partstat).toBe('ACCEPTED');
  });

  test('reschedule: the organizer’s change reaches every attendee’s copy, and the guest gets an updated invitation', async () => {
    clearSentEmails();
    await emptyInbox(adam);
    const organizer = davClient(server.origin, olivia);
    const current = await organizer.get(eventPath(olivia));
    const moved = current.text.replace('DTSTART:20260310T090000Z', 'DTSTART:20260312T140000Z').replace('SEQUENCE:0', 'SEQUENCE:1');
    expect(moved).not.toBe(current.text);
    expect((await organizer.put(eventPath(olivia), moved, { 'If-Match': String(current.headers.get('etag')) })).status).toBe(204);

    const copy = await davClient(server.origin, adam).get(adamCopy);
    expect(String(master(copy.text).getFirstPropertyValue('dtstart'))).toBe('2026-03-12T14:00:00Z');
    expect((await inbox(adam)).map((message) => message.method)).toEqual(['REQUEST']);
    expect(sentEmails().map((email) => email.to)).toEqual([GUEST]);
    expect(sentEmails()[0].subject).toMatch(/Updated invitation/);
  });

  test('saving without a change that matters sends nothing', async () => {
    clearSentEmails();
    await emptyInbox(adam);
    const organizer = davClient(server.origin, olivia);
    const current = await organizer.get(eventPath(olivia));
    // Only the alarm changes: that is the organizer's own.
    const resaved = current.text.replace('TRIGGER:-PT10M', 'TRIGGER:-PT30M');
    expect((await organizer.put(eventPath(olivia), resaved)).status).toBe(204);
    expect(await inbox(adam)).toEqual([]);
    expect(sentEmails()).toEqual([]);
  });

  test('remove an attendee: their copy is cancelled and they are told', async () => {
    await emptyInbox(adam);
    const organizer = davClient(server.origin, olivia);
    const current = (await organizer.get(eventPath(olivia))).text.replace(/\r\n[ \t]/g, '');
    expect(current).toContain(adam.email);
    const withoutAdam = current
      .split('\r\n')
      .filter((line) => !(line.startsWith('ATTENDEE') && line.toLowerCase().endsWith(`mailto:${adam.email}`)))
      .join('\r\n');
    expect(withoutAdam).not.toContain(adam.email);
    expect((await organizer.put(eventPath(olivia), withoutAdam)).status).toBe(204);

    const copy = await davClient(server.origin, adam).get(adamCopy);
    expect(String(master(copy.text).getFirstPropertyValue('status'))).toBe('CANCELLED');
    expect((await inbox(adam)).map((message) => message.method)).toEqual(['CANCEL']);
  });

  test('cancel: the organizer deletes the meeting and everyone still invited is told', async () => {
    clearSentEmails();
    await emptyInbox(bea);
    expect((await davClient(server.origin, olivia).delete(eventPath(olivia))).status).toBe(204);
    expect(sentEmails().map((email) => [email.to, email.icalEvent?.method])).toEqual([[GUEST, 'CANCEL']]);
    // Bea had declined and deleted her copy: she is told in her inbox.
    expect((await inbox(bea)).map((message) => message.method)).toEqual(['CANCEL']);
  });
});

describe('free-busy', () => {
  test('a POST to the outbox answers each attendee’s busy time, and who is not a user of the site', async () => {
    await davClient(server.origin, adam).put(
      `${calendarOf(adam)}busy.ics`,
      ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//Test//EN', 'BEGIN:VEVENT', 'UID:busy-1', 'DTSTAMP:20260101T000000Z', 'DTSTART:20260401T100000Z', 'DTEND:20260401T113000Z', 'SUMMARY:Private thing', 'END:VEVENT', 'END:VCALENDAR', ''].join('\r\n'),
    );
    const request = [
      'BEGIN:VCALENDAR',
      'VERSION:2.0',
      'PRODID:-//Example Corp.//Calendar App//EN',
      'METHOD:REQUEST',
      'BEGIN:VFREEBUSY',
      'UID:fb-1',
      'DTSTAMP:20260301T000000Z',
      'DTSTART:20260401T000000Z',
      'DTEND:20260402T000000Z',
      `ORGANIZER:mailto:${olivia.email}`,
      `ATTENDEE:mailto:${adam.email}`,
      'ATTENDEE:mailto:nobody@outside.test',
      'END:VFREEBUSY',
      'END:VCALENDAR',
      '',
    ].join('\r\n');
    const response = await http(server.origin, 'POST', outboxOf(olivia), { basic: olivia, body: request, headers: { 'Content-Type': 'text/calendar; charset=utf-8' } });
    expect(response.status).toBe(200);
    expect(response.text).toContain('schedule-response');
    const responses = response.text.split(/<[^>]*:response>/).slice(1);
    const adamAnswer = responses.find((part) => part.includes(adam.email)) ?? '';
    expect(adamAnswer).toContain('2.0;Success');
    expect(adamAnswer).toMatch(/FREEBUSY[^:\r\n]*:20260401T100000Z\/20260401T113000Z/);
    expect(adamAnswer).not.toContain('Private thing');
    expect(responses.find((part) => part.includes('nobody@outside.test'))).toContain('3.7');

    // A calendar its owner set transparent ("not in my availability") makes nobody busy.
    const transp = (value: string) =>
      `<d:propertyupdate xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav"><d:set><d:prop><c:schedule-calendar-transp><c:${value}/></c:schedule-calendar-transp></d:prop></d:set></d:propertyupdate>`;
    expect((await davClient(server.origin, adam).proppatch(calendarOf(adam), transp('transparent'))).status).toBe(207);
    const [calendar] = readMultistatus((await davClient(server.origin, adam).propfind(calendarOf(adam), '0', propfindBody('c:schedule-calendar-transp'))).text);
    expect(calendar.props.get('{urn:ietf:params:xml:ns:caldav}schedule-calendar-transp')?.children).toEqual(['{urn:ietf:params:xml:ns:caldav}transparent']);
    const free = await http(server.origin, 'POST', outboxOf(olivia), { basic: olivia, body: request, headers: { 'Content-Type': 'text/calendar' } });
    expect(free.text.split(/<[^>]*:response>/).slice(1).find((part) => part.includes(adam.email))).not.toMatch(/\nFREEBUSY[;:]/);
    expect((await davClient(server.origin, adam).proppatch(calendarOf(adam), transp('opaque'))).status).toBe(207);

    // Asking for someone else's outbox, or as someone else than the ORGANIZER, is refused.
    const asAdam = await http(server.origin, 'POST', outboxOf(adam), { basic: adam, body: request, headers: { 'Content-Type': 'text/calendar' } });
    expect(asAdam.status).toBe(403);
    expect(readErrorConditions(asAdam.text)).toContain('{urn:ietf:params:xml:ns:caldav}organizer-allowed');
    expect((await http(server.origin, 'POST', outboxOf(olivia), { basic: adam, body: request, headers: { 'Content-Type': 'text/calendar' } })).status).toBe(404);
  });
});

describe('the shapes calendar apps send', () => {
  test('a Thunderbird meeting in Berlin time, answered the way Apple Calendar answers', async () => {
    const uid = '4d1c9a52-7d1e-4b8e-9a43-2f6f0c1d8e77';
    const invite = THUNDERBIRD_MEETING.replace(
      'STATUS:CONFIRMED\r\n',
      [
        'STATUS:CONFIRMED',
        `ORGANIZER;CN=Olivia:mailto:${olivia.email}`,
        `ATTENDEE;RSVP=TRUE;PARTSTAT=NEEDS-ACTION;ROLE=REQ-PARTICIPANT;CUTYPE=INDIVIDUAL;CN=Adam:mailto:${adam.email}`,
        `ATTENDEE;ROLE=CHAIR;PARTSTAT=ACCEPTED;CN=Olivia:mailto:${olivia.email}`,
        '',
      ].join('\r\n'),
    );
    const organizerPath = `${calendarOf(olivia)}${uid}.ics`;
    expect((await davClient(server.origin, olivia).put(organizerPath, invite)).status).toBe(201);

    const copy = (await calendarObjects(adam)).find((object) => object.data.includes(uid));
    expect(copy).toBeDefined();
    const copyText = String(copy?.data);
    expect(copyText).toContain('DTSTART;TZID=Europe/Berlin:20260302T090000');
    expect(copyText).toContain('BEGIN:VTIMEZONE');
    expect(copyText).not.toContain('X-MOZ-GENERATION');

    // Apple rewrites the attendee line with its own parameters, adds its default alarm and sends it back.
    const unfolded = copyText.replace(/\r\n[ \t]/g, '');
    const answered = unfolded
      .replace(/^ATTENDEE;[^\r\n]*CN=Adam[^\r\n]*$/m, `ATTENDEE;CN=Adam;CUTYPE=INDIVIDUAL;EMAIL=${adam.email};PARTSTAT=ACCEPTED;ROLE=REQ-PARTICIPANT:mailto:${adam.email}`)
      .replace('END:VEVENT', ['TRANSP:OPAQUE', 'BEGIN:VALARM', 'ACTION:DISPLAY', 'DESCRIPTION:Reminder', 'TRIGGER:-PT15M', 'X-APPLE-DEFAULT-ALARM:TRUE', 'END:VALARM', 'END:VEVENT'].join('\r\n'));
    expect(answered).toContain('PARTSTAT=ACCEPTED;ROLE=REQ-PARTICIPANT:mailto:');
    const path = new URL(String(copy?.url), server.origin).pathname;
    expect((await davClient(server.origin, adam).put(path, answered)).status).toBe(204);
    expect(attendeesOf((await davClient(server.origin, olivia).get(organizerPath)).text)[adam.email].partstat).toBe('ACCEPTED');
  });
});

describe('what the client may decide', () => {
  test('SCHEDULE-AGENT=CLIENT: the server leaves that attendee to the client', async () => {
    clearSentEmails();
    const path = `${calendarOf(olivia)}client-scheduled.ics`;
    const body = meeting(olivia, [{ email: adam.email, params: ';SCHEDULE-AGENT=CLIENT' }, { email: GUEST, params: ';SCHEDULE-AGENT=CLIENT' }]).replace(UID, 'client-scheduled@example.test');
    expect((await davClient(server.origin, olivia).put(path, body)).status).toBe(201);
    expect((await calendarObjects(adam)).some((object) => object.data.includes('client-scheduled@example.test'))).toBe(false);
    expect(sentEmails()).toEqual([]);
  });

  test('Schedule-Reply: F: an attendee deletes the event without telling the organizer', async () => {
    const uid = 'quiet-delete@example.test';
    const organizer = davClient(server.origin, olivia);
    expect((await organizer.put(`${calendarOf(olivia)}quiet.ics`, meeting(olivia, [{ email: adam.email }]).replace(UID, uid))).status).toBe(201);
    const copy = (await calendarObjects(adam)).find((object) => object.data.includes(uid));
    expect(copy).toBeDefined();
    expect((await davClient(server.origin, adam).delete(new URL(String(copy?.url), server.origin).pathname, { 'Schedule-Reply': 'F' })).status).toBe(204);
    expect(attendeesOf((await organizer.get(`${calendarOf(olivia)}quiet.ics`)).text)[adam.email].partstat).toBe('NEEDS-ACTION');
  });

  test('a user invited before they have a calendar gets one', async () => {
    const newcomer = await createUser(server);
    const uid = 'welcome@example.test';
    expect((await davClient(server.origin, olivia).put(`${calendarOf(olivia)}welcome.ics`, meeting(olivia, [{ email: newcomer.email }]).replace(UID, uid))).status).toBe(201);
    const objects = await calendarObjects(newcomer);
    expect(objects.filter((object) => object.data.includes(uid))).toHaveLength(1);
  });
});

describe('inboxes no app empties', () => {
  test('keep their messages for 30 days: older ones go when the next one arrives', async () => {
    const messages = server.strapi.db.query('plugin::caldav.scheduling-message' as never);
    const old = (await messages.create({
      data: { recipientId: bea.id, resourceName: 'old.ics', uid: 'old@example.test', method: 'REQUEST', icalendar: 'BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n', etag: 'x' },
    })) as { id: number };
    await server.strapi.db.connection('caldav_scheduling_messages').where({ id: old.id }).update({ created_at: new Date(Date.now() - 31 * 86_400_000) });
    expect((await inbox(bea)).map((message) => message.href)).toContain(`${inboxOf(bea)}old.ics`);

    const uid = 'retention@example.test';
    expect((await davClient(server.origin, olivia).put(`${calendarOf(olivia)}retention.ics`, meeting(olivia, [{ email: bea.email }]).replace(UID, uid))).status).toBe(201);
    const after = await inbox(bea);
    expect(after.map((message) => message.href)).not.toContain(`${inboxOf(bea)}old.ics`);
    expect(after.some((message) => message.data.includes(uid))).toBe(true);
  });
});

describe('what an invitation cannot do', () => {
  test('change an event of the invitee that is not this organizer’s meeting, even with its UID', async () => {
    const uid = 'bea-private@example.test';
    const own = ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//Test//EN', 'BEGIN:VEVENT', `UID:${uid}`, 'DTSTAMP:20260101T000000Z', 'DTSTART:20260501T090000Z', 'DTEND:20260501T100000Z', 'SUMMARY:Doctor', 'END:VEVENT', 'END:VCALENDAR', ''].join('\r\n');
    const bea_ = davClient(server.origin, bea);
    expect((await bea_.put(`${calendarOf(bea)}doctor.ics`, own)).status).toBe(201);
    await emptyInbox(bea);

    const organizer = davClient(server.origin, adam);
    const hijack = meeting(adam, [{ email: bea.email }], { status: 'CONFIRMED' }).replace(UID, uid);
    expect((await organizer.put(`${calendarOf(adam)}hijack.ics`, hijack)).status).toBe(201);
    expect((await bea_.get(`${calendarOf(bea)}doctor.ics`)).text).toBe(own);
    expect(await inbox(bea)).toEqual([]);
    expect(attendeesOf((await organizer.get(`${calendarOf(adam)}hijack.ics`)).text)[bea.email].scheduleStatus).toBe('3.8');

    // Deleting it does not cancel her event either.
    expect((await organizer.delete(`${calendarOf(adam)}hijack.ics`)).status).toBe(204);
    expect((await bea_.get(`${calendarOf(bea)}doctor.ics`)).text).toBe(own);

    // Nor does a UID chosen to match the name of her event: the invitation lands beside it.
    const byName = meeting(adam, [{ email: bea.email }]).replace(UID, 'doctor');
    expect((await organizer.put(`${calendarOf(adam)}by-name.ics`, byName)).status).toBe(201);
    expect((await bea_.get(`${calendarOf(bea)}doctor.ics`)).text).toBe(own);
    const copies = (await calendarObjects(bea)).filter((object) => /^UID:doctor\r?$/m.test(object.data));
    expect(copies).toHaveLength(1);
    expect(copies[0].url).not.toMatch(/doctor\.ics$/);
  });
});

describe('a site without an email provider', () => {
  let plain: TestServer | undefined;
  afterAll(async () => {
    await plain?.stop();
  });

  test('says in SCHEDULE-STATUS that the guest could not be reached, and still delivers to its users', async () => {
    // One Strapi per process at a time.
    await server.stop();
    plain = await startTestServer();
    const organizer = await createUser(plain);
    const attendee = await createUser(plain);
    await plain.collections.createCalendar({ owner: organizer.documentId, name: 'Work', slug: `${organizer.username}-work`, components: ['VEVENT'] });
    const path = `/dav/calendars/${organizer.username}/${organizer.username}-work/m.ics`;
    const client = davClient(plain.origin, organizer);
    expect((await client.put(path, meeting(organizer, [{ email: attendee.email }, { email: GUEST }]))).status).toBe(201);
    const statuses = attendeesOf((await client.get(path)).text);
    expect(statuses[GUEST].scheduleStatus).toBe('5.1');
    expect(statuses[attendee.email].scheduleStatus).toBe('1.2');
  });

  test('with scheduling turned off, nothing is announced or sent and events are stored as sent', async () => {
    await plain?.stop();
    plain = await startTestServer({ pluginConfig: { scheduling: { enabled: false, email: 'auto' } } });
    const organizer = await createUser(plain);
    const attendee = await createUser(plain);
    await plain.collections.createCalendar({ owner: organizer.documentId, name: 'Work', slug: `${organizer.username}-work`, components: ['VEVENT'] });
    await plain.collections.createCalendar({ owner: attendee.documentId, name: 'Work', slug: `${attendee.username}-work`, components: ['VEVENT'] });
    const client = davClient(plain.origin, organizer);
    expect(String((await client.request('OPTIONS', '/dav/')).headers.get('dav'))).not.toContain('calendar-auto-schedule');
    const [principal] = readMultistatus((await client.propfind(`/dav/principals/${organizer.username}/`, '0', propfindBody('c:schedule-inbox-URL'))).text);
    expect(principal.props.get('{urn:ietf:params:xml:ns:caldav}schedule-inbox-URL')?.status).toBe(404);
    const path = `/dav/calendars/${organizer.username}/${organizer.username}-work/m.ics`;
    const sent = meeting(organizer, [{ email: attendee.email }]);
    const put = await client.put(path, sent);
    expect(put.status).toBe(201);
    expect(put.headers.get('etag')).not.toBeNull();
    expect((await client.get(path)).text).toBe(sent);
    expect((await calendarObjects(attendee, plain.origin)).filter((object) => object.data.includes(UID))).toEqual([]);
    expect((await client.propfind(`/dav/scheduling/${organizer.username}/inbox/`, '0', propfindBody('d:resourcetype'))).status).toBe(404);
  });
});
