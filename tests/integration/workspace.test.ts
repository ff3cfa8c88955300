/**
 * The admin's calendar workspace API: calendars, occurrences in a window (recurrence expanded, drafts marked), and
 * editors' writes through the document service, which DAV clients see at their next sync; a stale etag is refused.
 */

import type { WorkspaceOccurrence } from '../../server/src/workspace/types';
import { davClient, readMultistatus, vevent } from '../harness/dav';
import { http, type HttpResponse } from '../harness/http';
import { createEditor, createUser, registerAdmin, type TestUser } from '../harness/people';
import { startTestServer, type TestServer } from '../harness/strapi';

type Occurrence = WorkspaceOccurrence;

interface Written {
  documentId: string;
  etag: string | null;
  status: string;
  created?: string;
}

let server: TestServer;
let adminToken: string;
let user: TestUser;
let calendarId: string;
let otherCalendarId: string;
let dav: ReturnType<typeof davClient>;
const work = () => `/dav/calendars/${user.username}/work/`;

beforeAll(async () => {
  server = await startTestServer();
  adminToken = await registerAdmin(server);
  user = await createUser(server);
  calendarId = (await server.collections.createCalendar({ owner: user.documentId, name: 'Work', slug: 'work', color: '#10B981', timezone: 'Europe/Berlin' })).documentId;
  otherCalendarId = (await server.collections.createCalendar({ owner: user.documentId, name: 'Home', slug: 'home' })).documentId;
  dav = davClient(server.origin, user);
});

afterAll(async () => {
  await server?.stop();
});

const api = (method: string, path: string, token: string | undefined = adminToken, body?: unknown): Promise<HttpResponse> =>
  http(server.origin, method, `/caldav/workspace${path}`, {
    bearer: token,
    headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });

const message = (response: HttpResponse) => response.json<{ error: { message: string } }>().error.message;

async function occurrences(start: string, end: string, calendars = calendarId): Promise<Occurrence[]> {
  const response = await api('GET', `/occurrences?start=${start}&end=${end}&calendars=${calendars}`);
  expect(response.status).toBe(200);
  return response.json<{ data: Occurrence[] }>().data;
}

async function write(method: string, path: string, body?: unknown, expected = 200): Promise<Written> {
  const response = await api(method, path, adminToken, body);
  if (response.status !== expected) throw new Error(`${method} ${path}: ${response.status} ${response.text}`);
  return response.json<{ data: Written }>().data;
}

/** What a DAV client reads: each object's iCalendar text, by resource name. */
async function davObjects(path = work()): Promise<Map<string, string>> {
  const body = `<?xml version="1.0" encoding="utf-8"?>
<c:calendar-query xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav"><d:prop><d:getetag/><c:calendar-data/></d:prop>
<c:filter><c:comp-filter name="VCALENDAR"><c:comp-filter name="VEVENT"/></c:comp-filter></c:filter></c:calendar-query>`;
  const response = await dav.report(path, body);
  expect(response.status).toBe(207);
  const objects = new Map<string, string>();
  for (const entry of readMultistatus(response.text)) {
    const data = entry.props.get('{urn:ietf:params:xml:ns:caldav}calendar-data');
    if (data?.status === 200) objects.set(entry.href.split('/').pop()!, data.text);
  }
  return objects;
}

const davTextWith = async (needle: string) => [...(await davObjects()).values()].find((text) => text.includes(needle)) ?? null;

async function syncToken(): Promise<string> {
  const response = await dav.propfind(work(), '0', `<?xml version="1.0"?><d:propfind xmlns:d="DAV:"><d:prop><d:sync-token/></d:prop></d:propfind>`);
  return readMultistatus(response.text)[0].props.get('{DAV:}sync-token')!.text;
}

describe('reading', () => {
  test('lists the calendars with their owner', async () => {
    const response = await api('GET', '/calendars');
    expect(response.status).toBe(200);
    const calendars = response.json<{ data: Array<Record<string, unknown>> }>().data;
    expect(calendars).toEqual(
      expect.arrayContaining([
        { documentId: calendarId, name: 'Work', slug: 'work', color: '#10B981', timezone: 'Europe/Berlin', visibility: 'private', owner: user.username },
      ]),
    );
  });

  test('expands a recurring event in the window with its exception date and a moved occurrence', async () => {
    const text = vevent('standup-1', {
      summary: 'Stand-up',
      start: '20260302T090000',
      end: '20260302T091500',
      rrule: 'FREQ=WEEKLY;COUNT=6',
      extra: ['EXDATE;TZID=Europe/Berlin:20260316T090000'],
    })
      .replace('DTSTART:', 'DTSTART;TZID=Europe/Berlin:')
      .replace('DTEND:', 'DTEND;TZID=Europe/Berlin:')
      .replace(
        'END:VCALENDAR',
        ['BEGIN:VEVENT', 'UID:standup-1', 'DTSTAMP:20260101T000000Z', 'RECURRENCE-ID;TZID=Europe/Berlin:20260323T090000', 'DTSTART;TZID=Europe/Berlin:20260323T140000', 'DTEND;TZID=Europe/Berlin:20260323T141500', 'SUMMARY:Stand-up (afternoon)', 'END:VEVENT', 'END:VCALENDAR'].join('\r\n'),
      );
    expect((await dav.put(`${work()}standup-1.ics`, text)).status).toBe(201);

    const found = (await occurrences('2026-03-01T00:00:00Z', '2026-04-01T00:00:00Z')).filter((item) => item.summary?.startsWith('Stand-up'));
    // 2, 9, (16 excluded), 23 moved to the afternoon, 30; the sixth (April 6) is outside the window.
    expect(found.map((item) => [item.start, item.override])).toEqual([
      ['2026-03-02T08:00:00.000Z', false],
      ['2026-03-09T08:00:00.000Z', false],
      ['2026-03-23T13:00:00.000Z', true],
      ['2026-03-30T07:00:00.000Z', false],
    ]);
    expect(found[0]).toMatchObject({ recurring: true, recurrenceId: '2026-03-02T08:00:00.000Z', status: 'published', timezone: 'Europe/Berlin', calendar: calendarId, end: '2026-03-02T08:15:00.000Z' });
    expect(found[2].recurrenceId).toBe('2026-03-23T08:00:00.000Z');
    expect(new Set(found.map((item) => item.documentId)).size).toBe(1);
  });

  test('refuses a window that is missing, reversed or too wide, and unknown calendars, with a message', async () => {
    const cases: Array<[string, RegExp]> = [
      ['/occurrences', /start=<ISO date-time>/],
      ['/occurrences?start=yesterday&end=2026-01-01T00:00:00Z', /"start" is not a date-time/],
      ['/occurrences?start=2026-02-01T00:00:00Z&end=2026-01-01T00:00:00Z', /"end" must be after "start"/],
      ['/occurrences?start=2026-01-01T00:00:00Z&end=2027-06-01T00:00:00Z', /at most 400 days/],
      ['/occurrences?start=2026-01-01T00:00:00Z&end=2026-02-01T00:00:00Z&calendars=nope', /No calendar with documentId "nope"/],
    ];
    for (const [path, expected] of cases) {
      const response = await api('GET', path);
      expect(response.status).toBe(400);
      expect(message(response)).toMatch(expected);
    }
  });
});

describe('writing', () => {
  test('an event created, moved and deleted in the workspace reaches DAV clients, and the sync token moves each time', async () => {
    const before = await syncToken();
    const created = await write('POST', '/events', { calendar: calendarId, summary: 'Planning', start: '2026-04-14T09:00:00Z', end: '2026-04-14T10:00:00Z', timezone: 'Europe/Berlin', location: 'Room 1' }, 201);
    expect(created.status).toBe('published');
    const afterCreate = await syncToken();
    expect(afterCreate).not.toBe(before);
    const text = await davTextWith('SUMMARY:Planning');
    expect(text).toContain('DTSTART;TZID=Europe/Berlin:20260414T110000');
    expect(text).toContain('LOCATION:Room 1');

    const moved = await write('PUT', `/events/${created.documentId}`, { etag: created.etag, start: '2026-04-15T12:00:00Z', end: '2026-04-15T13:30:00Z' });
    expect(moved.etag).not.toBe(created.etag);
    expect(await syncToken()).not.toBe(afterCreate);
    expect(await davTextWith('SUMMARY:Planning')).toContain('DTSTART;TZID=Europe/Berlin:20260415T140000');
    const [occurrence] = (await occurrences('2026-04-15T00:00:00Z', '2026-04-16T00:00:00Z')).filter((item) => item.documentId === created.documentId);
    expect(occurrence).toMatchObject({ start: '2026-04-15T12:00:00.000Z', end: '2026-04-15T13:30:00.000Z', etag: moved.etag, recurring: false });

    const beforeDelete = await syncToken();
    await write('DELETE', `/events/${created.documentId}?etag=${moved.etag}`);
    expect(await davTextWith('SUMMARY:Planning')).toBeNull();
    expect(await syncToken()).not.toBe(beforeDelete);
    expect((await api('DELETE', `/events/${created.documentId}`)).status).toBe(404);
  });

  test('drafts are marked, stay away from DAV clients until published, and leave them when unpublished', async () => {
    const draft = await write('POST', '/events', { calendar: calendarId, summary: 'Secret plan', start: '2026-05-04', end: '2026-05-05', allDay: true, publish: false }, 201);
    expect(draft.status).toBe('draft');
    const listed = (await occurrences('2026-05-01T00:00:00Z', '2026-06-01T00:00:00Z')).find((item) => item.documentId === draft.documentId);
    expect(listed).toMatchObject({ status: 'draft', allDay: true, start: '2026-05-04T00:00:00.000Z', end: '2026-05-05T00:00:00.000Z' });
    expect(await davTextWith('Secret plan')).toBeNull();

    expect((await write('POST', `/events/${draft.documentId}/publish`)).status).toBe('published');
    expect(await davTextWith('Secret plan')).toContain('DTSTART;VALUE=DATE:20260504');

    // A draft change to a published event: the editor sees it (marked), clients still see the published version.
    const changed = await write('PUT', `/events/${draft.documentId}`, { etag: listed!.etag, summary: 'Secret plan v2', publish: false });
    expect(changed.status).toBe('modified');
    const modified = (await occurrences('2026-05-01T00:00:00Z', '2026-06-01T00:00:00Z')).find((item) => item.documentId === draft.documentId);
    expect(modified).toMatchObject({ status: 'modified', summary: 'Secret plan v2' });
    expect(await davTextWith('SUMMARY:Secret plan\r\n')).not.toBeNull();

    expect((await write('POST', `/events/${draft.documentId}/unpublish`)).status).toBe('draft');
    expect(await davTextWith('Secret plan')).toBeNull();
  });

  test('saving over a change a calendar app made meanwhile is refused with 409, and nothing changes', async () => {
    const created = await write('POST', '/events', { calendar: calendarId, summary: 'Review', start: '2026-06-01T09:00:00Z', end: '2026-06-01T10:00:00Z' }, 201);
    const [name, text] = [...(await davObjects()).entries()].find(([, value]) => value.includes('SUMMARY:Review'))!;
    const appChange = text.replace('SUMMARY:Review', 'SUMMARY:Review (moved by phone)');
    expect((await dav.put(`${work()}${name}`, appChange)).status).toBe(204);
    const token = await syncToken();

    const stale = await api('PUT', `/events/${created.documentId}`, adminToken, { etag: created.etag, summary: 'Review by editor' });
    expect(stale.status).toBe(409);
    expect(message(stale)).toMatch(/changed in a calendar app since you opened it; reload/);
    const staleDelete = await api('DELETE', `/events/${created.documentId}?etag=${created.etag}`);
    expect(staleDelete.status).toBe(409);

    expect((await dav.get(`${work()}${name}`)).text).toBe(appChange);
    expect(await syncToken()).toBe(token);
    const [listed] = (await occurrences('2026-06-01T00:00:00Z', '2026-06-02T00:00:00Z')).filter((item) => item.documentId === created.documentId);
    expect(listed.summary).toBe('Review (moved by phone)');
  });

  test('bad input gets a message, never a stack trace', async () => {
    const cases: Array<[string, string, unknown, number, RegExp]> = [
      ['POST', '/events', ['a list'], 400, /Send a JSON object/],
      ['POST', '/events', { summary: 'No calendar', start: '2026-01-01T09:00:00Z' }, 400, /"calendar" is required/],
      ['POST', '/events', { calendar: 'nope', start: '2026-01-01T09:00:00Z' }, 400, /No calendar with documentId "nope"/],
      ['POST', '/events', { calendar: calendarId, start: 'soon' }, 400, /"start" is not a date/],
      ['POST', '/events', { calendar: calendarId, start: '2026-01-01T09:00:00Z', end: '2026-01-01T08:00:00Z' }, 400, /"end" must not be before "start"/],
      ['POST', '/events', { calendar: calendarId, start: '2026-01-01T09:00:00Z', timezone: 'Mars/Olympus' }, 400, /not a known time zone/],
      ['POST', '/events', { calendar: calendarId, start: '2026-01-01T09:00:00Z', rrule: 'EVERY=DAY' }, 400, /not a recurrence rule/],
      ['POST', '/events', { calendar: calendarId, start: '2026-01-01T09:00:00Z', colour: 'red' }, 400, /Unknown field "colour"/],
      ['PUT', '/events/nope', { etag: 'x', summary: 'A' }, 404, /No event with documentId "nope"/],
    ];
    for (const [method, path, body, status, expected] of cases) {
      const response = await api(method, path, adminToken, body);
      expect([path, response.status]).toEqual([path, status]);
      expect(message(response)).toMatch(expected);
    }
    const created = await write('POST', '/events', { calendar: calendarId, summary: 'Needs etag', start: '2026-07-01T09:00:00Z' }, 201);
    const noEtag = await api('PUT', `/events/${created.documentId}`, adminToken, { summary: 'x' });
    expect(noEtag.status).toBe(400);
    expect(message(noEtag)).toMatch(/"etag" is required/);
  });
});

describe('recurring series', () => {
  async function weekly(summary: string, rrule = 'FREQ=WEEKLY;COUNT=5'): Promise<Written> {
    return write('POST', '/events', { calendar: otherCalendarId, summary, start: '2026-09-07T07:00:00Z', end: '2026-09-07T08:00:00Z', timezone: 'Europe/Berlin', rrule }, 201);
  }
  const september = (summaryStart: string) =>
    occurrences('2026-09-01T00:00:00Z', '2026-11-01T00:00:00Z', otherCalendarId).then((all) => all.filter((item) => item.summary?.startsWith(summaryStart)));

  test('"this event" leaves the occurrence out of the series and makes it an event of its own', async () => {
    const series = await weekly('Yoga');
    const result = await write('PUT', `/events/${series.documentId}`, {
      etag: series.etag, scope: 'this', recurrenceId: '2026-09-14T07:00:00.000Z', start: '2026-09-15T16:00:00Z', end: '2026-09-15T17:00:00Z', summary: 'Yoga (Tuesday)',
    });
    expect(result.created).toBeDefined();
    const found = await september('Yoga');
    expect(found.map((item) => [item.summary, item.start, item.recurring])).toEqual([
      ['Yoga', '2026-09-07T07:00:00.000Z', true],
      ['Yoga (Tuesday)', '2026-09-15T16:00:00.000Z', false],
      ['Yoga', '2026-09-21T07:00:00.000Z', true],
      ['Yoga', '2026-09-28T07:00:00.000Z', true],
      ['Yoga', '2026-10-05T07:00:00.000Z', true],
    ]);
  });

  test('"this and following" ends the series before the occurrence and starts a new one there, keeping the count', async () => {
    const series = await weekly('Choir');
    const result = await write('PUT', `/events/${series.documentId}`, {
      etag: series.etag, scope: 'following', recurrenceId: '2026-09-21T07:00:00.000Z', start: '2026-09-21T08:00:00Z', end: '2026-09-21T09:00:00Z',
    });
    const found = await september('Choir');
    expect(found.map((item) => [item.start, item.documentId === series.documentId])).toEqual([
      ['2026-09-07T07:00:00.000Z', true],
      ['2026-09-14T07:00:00.000Z', true],
      ['2026-09-21T08:00:00.000Z', false],
      ['2026-09-28T08:00:00.000Z', false],
      ['2026-10-05T08:00:00.000Z', false],
    ]);
    expect(found[2].documentId).toBe(result.created);
  });

  test('"all events" moves the whole series; deleting one occurrence or the rest changes the series', async () => {
    const series = await weekly('Run', 'FREQ=WEEKLY');
    const moved = await write('PUT', `/events/${series.documentId}`, { etag: series.etag, start: '2026-09-07T06:00:00Z', end: '2026-09-07T07:00:00Z' });
    await write('DELETE', `/events/${series.documentId}?scope=this&recurrenceId=2026-09-14T06:00:00.000Z&etag=${moved.etag}`);
    const afterOne = await september('Run');
    expect(afterOne.slice(0, 3).map((item) => item.start)).toEqual(['2026-09-07T06:00:00.000Z', '2026-09-21T06:00:00.000Z', '2026-09-28T06:00:00.000Z']);
    await write('DELETE', `/events/${series.documentId}?scope=following&recurrenceId=2026-09-28T06:00:00.000Z`);
    expect((await september('Run')).map((item) => item.start)).toEqual(['2026-09-07T06:00:00.000Z', '2026-09-21T06:00:00.000Z']);
    const text = [...(await davObjects(`/dav/calendars/${user.username}/home/`)).values()].find((value) => value.includes('SUMMARY:Run'));
    expect(text).toMatch(/RRULE:FREQ=WEEKLY;UNTIL=20260928T055959Z/);
    expect(text).toMatch(/EXDATE;TZID=Europe\/Berlin:20260914T080000/);
  });

  test('an occurrence that is not in the series is refused', async () => {
    const series = await weekly('Swim');
    const response = await api('PUT', `/events/${series.documentId}`, adminToken, { etag: series.etag, scope: 'this', recurrenceId: '2026-09-08T07:00:00.000Z', summary: 'x' });
    expect(response.status).toBe(400);
    expect(message(response)).toMatch(/no occurrence at/);
  });
});

test('an admin role needs the events actions', async () => {
  const editor = await createEditor(server, adminToken);
  const editorToken = editor.token;
  const window = '/occurrences?start=2026-01-01T00:00:00Z&end=2026-02-01T00:00:00Z';
  expect((await api('GET', window, editorToken)).status).toBe(403);
  expect((await api('GET', '/calendars', editorToken)).status).toBe(403);
  expect((await api('POST', '/events', editorToken, { calendar: calendarId, start: '2026-01-05T09:00:00Z' })).status).toBe(403);
  expect((await api('GET', window, '')).status).toBe(401);

  await editor.grant('events.read');
  expect((await api('GET', window, editorToken)).status).toBe(200);
  expect((await api('GET', '/calendars', editorToken)).status).toBe(200);
  expect((await api('POST', '/events', editorToken, { calendar: calendarId, start: '2026-01-05T09:00:00Z' })).status).toBe(403);
});
