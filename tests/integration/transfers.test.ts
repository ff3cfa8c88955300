/**
 * Import and export from the admin panel: an .ics file becomes a calendar's events and a .vcf file an address
 * book's contacts, stored exactly as a calendar or contacts app's PUT would store them (so every app sees them at
 * its next sync), followed as a job while it runs; and both export back as files.
 */

import { davClient, propfindBody, readMultistatus } from '../harness/dav';
import { calendarObject, NEW_YORK_VTIMEZONE } from '../harness/feeds';
import { http, type HttpResponse } from '../harness/http';
import { createEditor, createUser, registerAdmin, type Editor, type TestUser } from '../harness/people';
import { startTestServer, type TestServer } from '../harness/strapi';

interface JobState {
  status: 'running' | 'done' | 'failed';
  processed: number;
  total: number;
  summary: { created: number; updated: number; skipped: Array<{ uid: string | null; reason: string }>; total: number };
  error: string | null;
}

/** Events in the bulk import: each is a full write (about 20 ms on SQLite), so 10,000 take minutes; 2,000 show the same. */
const BULK_EVENTS = 500;

let server: TestServer;
let owner: TestUser;
let adminToken: string;
let dav: ReturnType<typeof davClient>;
let work: { documentId: string; path: string };
let book: { documentId: string; path: string };

beforeAll(async () => {
  server = await startTestServer();
  adminToken = await registerAdmin(server);
  owner = await createUser(server);
  dav = davClient(server.origin, owner);
  const calendar = await server.collections.createCalendar({ owner: owner.documentId, name: 'Work', slug: 'work', components: ['VEVENT', 'VTODO'] });
  work = { documentId: calendar.documentId, path: `/dav/calendars/${owner.username}/work/` };
  const addressBook = await server.collections.createAddressBook({ owner: owner.documentId, name: 'Contacts', slug: 'contacts' });
  book = { documentId: addressBook.documentId, path: `/dav/addressbooks/${owner.username}/contacts/` };
});

afterAll(async () => {
  await server?.stop();
});

const errorMessage = (response: HttpResponse) => response.json<{ error: { message: string } }>().error.message;

/** Sends a file the way the admin panel does: the raw bytes as the request body. */
function upload(kind: 'calendars' | 'address-books', documentId: string, text: string, token: string | undefined, contentType = 'application/octet-stream') {
  return http(server.origin, 'POST', `/caldav/${kind}/${documentId}/import`, { bearer: token, body: text, headers: { 'Content-Type': contentType } });
}

/** Polls the job until it ends; returns its last state and every state seen while it ran. */
async function follow(jobId: string, token = adminToken): Promise<{ final: JobState; seen: JobState[] }> {
  const seen: JobState[] = [];
  for (;;) {
    const response = await http(server.origin, 'GET', `/caldav/imports/${jobId}`, { bearer: token });
    expect(response.status).toBe(200);
    const state = response.json<{ data: JobState }>().data;
    if (state.status !== 'running') return { final: state, seen };
    seen.push(state);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

async function importFile(kind: 'calendars' | 'address-books', documentId: string, text: string, contentType?: string): Promise<JobState> {
  const response = await upload(kind, documentId, text, adminToken, contentType);
  expect(response.status).toBe(202);
  const { final } = await follow(response.json<{ data: { jobId: string } }>().data.jobId);
  expect(final.status).toBe('done');
  return final;
}

const syncBody = (token: string) =>
  `<?xml version="1.0" encoding="utf-8"?><d:sync-collection xmlns:d="DAV:"><d:sync-token>${token}</d:sync-token><d:sync-level>1</d:sync-level><d:prop><d:getetag/></d:prop></d:sync-collection>`;

async function syncToken(path: string): Promise<string> {
  const response = await dav.propfind(path, '0', propfindBody('d:sync-token'));
  return readMultistatus(response.text)[0].props.get('{DAV:}sync-token')?.text ?? '';
}

/** The members' names and ETags, as a client's PROPFIND lists them. */
async function members(path: string): Promise<Map<string, string>> {
  const response = await dav.propfind(path, '1', propfindBody('d:getetag'));
  expect(response.status).toBe(207);
  return new Map(
    readMultistatus(response.text)
      .filter((entry) => entry.href !== path)
      .map((entry) => [entry.href.split('/').pop() ?? '', entry.props.get('{DAV:}getetag')?.text ?? '']),
  );
}

const WINDOWS_ZONE = [
  'BEGIN:VTIMEZONE',
  'TZID:W. Europe Standard Time',
  'BEGIN:STANDARD',
  'DTSTART:16010101T030000',
  'TZOFFSETFROM:+0200',
  'TZOFFSETTO:+0100',
  'RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10',
  'END:STANDARD',
  'BEGIN:DAYLIGHT',
  'DTSTART:16010101T020000',
  'TZOFFSETFROM:+0100',
  'TZOFFSETTO:+0200',
  'RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3',
  'END:DAYLIGHT',
  'END:VTIMEZONE',
];

/** A calendar app's export: calendar-level properties, shared time zones, a series with a moved instance, and mistakes. */
const exported = [
  'BEGIN:VCALENDAR',
  'VERSION:2.0',
  'PRODID:-//Example Corp.//Calendar Export//EN',
  'METHOD:PUBLISH',
  'X-WR-CALNAME:Team',
  ...WINDOWS_ZONE,
  ...NEW_YORK_VTIMEZONE,
  'BEGIN:VEVENT',
  'UID:standup',
  'DTSTAMP:20260101T000000Z',
  'DTSTART;TZID=W. Europe Standard Time:20260302T090000',
  'DTEND;TZID=W. Europe Standard Time:20260302T091500',
  'RRULE:FREQ=WEEKLY;COUNT=10',
  'SUMMARY:Stand-up',
  'X-TEAM-NOTE:keep me',
  'END:VEVENT',
  'BEGIN:VEVENT',
  'UID:lunch',
  'DTSTAMP:20260101T000000Z',
  'DTSTART:20260305T120000Z',
  'DTEND:20260305T130000Z',
  'SUMMARY:Lunch\\, with the team',
  'END:VEVENT',
  'BEGIN:VEVENT',
  'UID:standup',
  'DTSTAMP:20260101T000000Z',
  'RECURRENCE-ID;TZID=W. Europe Standard Time:20260316T090000',
  'DTSTART;TZID=W. Europe Standard Time:20260316T140000',
  'DTEND;TZID=W. Europe Standard Time:20260316T141500',
  'SUMMARY:Stand-up (afternoon)',
  'END:VEVENT',
  'BEGIN:VEVENT',
  'UID:call',
  'DTSTAMP:20260101T000000Z',
  'DTSTART;TZID=America/New_York:20260310T100000',
  'DTEND;TZID=America/New_York:20260310T110000',
  'SUMMARY:Call with New York',
  'END:VEVENT',
  'BEGIN:VEVENT',
  'UID:backwards',
  'DTSTAMP:20260101T000000Z',
  'DTSTART:20260311T100000Z',
  'DTEND:20260311T090000Z',
  'SUMMARY:Ends before it starts',
  'END:VEVENT',
  'BEGIN:VJOURNAL',
  'UID:journal',
  'DTSTAMP:20260101T000000Z',
  'DTSTART:20260312T100000Z',
  'SUMMARY:A journal entry',
  'END:VJOURNAL',
  'END:VCALENDAR',
  '',
].join('\r\n');

const calendarQuery = (start: string, end: string) => `<?xml version="1.0" encoding="utf-8"?>
<c:calendar-query xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav"><d:prop><d:getetag/></d:prop>
  <c:filter><c:comp-filter name="VCALENDAR"><c:comp-filter name="VEVENT"><c:time-range start="${start}" end="${end}"/></c:comp-filter></c:comp-filter></c:filter>
</c:calendar-query>`;

async function queryNames(start: string, end: string): Promise<string[]> {
  const response = await dav.report(work.path, calendarQuery(start, end));
  expect(response.status).toBe(207);
  return readMultistatus(response.text)
    .map((entry) => entry.href.split('/').pop() ?? '')
    .sort();
}

describe('importing an .ics file into a calendar', () => {
  let tokenBeforeImport: string;
  let afterFirstImport: Map<string, string>;

  test('each UID becomes one event, stored as a PUT stores it; what cannot be stored is listed with the reason', async () => {
    // An app already synced "lunch" under a name of its own: the import replaces it there.
    expect((await dav.put(`${work.path}from-phone.ics`, calendarObject('BEGIN:VEVENT', 'UID:lunch', 'DTSTAMP:20260101T000000Z', 'DTSTART:20260305T110000Z', 'SUMMARY:Lunch (old)', 'END:VEVENT'))).status).toBe(201);
    tokenBeforeImport = await syncToken(work.path);

    const result = await importFile('calendars', work.documentId, exported);
    expect(result.processed).toBe(5);
    expect(result.total).toBe(5);
    expect(result.error).toBeNull();
    expect(result.summary).toMatchObject({ created: 2, updated: 1, total: 5 });
    const reasons = Object.fromEntries(result.summary.skipped.map((entry) => [entry.uid, entry.reason]));
    expect(Object.keys(reasons).sort()).toEqual(['backwards', 'journal']);
    expect(reasons.backwards).toMatch(/ends \(DTEND .+\) before it starts/);
    expect(reasons.journal).toMatch(/does not accept VJOURNAL components/);

    afterFirstImport = await members(work.path);
    expect([...afterFirstImport.keys()].sort()).toEqual(['call.ics', 'from-phone.ics', 'standup.ics']);
  });

  test('a calendar app reads each event with its overrides and only the time zones it uses', async () => {
    const standup = await dav.get(`${work.path}standup.ics`);
    expect(standup.status).toBe(200);
    expect(standup.text.match(/BEGIN:VEVENT/g)).toHaveLength(2);
    expect(standup.text).toContain('RECURRENCE-ID;TZID=W. Europe Standard Time:20260316T090000');
    expect(standup.text).toContain('X-TEAM-NOTE:keep me');
    expect(standup.text).toContain('TZID:W. Europe Standard Time');
    expect(standup.text).not.toContain('America/New_York');
    // The file's own properties describe the file, not the event (a METHOD would even make it unstorable).
    expect(standup.text).not.toMatch(/METHOD|X-WR-CALNAME/);
    expect(standup.headers.get('etag')).toBe(afterFirstImport.get('standup.ics'));

    const call = await dav.get(`${work.path}call.ics`);
    expect(call.text).toContain('TZID:America/New_York');
    expect(call.text).not.toContain('W. Europe');
    const lunch = await dav.get(`${work.path}from-phone.ics`);
    expect(lunch.text).toContain('SUMMARY:Lunch\\, with the team');
    expect(lunch.text).not.toContain('BEGIN:VTIMEZONE');

    // The moved instance is found on its new day (14:00 in Berlin is 13:00 UTC), and not at its old time.
    expect(await queryNames('20260316T125900Z', '20260316T131000Z')).toEqual(['standup.ics']);
    expect(await queryNames('20260316T075900Z', '20260316T081000Z')).toEqual([]);
    expect(await queryNames('20260310T140000Z', '20260310T143000Z')).toEqual(['call.ics']);
    expect(await queryNames('20260305T120000Z', '20260305T123000Z')).toEqual(['from-phone.ics']);
  });

  test('a sync from before the import lists every imported event', async () => {
    const response = await dav.report(work.path, syncBody(tokenBeforeImport), '0');
    expect(response.status).toBe(207);
    const changed = readMultistatus(response.text)
      .filter((entry) => entry.href !== work.path)
      .map((entry) => [entry.href.split('/').pop(), entry.status ?? 200]);
    expect(Object.fromEntries(changed)).toEqual({ 'standup.ics': 200, 'call.ics': 200, 'from-phone.ics': 200 });
  });

  test('importing the same file again updates every event in place', async () => {
    const result = await importFile('calendars', work.documentId, exported);
    expect(result.summary).toMatchObject({ created: 0, updated: 3, total: 5 });
    expect(result.summary.skipped.map((entry) => entry.uid).sort()).toEqual(['backwards', 'journal']);
    // Same names, and the same ETags: the same text, so apps have nothing to download again.
    expect(await members(work.path)).toEqual(afterFirstImport);
  });

  test('a file sent as text/calendar is imported too, and an event without a UID gets one that a re-import finds', async () => {
    const noUid = calendarObject('BEGIN:VEVENT', 'DTSTAMP:20260101T000000Z', 'DTSTART:20260320T100000Z', 'SUMMARY:Written without a UID', 'END:VEVENT');
    const first = await importFile('calendars', work.documentId, noUid, 'text/calendar');
    expect(first.summary).toMatchObject({ created: 1, updated: 0, skipped: [], total: 1 });
    const again = await importFile('calendars', work.documentId, noUid, 'text/calendar');
    expect(again.summary).toMatchObject({ created: 0, updated: 1, total: 1 });
    const added = [...(await members(work.path)).keys()].filter((name) => !afterFirstImport.has(name));
    expect(added).toHaveLength(1);
    expect((await dav.get(`${work.path}${added[0]}`)).text).toMatch(/UID:[0-9a-f-]{36}\r\n/);
    expect((await dav.delete(`${work.path}${added[0]}`)).status).toBe(204);
  });

  test('a file that is not iCalendar is refused with the reason, and nothing changes', async () => {
    const before = await syncToken(work.path);
    const cases: Array<[string, RegExp]> = [
      ['hello', /not valid iCalendar: invalid line \(no token ";" or ":"\) "hello"/],
      ['', /empty/],
      ['BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:cut-off\r\n', /not valid iCalendar: .*did not end/],
      ['BEGIN:VCALENDAR\r\nVERSION:1.0\r\nBEGIN:VEVENT\r\nUID:old\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n', /version 1\.0; only version 2\.0/],
      ['BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ada\r\nEND:VCARD\r\n', /holds vCards .* import it into an address book/],
      ['{"events": []}', /not iCalendar/],
    ];
    for (const [text, message] of cases) {
      const response = await upload('calendars', work.documentId, text, adminToken);
      expect(response.status).toBe(400);
      expect(errorMessage(response)).toMatch(message);
      expect(response.text).not.toMatch(/\s+at\s+\S+\.(js|ts):\d+/);
    }
    expect(await syncToken(work.path)).toBe(before);
    expect(await members(work.path)).toEqual(afterFirstImport);
  });

  test('an unknown calendar is a 404, one without an owner a 409, and a file over 50 MB a 413', async () => {
    const unknown = await upload('calendars', 'no-such-calendar', exported, adminToken);
    expect(unknown.status).toBe(404);
    expect(errorMessage(unknown)).toBe('There is no calendar with documentId "no-such-calendar".');

    const ownerless = await server.collections.createCalendar({ name: 'Nobody\'s', slug: 'nobodys' } as never);
    const refused = await upload('calendars', ownerless.documentId, exported, adminToken);
    expect(refused.status).toBe(409);
    expect(errorMessage(refused)).toMatch(/has no owner; give it one/);

    const huge = await upload('calendars', work.documentId, 'X'.repeat(50 * 1024 * 1024 + 1), adminToken);
    expect(huge.status).toBe(413);
    expect(errorMessage(huge)).toMatch(/larger than 50 MB/);
  });
});

describe('a large file', () => {
  let bulk: { documentId: string; path: string };
  const uid = (index: number) => `bulk-${String(index).padStart(5, '0')}@example.com`;

  beforeAll(async () => {
    const calendar = await server.collections.createCalendar({ owner: owner.documentId, name: 'Bulk', slug: 'bulk' });
    bulk = { documentId: calendar.documentId, path: `/dav/calendars/${owner.username}/bulk/` };
  });

  test(`${BULK_EVENTS} events are imported as a job whose progress can be followed`, async () => {
    const lines = ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//Example Corp.//Bulk//EN'];
    const start = Date.UTC(2026, 0, 1, 8);
    for (let index = 0; index < BULK_EVENTS; index += 1) {
      const at = new Date(start + index * 3_600_000).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
      lines.push('BEGIN:VEVENT', `UID:${uid(index)}`, 'DTSTAMP:20260101T000000Z', `DTSTART:${at}`, 'DURATION:PT30M', `SUMMARY:Event ${index}`, 'END:VEVENT');
    }
    lines.push('END:VCALENDAR', '');

    const response = await upload('calendars', bulk.documentId, lines.join('\r\n'), adminToken);
    expect(response.status).toBe(202);
    const { jobId } = response.json<{ data: { jobId: string } }>().data;

    // One import at a time per calendar.
    const second = await upload('calendars', bulk.documentId, lines.join('\r\n'), adminToken);
    expect(second.status).toBe(409);
    expect(errorMessage(second)).toMatch(/already running/);

    const { final, seen } = await follow(jobId);
    expect(final.summary).toEqual({ created: BULK_EVENTS, updated: 0, skipped: [], total: BULK_EVENTS });
    expect(final.processed).toBe(BULK_EVENTS);
    // Progress was visible while it ran, and only went forward.
    const midway = seen.filter((state) => state.processed > 0 && state.processed < BULK_EVENTS);
    expect(midway.length).toBeGreaterThan(1);
    expect(midway.every((state) => state.total === BULK_EVENTS)).toBe(true);
    expect(midway.map((state) => state.processed)).toEqual([...midway.map((state) => state.processed)].sort((a, b) => a - b));

    // DAV clients see every event.
    expect((await members(bulk.path)).size).toBe(BULK_EVENTS);
  }, 600_000);

  test('the export holds every imported event', async () => {
    const response = await http(server.origin, 'GET', `/caldav/calendars/${bulk.documentId}/export`, { bearer: adminToken });
    expect(response.status).toBe(200);
    const uids = new Set([...response.text.matchAll(/^UID:(.+)\r$/gm)].map((match) => match[1]));
    expect(uids.size).toBe(BULK_EVENTS);
    expect(uids.has(uid(0)) && uids.has(uid(BULK_EVENTS - 1))).toBe(true);
  });
});

describe('exporting a calendar', () => {
  test('the .ics file holds every event, its overrides and time zones, and imports back into the same events', async () => {
    const response = await http(server.origin, 'GET', `/caldav/calendars/${work.documentId}/export`, { bearer: adminToken });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/calendar; charset=utf-8');
    expect(response.headers.get('content-disposition')).toBe('attachment; filename="work.ics"');
    expect(response.text.startsWith('BEGIN:VCALENDAR\r\n')).toBe(true);
    expect(response.text.endsWith('END:VCALENDAR\r\n')).toBe(true);
    const uids = [...response.text.matchAll(/^UID:(.+)\r$/gm)].map((match) => match[1]).sort();
    expect(uids).toEqual(['call', 'lunch', 'standup', 'standup']);
    expect(response.text.match(/^BEGIN:VTIMEZONE\r$/gm)).toHaveLength(2);
    expect(response.text).toContain('X-WR-CALNAME:Work');

    const before = [...(await members(work.path)).keys()].sort();
    const result = await importFile('calendars', work.documentId, response.text);
    expect(result.summary).toEqual({ created: 0, updated: 3, skipped: [], total: 3 });
    expect([...(await members(work.path)).keys()].sort()).toEqual(before);
  });

  test('an unknown calendar is a 404', async () => {
    const response = await http(server.origin, 'GET', '/caldav/calendars/no-such-calendar/export', { bearer: adminToken });
    expect(response.status).toBe(404);
  });
});

describe('importing and exporting vCards', () => {
  const cards = [
    ['BEGIN:VCARD', 'VERSION:3.0', 'UID:alice', 'FN:Alice Archer', 'N:Archer;Alice;;;', 'EMAIL;TYPE=INTERNET,WORK:alice@example.com', 'item1.X-ABLabel:Lab', 'END:VCARD'],
    ['BEGIN:VCARD', 'VERSION:4.0', 'UID:urn:uuid:0d5c4e4a-5f7e-4b8e-9a53-2b9a7a3c1e11', 'FN:Bob Baker', 'ORG:Bakery\\; Fine Breads', 'TEL;TYPE=cell;VALUE=uri:tel:+1-555-0100', 'END:VCARD'],
    ['BEGIN:VCARD', 'VERSION:3.0', 'FN:Carol without a UID', 'END:VCARD'],
    ['BEGIN:VCARD', 'VERSION:3.0', 'UID:nameless', 'EMAIL:nobody@example.com', 'END:VCARD'],
    ['BEGIN:VCARD', 'VERSION:2.1', 'UID:old-phone', 'N:Phone;Old', 'TEL;HOME;VOICE:555', 'END:VCARD'],
  ].map((lines) => `${lines.join('\r\n')}\r\n`);

  test('each vCard becomes a contact with the bytes of the file; those that cannot be stored are listed', async () => {
    const tokenBefore = await syncToken(book.path);
    const result = await importFile('address-books', book.documentId, cards.join(''));
    expect(result.summary).toMatchObject({ created: 3, updated: 0, total: 5 });
    expect(result.summary.skipped).toEqual([
      { uid: 'nameless', reason: expect.stringMatching(/no FN/) },
      { uid: null, reason: expect.stringMatching(/^The vCard on line 2\d: vCard version 2\.1 is not supported/) },
    ]);

    const names = [...(await members(book.path)).keys()].sort();
    expect(names).toHaveLength(3);
    expect(names).toEqual(expect.arrayContaining(['alice.vcf', 'urn_uuid_0d5c4e4a-5f7e-4b8e-9a53-2b9a7a3c1e11.vcf']));
    expect((await dav.get(`${book.path}alice.vcf`)).text).toBe(cards[0]);
    const carol = names.find((name) => !['alice.vcf', 'urn_uuid_0d5c4e4a-5f7e-4b8e-9a53-2b9a7a3c1e11.vcf'].includes(name)) ?? '';
    expect((await dav.get(`${book.path}${carol}`)).text).toMatch(/FN:Carol without a UID\r\nUID:urn:uuid:[0-9a-f-]{36}\r\nEND:VCARD/);

    const sync = await dav.report(book.path, syncBody(tokenBefore), '0');
    expect(readMultistatus(sync.text).filter((entry) => entry.href !== book.path)).toHaveLength(3);
  });

  test('a browser form upload works too, and the export imports back as updates', async () => {
    const form = new FormData();
    form.append('file', new Blob([cards[0]], { type: 'text/vcard' }), 'alice.vcf');
    const response = await fetch(`${server.origin}/caldav/address-books/${book.documentId}/import`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${adminToken}` },
      body: form,
    });
    expect(response.status).toBe(202);
    const { final } = await follow(((await response.json()) as { data: { jobId: string } }).data.jobId);
    expect(final.summary).toEqual({ created: 0, updated: 1, skipped: [], total: 1 });

    const exported = await http(server.origin, 'GET', `/caldav/address-books/${book.documentId}/export`, { bearer: adminToken });
    expect(exported.status).toBe(200);
    expect(exported.headers.get('content-type')).toBe('text/vcard; charset=utf-8');
    expect(exported.headers.get('content-disposition')).toBe('attachment; filename="contacts.vcf"');
    expect(exported.text.match(/^BEGIN:VCARD\r$/gm)).toHaveLength(3);
    expect(exported.text).toContain(cards[0]);
    expect(exported.text).toContain(cards[1]);
    expect(exported.text.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);

    const again = await importFile('address-books', book.documentId, exported.text);
    expect(again.summary).toEqual({ created: 0, updated: 3, skipped: [], total: 3 });
    expect((await members(book.path)).size).toBe(3);
  });

  test('a file that is not vCards is refused, and nothing changes', async () => {
    const before = await syncToken(book.path);
    for (const [text, message] of [
      ['hello', /not a vCard file: line 1 is outside any BEGIN:VCARD/],
      [exported, /holds a calendar/],
      ['\r\n', /empty/],
    ] as Array<[string, RegExp]>) {
      const response = await upload('address-books', book.documentId, text, adminToken);
      expect(response.status).toBe(400);
      expect(errorMessage(response)).toMatch(message);
    }
    expect(await syncToken(book.path)).toBe(before);
  });
});

describe('permissions', () => {
  let editorToken: string;
  let grant: Editor['grant'];

  beforeAll(async () => {
    const editor = await createEditor(server, adminToken);
    editorToken = editor.token;
    grant = editor.grant;
  });

  const requests = (token: string | undefined) => [
    upload('calendars', work.documentId, exported, token),
    upload('address-books', book.documentId, 'BEGIN:VCARD\r\nVERSION:3.0\r\nUID:x\r\nFN:X\r\nEND:VCARD\r\n', token),
    http(server.origin, 'GET', '/caldav/imports/some-job', { bearer: token }),
    http(server.origin, 'GET', `/caldav/calendars/${work.documentId}/export`, { bearer: token }),
    http(server.origin, 'GET', `/caldav/address-books/${book.documentId}/export`, { bearer: token }),
  ];

  test('without an admin token every route is refused', async () => {
    const before = await syncToken(work.path);
    for (const response of await Promise.all(requests(undefined))) expect(response.status).toBe(401);
    expect(await syncToken(work.path)).toBe(before);
  });

  test('an editor needs to read events (contacts) to export, and to create and update them to import', async () => {
    const before = await syncToken(work.path);
    // Import calendar, import address book, job status (unknown job), export calendar, export address book.
    expect((await Promise.all(requests(editorToken))).map((response) => response.status)).toEqual([403, 403, 404, 403, 403]);

    await grant('events.read', 'contacts.read');
    expect((await Promise.all(requests(editorToken))).map((response) => response.status)).toEqual([403, 403, 404, 200, 200]);
    await grant('events.read', 'events.create', 'contacts.read', 'contacts.create');
    expect((await upload('calendars', work.documentId, exported, editorToken)).status).toBe(403);
    expect((await upload('address-books', book.documentId, 'BEGIN:VCARD\r\nVERSION:3.0\r\nUID:x\r\nFN:X\r\nEND:VCARD\r\n', editorToken)).status).toBe(403);
    expect(await syncToken(work.path)).toBe(before);

    await grant('events.read', 'events.create', 'events.update');
    const response = await upload('calendars', work.documentId, exported, editorToken);
    expect(response.status).toBe(202);
    const { jobId } = response.json<{ data: { jobId: string } }>().data;
    // The job is the editor's: another admin does not see it.
    expect((await http(server.origin, 'GET', `/caldav/imports/${jobId}`, { bearer: adminToken })).status).toBe(404);
    const { final } = await follow(jobId, editorToken);
    expect(final.summary).toMatchObject({ created: 0, updated: 3, total: 5 });
  });
});
