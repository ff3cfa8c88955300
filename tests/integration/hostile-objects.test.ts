/**
 * Hostile iCalendar and vCard content over real HTTP: what a client sees when it sends malformed, huge, endlessly
 * recurring or deeply nested objects. Every one is refused with a 4xx naming the CalDAV/CardDAV precondition and the
 * problem (never a 500, a stack trace or a hang) and leaves the collection as it was, or is stored and then answered
 * by every query within a couple of seconds of CPU.
 */

import { davClient, NS, readErrorConditions, readMultistatus } from '../harness/dav';
import { http, type HttpResponse } from '../harness/http';
import { createUser, registerAdmin, type TestUser } from '../harness/people';
import { startTestServer, type TestServer } from '../harness/strapi';
import { movedOverrideLines } from '../unit/ical-fixtures';

const CARDDAV = 'urn:ietf:params:xml:ns:carddav';
const CPU_LIMIT_SECONDS = 3;

let server: TestServer;
let user: TestUser;
let adminToken: string;
let dav: ReturnType<typeof davClient>;
let calendarPath: string;
let calendarId: string;
let bookPath: string;

beforeAll(async () => {
  server = await startTestServer();
  adminToken = await registerAdmin(server);
  user = await createUser(server);
  const calendar = await server.collections.createCalendar({ owner: user.documentId, name: 'Hostile', slug: 'hostile', components: ['VEVENT', 'VTODO'] });
  calendarId = calendar.documentId;
  await server.collections.createAddressBook({ owner: user.documentId, name: 'Hostile', slug: 'hostile-book' });
  dav = davClient(server.origin, user);
  calendarPath = `/dav/calendars/${user.username}/hostile/`;
  bookPath = `/dav/addressbooks/${user.username}/hostile-book/`;
});

afterAll(async () => {
  await server?.stop();
});

const ics = (...lines: string[]) => `${lines.join('\r\n')}\r\n`;
const event = (uid: string, ...lines: string[]) =>
  ics('BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//Hostile//Tests//EN', 'BEGIN:VEVENT', `UID:${uid}`, 'DTSTAMP:20260201T000000Z', ...lines, 'END:VEVENT', 'END:VCALENDAR');
const timed = ['DTSTART:20260302T100000Z', 'DTEND:20260302T110000Z'];
const vcard = (uid: string, version: '3.0' | '4.0', ...lines: string[]) =>
  ics('BEGIN:VCARD', `VERSION:${version}`, `UID:${uid}`, 'FN:Ada Lovelace', ...lines, 'END:VCARD');

/** The text with many more lines before its first `END:<name>` line (too many to pass as arguments). */
const withLines = (text: string, name: string, lines: string[]) => text.replace(`END:${name}\r\n`, `${lines.join('\r\n')}\r\nEND:${name}\r\n`);

const putVCard = (name: string, text: string, headers: Record<string, string> = {}) =>
  dav.request('PUT', `${bookPath}${name}`, text, { 'Content-Type': 'text/vcard; charset=utf-8', ...headers });

const storedEvents = () => server.strapi.db.query('plugin::caldav.event' as never).count({});
const storedContacts = () => server.strapi.db.query('plugin::caldav.contact' as never).count({});

/** Seconds of CPU this process (test and server alike, the server runs in it) spends on a request. */
async function timedRequest(request: () => Promise<HttpResponse>): Promise<{ response: HttpResponse; seconds: number }> {
  const before = process.cpuUsage();
  const response = await request();
  const used = process.cpuUsage(before);
  return { response, seconds: (used.user + used.system) / 1e6 };
}

/** A refusal as a client reads it: status, the precondition elements of DAV:error and the human message. */
function expectRefusal(response: HttpResponse, status: number, condition: string, message: RegExp): void {
  expect(response.status).toBe(status);
  expect(response.headers.get('content-type')).toMatch(/xml/);
  expect(readErrorConditions(response.text)).toContain(condition);
  expect(response.text).toMatch(message);
  expect(response.text).not.toMatch(/at [\w.<>]+ \(|node_modules|\/src\/|SQL|SQLITE|stack/i);
}

const calendarQuery = (inner: string, filterRange: string) =>
  `<?xml version="1.0" encoding="utf-8"?>
  <c:calendar-query xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav">
    <d:prop><d:getetag/><c:calendar-data>${inner}</c:calendar-data></d:prop>
    <c:filter><c:comp-filter name="VCALENDAR"><c:comp-filter name="VEVENT">${filterRange}</c:comp-filter></c:comp-filter></c:filter>
  </c:calendar-query>`;

describe('malformed calendar objects', () => {
  test('each is refused with valid-calendar-data naming the line, and nothing is stored', async () => {
    const before = await storedEvents();
    const lines = event('malformed', ...timed).trimEnd().split('\r\n');
    const cases: Array<[string, RegExp]> = [
      [` X-STRAY:folded\r\n${lines.join('\r\n')}\r\n`, /line 1: a folded continuation line/],
      [ics(...lines.map((line) => (line === 'END:VEVENT' ? 'END:VTODO' : line))), /END:VTODO does not close BEGIN:VEVENT \(line 4\)/],
      [ics(...lines.slice(0, -1)), /BEGIN:VCALENDAR on line 1 has no END:VCALENDAR/],
      [ics(...lines.slice(1)), /"VERSION:2.0" is outside any component/],
      [event('malformed', ...timed, 'SUMMARY:nul\u0000inside'), /line 9: "SUMMARY:nul\?inside" contains the control character U\+0000/],
      [event('malformed', ...timed, 'SUMMARY:bell\u0007'), /control character U\+0007/],
      [event('malformed', ...timed, 'ATTENDEE;CN="Broken:mailto:a@example.com'), /quoted parameter value of ATTENDEE has no closing quote/],
      [event('malformed', ...timed, 'DTSTART:20261341T100000Z'), /is not a day of the calendar/],
    ];
    for (const [body, message] of cases) {
      const response = await dav.put(`${calendarPath}malformed.ics`, body);
      expectRefusal(response, 403, `{${NS.CALDAV}}valid-calendar-data`, message);
    }
    expect(await storedEvents()).toBe(before);
    expect((await dav.get(`${calendarPath}malformed.ics`)).status).toBe(404);
  });

  test('a refused PUT over an existing event leaves the stored event exactly as it was', async () => {
    const original = event('kept', ...timed, 'SUMMARY:Original');
    expect((await dav.put(`${calendarPath}kept.ics`, original)).status).toBe(201);
    const etag = (await dav.get(`${calendarPath}kept.ics`)).headers.get('etag') ?? '';
    const response = await dav.put(`${calendarPath}kept.ics`, event('kept', ...timed, 'SUMMARY:Changed\u0001'), { 'If-Match': etag });
    expect(response.status).toBe(403);
    const after = await dav.get(`${calendarPath}kept.ics`);
    expect(after.text).toBe(original);
    expect(after.headers.get('etag')).toBe(etag);
  });

  test('text that is not UTF-8 arrives as U+FFFD and is stored and served as sent', async () => {
    const body = event('replacement', ...timed, 'SUMMARY:caf\uFFFD \u{1F600}');
    expect((await dav.put(`${calendarPath}replacement.ics`, body)).status).toBe(201);
    expect((await dav.get(`${calendarPath}replacement.ics`)).text).toBe(body);
  });
});

describe('huge calendar objects', () => {
  test('a 600 kB DESCRIPTION and 5,000 ATTENDEEs are stored whole and served back byte for byte', async () => {
    const description = 'A long agenda, item; after item. '.repeat(18_000);
    const attendees = Array.from({ length: 5_000 }, (_, index) => `ATTENDEE;CN=Person ${index};PARTSTAT=NEEDS-ACTION:mailto:p${index}@example.com`);
    for (const [name, body] of [
      ['long.ics', event('long', ...timed, `DESCRIPTION:${description}`)],
      ['crowd.ics', withLines(event('crowd', ...timed, 'ORGANIZER:mailto:boss@example.com'), 'VEVENT', attendees)],
    ]) {
      const { response, seconds } = await timedRequest(() => dav.put(`${calendarPath}${name}`, body));
      expect(response.status).toBe(201);
      expect(seconds).toBeLessThan(CPU_LIMIT_SECONDS);
      expect((await dav.get(`${calendarPath}${name}`)).text).toBe(body);
    }
    const stored = (await server.strapi.db.query('plugin::caldav.event' as never).findOne({ where: { uid: 'long' } })) as { description: string };
    expect(stored.description).toHaveLength(description.length);
  });
});

describe('recurrences that would expand without end', () => {
  test('COUNT in the millions, SECONDLY without end and BY-part storms fail CALDAV:max-instances', async () => {
    const before = await storedEvents();
    for (const rule of ['FREQ=DAILY;COUNT=5000000', 'FREQ=SECONDLY', 'FREQ=MINUTELY', 'FREQ=DAILY;BYHOUR=0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23;BYMINUTE=0,10,20,30,40,50']) {
      const { response, seconds } = await timedRequest(() => dav.put(`${calendarPath}storm.ics`, event('storm', ...timed, `RRULE:${rule}`)));
      expectRefusal(response, 403, `{${NS.CALDAV}}max-instances`, /this server allows at most 10000 \(CALDAV:max-instances\)/);
      expect(seconds).toBeLessThan(CPU_LIMIT_SECONDS);
    }
    expect(await storedEvents()).toBe(before);
  });

  test('dates in year 1 or past 9999 fail CALDAV:min-date-time and max-date-time, never a server error', async () => {
    expectRefusal(await dav.put(`${calendarPath}early.ics`, event('early', 'DTSTART:00010101T000000Z', 'DURATION:PT1H')), 403, `{${NS.CALDAV}}min-date-time`, /before 1000-01-01/);
    expectRefusal(await dav.put(`${calendarPath}late.ics`, event('late', 'DTSTART:99991231T120000Z', 'DURATION:P2D')), 403, `{${NS.CALDAV}}max-date-time`, /after 9999-12-31/);
    expectRefusal(await dav.put(`${calendarPath}late.ics`, event('late', ...timed.slice(0, 1), 'DURATION:P99999999W')), 403, `{${NS.CALDAV}}max-date-time`, /longer than the span of dates this server stores/);
    // The first and the last day this server stores.
    expect((await dav.put(`${calendarPath}first-day.ics`, event('first-day', 'DTSTART;VALUE=DATE:10000101', 'RRULE:FREQ=YEARLY'))).status).toBe(201);
    expect((await dav.put(`${calendarPath}last-day.ics`, event('last-day', 'DTSTART;VALUE=DATE:99991231'))).status).toBe(201);
  });

  test('an endless hourly series: a century-wide time-range query, expand and free-busy each stay within the limit', async () => {
    expect((await dav.put(`${calendarPath}hourly.ics`, event('hourly', ...timed, 'SUMMARY:Hourly', 'RRULE:FREQ=HOURLY'))).status).toBe(201);
    const century = '<c:time-range start="20260101T000000Z" end="21260101T000000Z"/>';

    const filtered = await timedRequest(() => dav.report(calendarPath, calendarQuery('', century)));
    expect(filtered.response.status).toBe(207);
    expect(readMultistatus(filtered.response.text).map((entry) => entry.href)).toContain(`${calendarPath}hourly.ics`);
    expect(filtered.seconds).toBeLessThan(CPU_LIMIT_SECONDS);

    const expanded = await timedRequest(() => dav.report(calendarPath, calendarQuery('<c:expand start="20260101T000000Z" end="21260101T000000Z"/>', century)));
    expect(expanded.response.status).toBe(207);
    const hourly = readMultistatus(expanded.response.text).find((entry) => entry.href === `${calendarPath}hourly.ics`);
    const instances = (hourly?.props.get(`{${NS.CALDAV}}calendar-data`)?.text ?? '').split('BEGIN:VEVENT').length - 1;
    // As many as fit in a query's expansion time for one object (a quarter of a second), never more than 10,000.
    expect(instances).toBeGreaterThan(100);
    expect(instances).toBeLessThanOrEqual(10_000);
    expect(expanded.seconds).toBeLessThan(CPU_LIMIT_SECONDS * 2); // the whole calendar, 10,000 instances of this one

    const freeBusy = await timedRequest(() =>
      dav.report(
        calendarPath,
        `<?xml version="1.0" encoding="utf-8"?><c:free-busy-query xmlns:c="urn:ietf:params:xml:ns:caldav"><c:time-range start="20260101T000000Z" end="20270101T000000Z"/></c:free-busy-query>`,
      ),
    );
    expect(freeBusy.response.status).toBe(200);
    expect(freeBusy.response.text).toContain('FREEBUSY:20260302T100000Z/');
    expect(freeBusy.seconds).toBeLessThan(CPU_LIMIT_SECONDS);
    expect((await dav.delete(`${calendarPath}hourly.ics`)).status).toBe(204);
  });

  test('an UNTIL in year 9999 is stored within the limit, and a month of it in the year 8000 is answered exactly', async () => {
    const put = await timedRequest(() => dav.put(`${calendarPath}until-9999.ics`, event('until-9999', ...timed, 'RRULE:FREQ=DAILY;UNTIL=99991231T235959Z')));
    expect(put.response.status).toBe(201);
    expect(put.seconds).toBeLessThan(CPU_LIMIT_SECONDS);
    const june = '<c:time-range start="80000601T000000Z" end="80000701T000000Z"/>';
    const { response, seconds } = await timedRequest(() =>
      dav.report(calendarPath, calendarQuery('<c:expand start="80000601T000000Z" end="80000701T000000Z"/>', june)),
    );
    const entries = readMultistatus(response.text);
    const data = entries.find((entry) => entry.href === `${calendarPath}until-9999.ics`)?.props.get(`{${NS.CALDAV}}calendar-data`)?.text ?? '';
    expect(data.split('BEGIN:VEVENT').length - 1).toBe(30);
    expect(seconds).toBeLessThan(CPU_LIMIT_SECONDS);
    expect((await dav.delete(`${calendarPath}until-9999.ics`)).status).toBe(204);
  });

  test('a monthly series from the year 1000 is found and expanded in 2026 (and 9999) from the window, not its start', async () => {
    expect((await dav.put(`${calendarPath}old.ics`, event('old', 'DTSTART:10000103T090000Z', 'DURATION:PT1H', 'RRULE:FREQ=MONTHLY;BYDAY=1MO,3MO'))).status).toBe(201);
    for (const [start, end, expected] of [
      ['20260301T000000Z', '20260401T000000Z', ['DTSTART:20260302T090000Z', 'DTSTART:20260316T090000Z']],
      ['99990301T000000Z', '99990401T000000Z', ['DTSTART:99990301T090000Z', 'DTSTART:99990315T090000Z']],
    ] as const) {
      const { response, seconds } = await timedRequest(() =>
        dav.report(calendarPath, calendarQuery(`<c:expand start="${start}" end="${end}"/>`, `<c:time-range start="${start}" end="${end}"/>`)),
      );
      const data = readMultistatus(response.text).find((entry) => entry.href === `${calendarPath}old.ics`)?.props.get(`{${NS.CALDAV}}calendar-data`)?.text ?? '';
      expect(data.split(/\r?\n/).filter((line) => line.startsWith('DTSTART'))).toEqual(expected);
      expect(seconds).toBeLessThan(CPU_LIMIT_SECONDS);
    }
  });

  test('a VTIMEZONE whose rule recurs every second is refused before any time is computed', async () => {
    const body = ics(
      'BEGIN:VCALENDAR',
      'VERSION:2.0',
      'PRODID:-//Hostile//Tests//EN',
      'BEGIN:VTIMEZONE',
      'TZID:Spinning',
      'BEGIN:STANDARD',
      'DTSTART:16010101T000000',
      'TZOFFSETFROM:+0100',
      'TZOFFSETTO:+0100',
      'RRULE:FREQ=SECONDLY',
      'END:STANDARD',
      'END:VTIMEZONE',
      'BEGIN:VEVENT',
      'UID:spinning',
      'DTSTAMP:20260201T000000Z',
      'DTSTART;TZID=Spinning:20260302T100000',
      'END:VEVENT',
      'END:VCALENDAR',
    );
    const { response, seconds } = await timedRequest(() => dav.put(`${calendarPath}spinning.ics`, body));
    expectRefusal(response, 403, `{${NS.CALDAV}}valid-calendar-data`, /time zone observances recur yearly/);
    expect(seconds).toBeLessThan(CPU_LIMIT_SECONDS);
  });
});

describe('deep nesting and thousands of overrides', () => {
  test('components nested thousands deep are refused quickly (not a stack overflow)', async () => {
    const begins = Array.from({ length: 30_000 }, (_, index) => (index % 2 === 0 ? 'BEGIN:VALARM' : 'BEGIN:VEVENT'));
    const body = withLines(event('nested', ...timed), 'VEVENT', [...begins, ...begins.map((line) => line.replace('BEGIN', 'END')).reverse()]);
    const { response, seconds } = await timedRequest(() => dav.put(`${calendarPath}nested.ics`, body));
    expectRefusal(response, 403, `{${NS.CALDAV}}valid-calendar-data`, /components are nested more than 8 deep/);
    expect(seconds).toBeLessThan(CPU_LIMIT_SECONDS);
  });

  test('a series with 3,000 overrides is stored and answered with expand and limit-recurrence-set', async () => {
    const overrides = movedOverrideLines('overrides', 3_000);
    const body = withLines(event('overrides', 'DTSTART:20260101T100000Z', 'DTEND:20260101T110000Z', 'RRULE:FREQ=DAILY;COUNT=3000'), 'VCALENDAR', overrides);
    const put = await timedRequest(() => dav.put(`${calendarPath}overrides.ics`, body));
    expect(put.response.status).toBe(201);
    expect(put.seconds).toBeLessThan(CPU_LIMIT_SECONDS);
    const week = '<c:time-range start="20260301T000000Z" end="20260308T000000Z"/>';
    for (const [inner, expected] of [
      ['<c:expand start="20260301T000000Z" end="20260308T000000Z"/>', 7],
      ['<c:limit-recurrence-set start="20260301T000000Z" end="20260308T000000Z"/>', 8],
    ] as const) {
      const { response, seconds } = await timedRequest(() => dav.report(calendarPath, calendarQuery(inner, week)));
      const data = readMultistatus(response.text).find((entry) => entry.href === `${calendarPath}overrides.ics`)?.props.get(`{${NS.CALDAV}}calendar-data`)?.text ?? '';
      expect(data.split('BEGIN:VEVENT').length - 1).toBe(expected);
      expect(seconds).toBeLessThan(CPU_LIMIT_SECONDS);
    }
  });
});

describe('hostile vCards', () => {
  test('malformed, nested and control characters: valid-address-data; 2.1 quoted-printable: supported-address-data', async () => {
    const before = await storedContacts();
    const lines = vcard('bad', '3.0', 'EMAIL:ada@example.com').trimEnd().split('\r\n');
    const cases: Array<[string, string, RegExp]> = [
      [ics(...lines.slice(0, -1)), 'valid-address-data', /BEGIN:VCARD on line 1 has no END:VCARD/],
      [ics(...lines.slice(0, -1), ...vcard('inner', '3.0').trimEnd().split('\r\n'), 'END:VCARD'), 'valid-address-data', /cannot contain other components/],
      [vcard('bad', '4.0', 'NOTE:nul\u0000'), 'valid-address-data', /control character U\+0000/],
      [vcard('bad', '4.0', 'EMAIL;TYPE="work:ada@example.com'), 'valid-address-data', /no closing quote/],
      [ics('BEGIN:VCARD', 'VERSION:2.1', 'FN:Ada', 'NOTE;ENCODING=QUOTED-PRINTABLE:soft=', 'break', 'UID:bad', 'END:VCARD'), 'supported-address-data', /vCard version 2.1 is not supported/],
      [ics('BEGIN:VCARD', 'VERSION:9.9', 'FN:Ada', 'UID:bad', 'END:VCARD'), 'supported-address-data', /vCard version 9.9 is not supported/],
    ];
    for (const [body, condition, message] of cases) {
      expectRefusal(await putVCard('bad.vcf', body), 403, `{${CARDDAV}}${condition}`, message);
    }
    expect(await storedContacts()).toBe(before);
  });

  test('a 600 kB PHOTO is stored, served as sent and converted to vCard 4.0 on request', async () => {
    const photo = `/9j/${'A'.repeat(600_000)}`;
    const body = vcard('photo', '3.0', `PHOTO;ENCODING=b;TYPE=JPEG:${photo}`);
    const { response, seconds } = await timedRequest(() => putVCard('photo.vcf', body));
    expect(response.status).toBe(201);
    expect(seconds).toBeLessThan(CPU_LIMIT_SECONDS);
    expect((await dav.get(`${bookPath}photo.vcf`)).text).toBe(body);
    const four = await dav.get(`${bookPath}photo.vcf`, { Accept: 'text/vcard; version=4.0' });
    expect(four.status).toBe(200);
    expect(four.text.replace(/\r\n /g, '')).toContain(`PHOTO:data:image/jpeg;base64,${photo}`);
  });

  test('12,000 grouped EMAILs (most of max-resource-size) are stored and queried without quadratic work', async () => {
    const emails = Array.from({ length: 12_000 }, (_, index) => [`item${index + 1}.EMAIL:p${index}@example.com`, `item${index + 1}.X-ABLabel:label ${index}`]).flat();
    const { response, seconds } = await timedRequest(() => putVCard('crowd.vcf', withLines(vcard('crowd', '3.0'), 'VCARD', emails)));
    expect(response.status).toBe(201);
    expect(seconds).toBeLessThan(CPU_LIMIT_SECONDS);
    const query = await timedRequest(() =>
      dav.report(
        bookPath,
        `<?xml version="1.0" encoding="utf-8"?><card:addressbook-query xmlns:d="DAV:" xmlns:card="${CARDDAV}"><d:prop><d:getetag/></d:prop><card:filter><card:prop-filter name="EMAIL"><card:text-match collation="i;unicode-casemap" match-type="equals">p11999@example.com</card:text-match></card:prop-filter></card:filter></card:addressbook-query>`,
      ),
    );
    expect(readMultistatus(query.response.text).map((entry) => entry.href)).toEqual([`${bookPath}crowd.vcf`]);
    expect(query.seconds).toBeLessThan(CPU_LIMIT_SECONDS);
  });
});

describe('import of hostile files', () => {
  test('a calendar file nested thousands deep is refused as a whole with a readable reason', async () => {
    // Deep enough that walking it recursively would overflow the stack.
    const begins = Array.from({ length: 60_000 }, (_, index) => (index % 2 === 0 ? 'BEGIN:VALARM' : 'BEGIN:VEVENT'));
    const body = withLines(event('nested-import', ...timed), 'VEVENT', [...begins, ...begins.map((line) => line.replace('BEGIN', 'END')).reverse()]);
    const response = await http(server.origin, 'POST', `/caldav/calendars/${calendarId}/import`, { bearer: adminToken, body, headers: { 'Content-Type': 'application/octet-stream' } });
    expect(response.status).toBe(400);
    expect(response.json<{ error: { message: string } }>().error.message).toMatch(/nested more than 8 deep/);
  });
});
