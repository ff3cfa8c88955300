/**
 * A meeting's organizer and attendees in the admin: the calendar page's occurrences carry them, with the answers
 * calendar apps wrote (read from the master VEVENT), and an editor's save, in the event panel or the Content
 * Manager, leaves every ATTENDEE and ORGANIZER line and parameter as the apps wrote it.
 */

import ICAL from 'ical.js';

import type { EventAttendee, WorkspaceOccurrence } from '../../server/src/workspace/types';
import { davClient } from '../harness/dav';
import { http, type HttpResponse } from '../harness/http';
import { createUser, registerAdmin, type TestUser } from '../harness/people';
import { startTestServer, type TestServer } from '../harness/strapi';

let server: TestServer;
let adminToken: string;
let user: TestUser;
let calendarId: string;
let dav: ReturnType<typeof davClient>;
const work = () => `/dav/calendars/${user.username}/work/`;

beforeAll(async () => {
  server = await startTestServer();
  adminToken = await registerAdmin(server);
  user = await createUser(server);
  calendarId = (await server.collections.createCalendar({ owner: user.documentId, name: 'Work', slug: 'work' })).documentId;
  dav = davClient(server.origin, user);
});

afterAll(async () => {
  await server?.stop();
});

/** As a calendar app writes an invitation it sent: long lines folded, quoted names, scheduling parameters. */
const REVIEW = [
  'BEGIN:VCALENDAR',
  'VERSION:2.0',
  'PRODID:-//Example Corp.//Test Client//EN',
  'BEGIN:VEVENT',
  'UID:budget-review@example.org',
  'DTSTAMP:20260101T000000Z',
  'DTSTART:20260310T090000Z',
  'DTEND:20260310T100000Z',
  'SUMMARY:Budget review',
  'SEQUENCE:2',
  'ORGANIZER;CN="Lovelace, Ada";SCHEDULE-AGENT=SERVER:mailto:ada@example.org',
  'ATTENDEE;CN="Lovelace, Ada";CUTYPE=INDIVIDUAL;ROLE=CHAIR;PARTSTAT=ACCEPTED:mai',
  ' lto:ada@example.org',
  'ATTENDEE;CN=Grace Hopper;CUTYPE=INDIVIDUAL;ROLE=REQ-PARTICIPANT;PARTSTAT=DECLI',
  ' NED;RSVP=TRUE;SCHEDULE-STATUS=2.0;X-NUM-GUESTS=0:mailto:grace@example.org',
  'ATTENDEE;CN=Alan Turing;ROLE=OPT-PARTICIPANT;PARTSTAT=TENTATIVE;SCHEDULE-STATU',
  ' S=5.2:MAILTO:alan@example.org',
  'ATTENDEE;CN=Katherine Johnson;PARTSTAT=DELEGATED;DELEGATED-TO="mailto:dorothy',
  ' @example.org":mailto:katherine@example.org',
  'ATTENDEE;CN=Dorothy Vaughan;DELEGATED-FROM="mailto:katherine@example.org";RSV',
  ' P=TRUE:mailto:dorothy@example.org',
  'END:VEVENT',
  'END:VCALENDAR',
  '',
].join('\r\n');

const REVIEW_ATTENDEES: EventAttendee[] = [
  { address: 'mailto:ada@example.org', email: 'ada@example.org', name: 'Lovelace, Ada', role: 'CHAIR', partstat: 'ACCEPTED', scheduleStatus: null },
  { address: 'mailto:grace@example.org', email: 'grace@example.org', name: 'Grace Hopper', role: 'REQ-PARTICIPANT', partstat: 'DECLINED', scheduleStatus: '2.0' },
  { address: 'MAILTO:alan@example.org', email: 'alan@example.org', name: 'Alan Turing', role: 'OPT-PARTICIPANT', partstat: 'TENTATIVE', scheduleStatus: '5.2' },
  { address: 'mailto:katherine@example.org', email: 'katherine@example.org', name: 'Katherine Johnson', role: 'REQ-PARTICIPANT', partstat: 'DELEGATED', scheduleStatus: null },
  { address: 'mailto:dorothy@example.org', email: 'dorothy@example.org', name: 'Dorothy Vaughan', role: 'REQ-PARTICIPANT', partstat: 'NEEDS-ACTION', scheduleStatus: null },
];

/** A weekly meeting whose second occurrence a calendar app gave other attendees and answers. */
const WEEKLY = [
  'BEGIN:VCALENDAR',
  'VERSION:2.0',
  'PRODID:-//Example Corp.//Test Client//EN',
  'BEGIN:VEVENT',
  'UID:weekly-sync@example.org',
  'DTSTAMP:20260101T000000Z',
  'DTSTART:20260302T140000Z',
  'DTEND:20260302T143000Z',
  'RRULE:FREQ=WEEKLY;COUNT=4',
  'SUMMARY:Weekly sync',
  'ORGANIZER;CN=Ada:mailto:ada@example.org',
  'ATTENDEE;CN=Grace;PARTSTAT=ACCEPTED:mailto:grace@example.org',
  'END:VEVENT',
  'BEGIN:VEVENT',
  'UID:weekly-sync@example.org',
  'DTSTAMP:20260101T000000Z',
  'RECURRENCE-ID:20260309T140000Z',
  'DTSTART:20260309T150000Z',
  'DTEND:20260309T153000Z',
  'SUMMARY:Weekly sync (moved)',
  'ORGANIZER;CN=Ada:mailto:ada@example.org',
  'ATTENDEE;CN=Grace;PARTSTAT=DECLINED:mailto:grace@example.org',
  'ATTENDEE;CN=Guest;PARTSTAT=ACCEPTED:mailto:guest@example.org',
  'END:VEVENT',
  'END:VCALENDAR',
  '',
].join('\r\n');

const asAdmin = (method: string, path: string, body?: unknown): Promise<HttpResponse> =>
  http(server.origin, method, path, {
    bearer: adminToken,
    headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });

/** What the calendar page loads, and the event panel opens with. */
async function occurrences(summaryStart: string): Promise<WorkspaceOccurrence[]> {
  const response = await asAdmin('GET', `/caldav/workspace/occurrences?start=2026-03-01T00:00:00Z&end=2026-04-01T00:00:00Z&calendars=${calendarId}`);
  expect(response.status).toBe(200);
  return response.json<{ data: WorkspaceOccurrence[] }>().data.filter((item) => item.summary?.startsWith(summaryStart));
}

/** Each VEVENT's ORGANIZER and ATTENDEE properties as ical.js reads them (jCal: name, parameters, type, value). */
function participantProperties(text: string): unknown[][] {
  const root = new ICAL.Component(ICAL.parse(text));
  return root
    .getAllSubcomponents('vevent')
    .map((component) => component.getAllProperties().filter((property) => property.name === 'organizer' || property.name === 'attendee').map((property) => property.toJSON()));
}

async function davText(name: string): Promise<string> {
  const response = await dav.get(`${work()}${name}`);
  expect(response.status).toBe(200);
  return response.text;
}

const property = (text: string, name: string) => new ICAL.Component(ICAL.parse(text)).getFirstSubcomponent('vevent')?.getFirstPropertyValue(name);

describe('the event panel', () => {
  test('gets the organizer and each attendee with their answer and delivery status', async () => {
    expect((await dav.put(`${work()}budget-review.ics`, REVIEW)).status).toBe(201);
    const [review] = await occurrences('Budget review');
    expect(review.organizer).toEqual({ address: 'mailto:ada@example.org', email: 'ada@example.org', name: 'Lovelace, Ada' });
    expect(review.attendees).toEqual(REVIEW_ATTENDEES);
  });

  test('an event without attendees has an empty list and no organizer', async () => {
    const plain = REVIEW.replace('UID:budget-review@example.org', 'UID:plain@example.org')
      .replace('SUMMARY:Budget review', 'SUMMARY:Quiet hour')
      .replace(/\r\n(ORGANIZER|ATTENDEE)[^\r]*(\r\n [^\r]*)*/g, '');
    expect(plain).not.toMatch(/ATTENDEE|ORGANIZER/);
    expect((await dav.put(`${work()}plain.ics`, plain)).status).toBe(201);
    const [quiet] = await occurrences('Quiet hour');
    expect(quiet).toMatchObject({ organizer: null, attendees: [] });
  });

  test('every occurrence of a series shows the meeting\'s list, an occurrence with attendees of its own included', async () => {
    expect((await dav.put(`${work()}weekly-sync.ics`, WEEKLY)).status).toBe(201);
    const found = await occurrences('Weekly sync');
    expect(found.map((item) => [item.start, item.override])).toEqual([
      ['2026-03-02T14:00:00.000Z', false],
      ['2026-03-09T15:00:00.000Z', true],
      ['2026-03-16T14:00:00.000Z', false],
      ['2026-03-23T14:00:00.000Z', false],
    ]);
    for (const item of found) {
      expect(item.organizer).toEqual({ address: 'mailto:ada@example.org', email: 'ada@example.org', name: 'Ada' });
      expect(item.attendees.map((attendee) => [attendee.name, attendee.partstat])).toEqual([['Grace', 'ACCEPTED']]);
    }
  });
});

describe('an editor\'s save keeps the attendees', () => {
  test('saving in the event panel (title and time changed) leaves every ORGANIZER and ATTENDEE as the app wrote it', async () => {
    const before = await davText('budget-review.ics');
    const [review] = await occurrences('Budget review');
    // The body the panel sends for "Save and publish" on a single event.
    const save = await asAdmin('PUT', `/caldav/workspace/events/${review.documentId}`, {
      calendar: calendarId,
      summary: 'Budget review (final)',
      location: 'Room 4',
      description: null,
      timezone: null,
      allDay: false,
      start: '2026-03-10T13:00:00.000Z',
      end: '2026-03-10T14:00:00.000Z',
      rrule: null,
      etag: review.etag,
      scope: 'all',
      recurrenceId: null,
      publish: true,
    });
    expect(save.status).toBe(200);

    const after = await davText('budget-review.ics');
    expect(property(after, 'summary')).toBe('Budget review (final)');
    expect(String(property(after, 'dtstart'))).toBe('2026-03-10T13:00:00Z');
    expect(property(after, 'sequence')).toBe(3);
    expect(participantProperties(after)).toEqual(participantProperties(before));
    expect(after.replace(/\r\n /g, '')).toContain('ATTENDEE;CN=Grace Hopper;CUTYPE=INDIVIDUAL;ROLE=REQ-PARTICIPANT;PARTSTAT=DECLINED;RSVP=TRUE;SCHEDULE-STATUS=2.0;X-NUM-GUESTS=0:mailto:grace@example.org');

    const [saved] = await occurrences('Budget review');
    expect(saved.attendees).toEqual(REVIEW_ATTENDEES);
  });

  test('saving and publishing in the Content Manager leaves them too', async () => {
    const before = await davText('budget-review.ics');
    const [review] = await occurrences('Budget review');
    const url = `/content-manager/collection-types/plugin::caldav.event/${review.documentId}`;
    expect((await asAdmin('PUT', url, { summary: 'Budget review (signed off)', location: null })).status).toBe(200);
    expect((await asAdmin('POST', `${url}/actions/publish`, {})).status).toBe(200);

    const after = await davText('budget-review.ics');
    expect(property(after, 'summary')).toBe('Budget review (signed off)');
    expect(property(after, 'location')).toBeNull();
    expect(participantProperties(after)).toEqual(participantProperties(before));
  });

  test('leaving one occurrence out of a series ("this event") keeps the series\' attendees and its override\'s', async () => {
    const before = await davText('weekly-sync.ics');
    const [, , third] = await occurrences('Weekly sync');
    const split = await asAdmin('PUT', `/caldav/workspace/events/${third.documentId}`, {
      summary: 'Weekly sync (one-off)',
      start: '2026-03-16T16:00:00.000Z',
      end: '2026-03-16T16:30:00.000Z',
      etag: third.etag,
      scope: 'this',
      recurrenceId: third.recurrenceId,
      publish: true,
    });
    expect(split.status).toBe(200);

    const after = await davText('weekly-sync.ics');
    expect(after.replace(/\r\n /g, '')).toMatch(/EXDATE[^\r]*20260316T140000Z/);
    expect(participantProperties(after)).toEqual(participantProperties(before));
  });
});
